// Internal types of the investigation layer: the job and tool outputs.
import type { EvidenceSeries } from '../domain/types';

/** What the job queue carries; jobId = investigationId for rounds (so a double start enqueues once). */
export interface InvestigationJob {
  investigationId: string;
  kind?: 'round' | 'followup';
  /** Rounds only: the incident start a person gave (`since=`), epoch ms. */
  since?: number;
  /** Follow-ups only. */
  question?: string;
  userId?: string;
  /** Follow-ups only: a stable id of the question (Slack ts of the mention), for idempotent posts. */
  askId?: string;
}

/** One result item before the gate gives it an evidence id. */
export interface ToolItem {
  source: string;
  service?: string;
  timeRange?: { from: string; to: string };
  /** One line, within the tool's budget; the gate prefixes `[E7]`. */
  excerpt: string;
  sparkline?: string;
  /** The metric series behind the item, downsampled, for charts (not shown to the model). */
  series?: EvidenceSeries;
  /** Key of the analysed object (template id, anomaly key, change id) so plans can map evidence back. */
  ref?: string;
  /** Where a person can see it (a URL or a command), when the source knows one. */
  link?: string;
}

/** What a tool implementation returns: a header line and items; the gate builds the digest. */
export interface ToolOutput {
  header: string;
  items: ToolItem[];
  /** Appended after the items (e.g. "12 more not shown"). */
  footer?: string;
}

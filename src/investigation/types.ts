// Internal types of the investigation layer: the job, the Slack port it posts through, tool outputs.
import type { Evidence, EvidenceSeries, Finding, Investigation, Synthesis } from '../domain/types';

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

/**
 * The Slack side of an investigation: one thread per investigation. Implemented over the Poster in
 * src/slack/investigation-notifier.ts; every post is idempotent by a key derived from investigation id,
 * round and item, so a retried job never duplicates a message.
 */
export interface InvestigationNotifier {
  /** Posts the parent status card; returns its ts (the thread). */
  postCard(inv: Investigation): Promise<string>;
  /** Edits the status card in place. */
  updateCard(inv: Investigation): Promise<void>;
  /** One reply per finding, as soon as its scout finishes. `key` distinguishes follow-up answers. */
  postFinding(inv: Investigation, finding: Finding, key?: string): Promise<void>;
  /** The ranked hypotheses, with message metadata and the Dig deeper button; `evidence`: the round's, for its chart. */
  postSynthesis(inv: Investigation, synthesis: Synthesis, evidence?: readonly Evidence[]): Promise<void>;
  /** A plain note in the thread (fallbacks, stop, failures). */
  postNote(inv: Investigation, key: string, text: string): Promise<void>;
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

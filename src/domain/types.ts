// Plain types shared by every layer. No I/O, no Slack, no SDK types here.
import type { Fingerprint, PastMatch } from './memory';

/** A Slack channel recognised as an incident. */
export interface Incident {
  id: string; // = Slack channel id
  channelId: string;
  channelName: string;
  /** ISO time the incident began (channel creation, `since=`, or the files source's clock). */
  startedAt: string;
  openedBy?: string; // Slack user id
  description?: string;
  /** Investigation ids, oldest first. */
  investigations: string[];
  createdAt: string;
  /** Set once the bot joined and posted the kickoff; absent means opening did not finish. */
  openedAt?: string;
}

export type ScoutState = 'queued' | 'running' | 'done' | 'failed' | 'stopped' | 'budget_spent' | 'fallback';

export interface ScoutStatus {
  name: string;
  state: ScoutState;
  startedAt?: string;
  finishedAt?: string;
  toolCalls: number;
  maxToolCalls: number;
  inputTokens: number;
  outputTokens: number;
  maxOutputTokens: number;
  note?: string;
}

export type InvestigationState = 'queued' | 'running' | 'synthesized' | 'stopped' | 'failed' | 'timed_out';

/** What made a channel an incident. */
export type OpenTrigger = 'channel_created' | 'channel_rename' | 'member_joined' | 'slash' | 'alert';
/** What starts an investigation round: an opening, a person asking for more, or a question in a thread. */
export type RoundTrigger = OpenTrigger | 'deeper' | 'mention';

export interface Investigation {
  id: string;
  incidentId: string;
  channelId: string;
  round: number;
  state: InvestigationState;
  /** Who or what started it: a RoundTrigger, followed by `:<user>` when a person did ('slash:U1', 'deeper:U1'). */
  trigger: string;
  focus?: string;
  /** Baseline start (an hour before the incident) and "now" of the window. */
  /** onsetLo/onsetHi: the onset's uncertainty, kept so that every reader ranks with the interval analyze uses. */
  window: { from: string; onset: string; to: string; onsetLo?: string; onsetHi?: string };
  brain: 'deterministic' | 'claude';
  scouts: ScoutStatus[];
  /** Slack ts of the parent status card, once posted. */
  threadTs?: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  stopRequested?: boolean;
}

/** One tool result item with a stable id, issued only by the tool gate. */
export interface Evidence {
  id: string; // E1, E2, ...
  scout: string;
  tool: string;
  source: string;
  service?: string;
  timeRange?: { from: string; to: string };
  /** Compact digest text (already redacted). */
  excerpt: string;
  /** Optional unicode sparkline. */
  sparkline?: string;
  /** Where a person can see it: a URL (Grafana, Prometheus, a pull request) or a command (kubectl, logcli). */
  link?: string;
  /** The metric series behind it, downsampled (at most 60 points): what a chart of this evidence draws. */
  series?: EvidenceSeries;
}

/** A metric series as evidence carries it: `checkout p99 latency` in `s`, [epoch ms, value] points. */
export interface EvidenceSeries {
  label: string;
  service: string;
  unit?: string;
  points: Array<[number, number]>;
  /** Where the analyzer saw the series change (epoch ms). */
  changeAt?: number;
}

export type FindingStatus = 'verified' | 'unverified' | 'contradicted';

export interface Claim {
  text: string;
  evidence: string[]; // evidence ids
  service?: string;
  status: FindingStatus;
  /** Why it is unverified or contradicted. */
  note?: string;
}

/** A scout's report: claims with the evidence behind them. */
export interface Finding {
  investigationId: string;
  scout: string;
  summary: string;
  claims: Claim[];
  confidence: number; // 0..1
  brain: 'deterministic' | 'claude';
  /** Set when the scout fell back from the LLM to its deterministic plan. */
  fallbackReason?: string;
  evidence: Evidence[];
}

export interface Hypothesis {
  rank: number;
  service: string;
  cause: string;
  confidence: number; // 0..1
  evidence: string[]; // ids for
  against: string[]; // ids against, or textual notes prefixed with '!'
  change?: string | null; // implicated change id
}

export interface RedHerring {
  what: string;
  why: string;
  evidence: string[];
}

export interface Synthesis {
  investigationId: string;
  hypotheses: Hypothesis[];
  redHerrings: RedHerring[];
  summary: string;
  partial: boolean;
  /** Evidence id → where a person can see it, for the evidence the hypotheses cite (set when posted). */
  links?: Record<string, string>;
  /** What this round saw, for the memory of past incidents (src/domain/memory.ts). */
  fingerprint?: Fingerprint;
  /** Resolved incidents this one resembles, most alike first ("Seen before"). */
  seenBefore?: PastMatch[];
}

export type ProposalStatus =
  'pending' | 'approved' | 'running' | 'succeeded' | 'failed' | 'rejected' | 'expired' | 'voided';

export type ParamValue = string | number | boolean;

export interface Approval {
  userId: string;
  name: string;
  at: string;
}

export interface Proposal {
  id: string;
  incidentId: string;
  channelId: string;
  investigationId?: string;
  actionId: string;
  params: Record<string, ParamValue>;
  /** Names of params whose value came from untrusted text (a log line, a model). */
  untrustedParams: string[];
  /** Exactly what will run, as its executor kind rendered it. */
  rendered: RenderedAction;
  evidence: string[];
  reason: string;
  requestedBy: string; // 'lead' or a Slack user id
  risk: 'low' | 'medium' | 'high';
  requiredApprovals: number;
  approvals: Approval[];
  status: ProposalStatus;
  hash: string;
  /** HMAC of id, hash and approvals under the app's approvals key (proposals.ts sealApprovals). */
  approvalsMac?: string;
  createdAt: string;
  expiresAt: string;
  decidedBy?: Approval;
  /** When it moved to `running` (ISO). */
  runningSince?: string;
  /**
   * After this (ISO) the sweep treats an unfinished run as abandoned: set by the process that runs it,
   * from its own action spec, so a replica with a different catalog cannot settle it early.
   */
  settleAfter?: string;
  statusNote?: string;
  result?: ExecutionResult;
  threadTs?: string;
  messageTs?: string;
}

/**
 * Exactly what will run, frozen in a proposal: `kind` names its executor kind (src/remediation/executors/),
 * which owns the other fields (argv for a command; method, url, headers and body for a request).
 */
export interface RenderedAction {
  kind: string;
  [field: string]: unknown;
}

export interface ExecutionResult {
  /** Set by the sweep when the process running it stopped: the outcome is unknown. */
  interrupted?: true;
  ok: boolean;
  exitCode: number | null;
  output: string;
  durationMs: number;
  error?: string;
}

export type AuditKind =
  | 'tool_call'
  | 'tool_refused'
  | 'finding'
  | 'synthesis'
  | 'proposal'
  | 'decision'
  | 'refusal'
  | 'execution'
  | 'investigation'
  | 'resolution';

export interface AuditRecord {
  at: string;
  kind: AuditKind;
  incidentId: string;
  investigationId?: string;
  actor: string; // scout name, 'lead', Slack user id, 'system'
  actorName?: string;
  detail: Record<string, unknown>;
}

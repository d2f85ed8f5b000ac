// Types of the evidence layer: what sources return and what analyzers produce.
// Times are epoch milliseconds inside the layer; ISO text at its edges (reports, JSON).

export type Signal = 'logs' | 'metrics' | 'changes' | 'topology' | 'traces';

/** One log event as the service wrote it; multi-line events (stack traces) are joined with '\n'. */
export interface LogEvent {
  ts: number;
  service: string;
  /** File name or stream label it came from. */
  origin: string;
  /** 1-based line number of the first line of the event in its origin (0 when unknown). */
  line: number;
  text: string;
  level?: string;
  /** Message body of the first line with the header (time, level, thread, logger) stripped; template mining input. */
  body?: string;
}

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown';

export interface MetricSeries {
  /** Metric name as exposed, e.g. `http_request_duration_seconds_bucket`. */
  name: string;
  /** Family name (without _bucket/_sum/_count/_total suffixes where the type says so). */
  family: string;
  type: MetricType;
  service: string;
  labels: Record<string, string>;
  /** [epoch ms, value], sorted by time. */
  points: Array<[number, number]>;
  unit?: string;
  /**
   * Already derived by the backend: a counter's per-second rate, or a histogram quantile over the
   * `_bucket` series (labels without `le`). The analyzers use such points as they are.
   */
  derived?: 'rate' | { quantile: number };
}

export interface Change {
  id: string;
  time: number;
  service: string;
  kind: 'deploy' | 'config' | 'flag' | 'infra' | string;
  summary: string;
  author?: string;
  version?: string;
  /** Where a person sees it: a pull request, commit or compare URL. */
  url?: string;
  /** Or the command that shows it (e.g. `kubectl rollout history ...`). */
  link?: string;
  [extra: string]: unknown;
}

export interface TopologyNode {
  name: string;
  kind: 'edge' | 'service' | 'db' | 'cache' | 'queue' | 'external' | string;
  calls: string[];
}

export interface Topology {
  services: TopologyNode[];
}

export interface IncidentMeta {
  title?: string;
  channel?: string;
  startedAt?: number;
  description?: string;
}

export interface SourceCapabilities {
  signals: Signal[];
  /** Services this source can see (scope checks use it). */
  services: string[];
  /** Label names it can filter by. */
  labels: string[];
}

/** A malformed line or file: counted and reported, never fatal. */
export interface ParseProblem {
  origin: string;
  line?: number;
  problem: string;
  count: number;
}

export interface TimeQuery {
  from: number;
  to: number;
  /** Restrict to these services; undefined = all the source can see. */
  services?: string[];
}

/** An evidence backend: files (embedded default), Prometheus, Loki, or a composite of them. */
export interface EvidenceSource {
  readonly name: string;
  capabilities(): Promise<SourceCapabilities>;
  /** The source's own "now" (files: incident.yaml started_at, else last timestamp); null = wall clock. */
  clock(): Promise<number | null>;
  incident(): Promise<IncidentMeta | null>;
  logs(q: TimeQuery): AsyncIterable<LogEvent>;
  metrics(q: TimeQuery & { stepSeconds?: number }): Promise<MetricSeries[]>;
  changes(q: TimeQuery): Promise<Change[]>;
  topology(): Promise<Topology | null>;
  problems(): ParseProblem[];
  /** Per-service span statistics and call edges from traces, when the source has them. */
  traces?(q: TimeQuery): Promise<TraceStats[]>;
  /** The spans that start in the range (bounded: a source caps what it keeps and counts the rest in problems). */
  spans?(q: TimeQuery): Promise<Span[]>;
  /** Where a person can see this evidence (a URL or a command), in the source's own labels; undefined = nowhere. */
  link?(target: LinkTarget): string | undefined;
}

/**
 * What an evidence link points at. Metrics: a series as the analyzers read it (raw, as a per-second
 * rate, or a histogram quantile over `<family>_bucket`); logs: a service's lines, optionally containing a text.
 */
export type LinkTarget =
  | {
      signal: 'metrics';
      service: string;
      name: string;
      read: 'raw' | 'rate' | { quantile: number };
      from: number;
      to: number;
    }
  | { signal: 'logs'; service: string; contains?: string; ignoreCase?: boolean; from: number; to: number };

export type SpanKind = 'server' | 'client' | 'internal' | 'producer' | 'consumer' | 'unspecified';

/** One span of a trace, reduced to what the analyzers reason with. */
export interface Span {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  service: string;
  name: string;
  kind: SpanKind;
  startMs: number;
  durationMs: number;
  /** Status code ERROR, or an HTTP status of 500 and above. */
  error: boolean;
  httpStatus?: number;
  /** Where a client span went (peer.service, server.address, net.peer.name, url host, db.system), without port. */
  peer?: string;
  /** The failure reads as a timeout (status message or error type says timeout/deadline, HTTP 408/504). */
  timeout?: boolean;
}

/** Span statistics of one service over a time range (from OTLP traces). */
export interface TraceStats {
  service: string;
  spans: number;
  errors: number;
  /** errors / spans (0 when no spans). */
  errorRatio: number;
  p50Ms: number;
  p99Ms: number;
  /** Services this one called (parent span in this service, child span in the other). */
  calls: Array<{ service: string; count: number; errors: number }>;
}

export interface AnalysisWindow {
  /** Baseline start (onset - 1h by default). */
  from: number;
  /** Incident onset: the time the incident began. */
  onset: number;
  /** "Now": end of the incident window. */
  to: number;
  /** Uncertainty of the onset: it lies in [onsetLo, onsetHi] (defaults: the onset itself). */
  onsetLo?: number;
  onsetHi?: number;
}

/**
 * `unknown`: seen only in the incident while the logs cover no baseline, and too soon after its service's
 * logs begin (or too rarely) for its absence before to mean anything: whether it is new cannot be told.
 */
export type TemplateLabel = 'new' | 'surging' | 'steady' | 'gone' | 'unknown';

export interface TemplateStat {
  id: string;
  template: string;
  service: string;
  level?: string;
  baselineCount: number;
  incidentCount: number;
  /** Rate ratio incident/baseline (per minute), Infinity when new. */
  ratio: number;
  firstSeen: number;
  label: TemplateLabel;
  /** Up to three events of the template (incident first), secrets redacted, each clipped to 300 characters. */
  samples: string[];
  /** One real line of the template (an event's first line, from the incident when it occurs there), secrets redacted: shown beside the template. */
  example?: string;
}

export interface SeriesAnomaly {
  key: string; // name{labels}
  service: string;
  metric: string; // human name e.g. "p99 latency", "error rate", "cpu"
  family: string;
  kind: 'latency' | 'errors' | 'traffic' | 'saturation' | 'other';
  unit?: string;
  /** Detected change point (epoch ms), or null when none. */
  changeAt: number | null;
  baseline: number; // median
  current: number; // median of the incident window
  /** Robust score: (current - baseline median) / IQR (signed). */
  score: number;
  direction: 'up' | 'down' | 'flat';
  /** Which direction hurts users (a success rate going down); absent = up, except traffic (either). */
  bad?: 'up' | 'down' | 'both';
  /** No baseline of its own (a new instance): compared with its siblings in the same service. */
  vsSiblings?: boolean;
  /** Judged against only this many baseline samples (monitoring that began minutes ago), under a stricter bar. */
  shortBaseline?: number;
  /** Times the baseline went as far the same way (separate excursions): a recurring spike, not news. */
  recurring?: number;
  sparkline: string;
}

export interface ChangeScore {
  change: Change;
  /** Seconds from the change to the onset (positive = before onset). */
  leadSeconds: number;
  score: number;
  serviceAnomalous: boolean;
  dependencyAnomalous: boolean;
  reason: string;
}

export interface Suspect {
  service: string;
  score: number;
  reason: string;
  /** Implicated change id (or summary), or null. */
  change: string | null;
  evidence: string[];
  against: string[];
  /** Probability-like confidence (0..1) from the strength of the evidence and the margin over the runner-up. */
  confidence?: number;
  /** The confidence in plain words. */
  likelihood?: 'likely' | 'possible' | 'unclear';
}

export interface RedHerringReport {
  what: string;
  why: string;
  kind: 'steady_error' | 'unrelated_change' | 'downstream_symptom' | 'other';
  service?: string;
}

/** Per-phase counts of one trace finding: before the onset (baseline) and since it (incident). */
export interface PhaseCounts {
  baseline: number;
  incident: number;
}

/** A service (or an external destination) where erroring spans start: failing spans with no failing child. */
export interface TraceErrorOrigin {
  service: string;
  /** A destination named by client spans that is not a service in the traces (a third party, a database). */
  external: boolean;
  /** Erroring spans whose error starts here, per phase. */
  spans: PhaseCounts;
  /** Incident origins beyond what the baseline rate (per span seen) predicts. */
  excess: number;
  /** 0..1: share of all excess origins, damped when there are few. */
  strength: number;
  /** Callers whose spans failed only because this one did. */
  propagatedTo: string[];
  /** A few span names, e.g. `POST /authorize`. */
  examples: string[];
  /** Some of the errors were a caller timing out while waiting on this one. */
  timeouts: number;
}

/** A service whose own time (span duration minus its children's) per request grew since the onset. */
export interface TraceLatencyOrigin {
  service: string;
  external: boolean;
  /** Mean self-time per trace the service appears in, ms. */
  baselineMs: number;
  incidentMs: number;
  addedMs: number;
  /** Traces seen per phase. */
  traces: PhaseCounts;
  strength: number;
  examples: string[];
}

/** Caller -> callee over spans: calls, errors and mean latency (callee span or client span duration). */
export interface TraceEdge {
  caller: string;
  callee: string;
  external: boolean;
  calls: PhaseCounts;
  errors: PhaseCounts;
  meanMs: PhaseCounts;
  /** The same calls from both sides since the onset, when the caller's span of each call is known. */
  sides?: CallSides;
}

/**
 * Calls on one edge seen from both sides (medians): the caller's span of each call, the callee's span under it,
 * and the gap between them, which is time spent on the way (network, the callee's ingress, or the caller's own
 * client side) rather than in either handler.
 */
export interface CallSides {
  calls: number;
  callerMs: number;
  calleeMs: number;
  gapMs: number;
  /** The gap this edge usually has: its own before the onset, else the other edges' (lower quartile); absent with nothing to compare. */
  usualGapMs?: number;
  usual?: 'baseline' | 'other edges';
}

/**
 * Time lost between callers and a callee, credited to one side: to the callee (the network to it or its
 * ingress) when the callee's callers see it and the caller's other calls do not, else to the caller whose
 * calls to several services all lose it (its own CPU, threads or pools stretch every call it makes).
 */
export interface TraceGap {
  service: string;
  side: 'callee' | 'caller';
  /** The edges that lose the time, most calls first. */
  edges: Array<{ caller: string; callee: string } & CallSides>;
  strength: number;
  /** log10(1 + gap / usual gap), scaled by volume like the strength: how large the move is, unbounded. */
  magnitude: number;
}

/** The compact trace analysis in a report: where errors start, where time is added, what changed per edge. */
export interface TraceDigest {
  spans: PhaseCounts;
  traces: number;
  errorOrigins: TraceErrorOrigin[];
  latencyOrigins: TraceLatencyOrigin[];
  /** Time lost on the way between callers and callees, and whose it is. */
  gaps: TraceGap[];
  /** The edges that changed most (error rate or latency), at most a dozen. */
  edges: TraceEdge[];
  /** What limited the analysis, in plain words (e.g. no spans before the onset). */
  notes: string[];
}

/** The offline triage report (`incident-scout analyze`). */
export interface TriageReport {
  onset: string;
  window: { from: string; onset: string; to: string };
  suspects: Suspect[];
  red_herrings: RedHerringReport[];
  templates: TemplateStat[];
  anomalies: SeriesAnomaly[];
  changes: ChangeScore[];
  problems: ParseProblem[];
  /** Trace analysis, when the source has spans. */
  traces?: TraceDigest;
  digest: string;
}

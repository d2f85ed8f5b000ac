// The files source: a scenario directory in standard formats (see DESIGN.md "Evidence on disk").
// Logs are streamed on every query; metrics, changes, topology and traces are small and parsed
// once. A malformed line or file is counted in problems(), never fatal.

import { statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type {
  Change,
  EvidenceSource,
  IncidentMeta,
  LinkTarget,
  LogEvent,
  MetricSeries,
  ParseProblem,
  Signal,
  SourceCapabilities,
  Span,
  TimeQuery,
  Topology,
  TraceStats,
} from '../../types';
import { evidenceLink, type LinkSettings } from '../links';
import type { SourceDefinition } from '../registry';
import { EvidenceNotFound } from '../errors';
import { mergeByTime } from '../merge';
import { ProblemLog } from '../problems';
import { MAX_FILE_BYTES, MAX_LINE_CHARS, newReadStats, readLogLines } from '../../logparse/reader';
import { fsReason } from '../../../domain/errors';
import { filesOf } from './listing';
import { lastTimestamp, readLogFile, type LogFileRef, type ReadStats } from './logs';
import { readChanges, readIncident, readTopology } from './meta';
import { OpenMetricsParser, pointsIn, type StoredSeries } from './openmetrics';
import { parseOtlpText, SpanReservoir, traceStats } from './traces';

interface Loaded {
  incident: IncidentMeta | null;
  logs: LogFileRef[];
  metrics: StoredSeries[];
  changes: Change[];
  topology: Topology | null;
  spans: Span[] | null;
  refTime: number;
}

/**
 * What each folder of a scenario reads; any other file there is named in the problems, never silently
 * dropped. Rotated logs (`app.log.1`) and gzip (`.gz`) are read like the rest.
 */
const LOG_FILE = /\.(?:log|jsonl|txt|out|err)(?:\.\d+)?(?:\.gz)?$/;
const METRICS_FILE = /\.(?:prom|om|openmetrics|txt)(?:\.gz)?$/;
const TRACE_FILE = /\.jsonl?(?:\.gz)?$/;

/** A log's service: the folder under logs/ it sits in (`logs/checkout/pod-1.log`), else its name (`logs/checkout.log`). */
function logService(rel: string): string {
  const slash = rel.indexOf('/');
  return slash > 0 ? rel.slice(0, slash) : rel.replace(LOG_FILE, '');
}

/** A small file's text, gunzipped when its name says so. */
async function readText(file: string): Promise<string> {
  const raw = await readFile(file);
  return (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
}

/** Most bytes read from one metrics file (decoded): a day of 20,000 one-minute series is about 2 GB. */
const MAX_METRICS_BYTES = 8 * 2 ** 30;

/** Spans kept in memory at most (about 0.5 KB each with the index the analyzer builds); the rest are counted in problems(). */
const MAX_SPANS = 200_000;
/** A trace file larger than this is skipped with a problem rather than parsed whole. */
const MAX_TRACE_FILE_BYTES = 256 * 1024 * 1024;

/** Puts what the bounded log reader saw into the problems (set, not added: logs are re-read per query). */
function reportRead(p: ProblemLog, origin: string, st: ReadStats): void {
  p.set(origin, 'binary file, not read as a log', st.binary ? 1 : 0);
  p.set(origin, `line longer than ${MAX_LINE_CHARS / 1024} KiB, truncated`, st.truncatedLines, st.firstTruncatedLine);
  p.set(origin, `file larger than ${MAX_FILE_BYTES / 2 ** 20} MiB, the rest not read`, st.capped ? 1 : 0);
  p.set(origin, `not read after line ${st.lines}: ${st.failed ?? ''}`, st.failed === undefined ? 0 : 1);
  p.set(
    origin,
    'no timestamp in the file near these lines: dated at the incident clock',
    st.undated,
    st.firstUndatedLine,
  );
}

/** The query cut at the incident's start: a recorded incident is never read past its own clock. */
function atClock<Q extends TimeQuery>(q: Q, d: Loaded, moved: number | undefined): Q {
  const clock = moved ?? d.incident?.startedAt;
  return clock !== undefined && q.to > clock ? { ...q, to: clock } : q;
}

function inRange(ts: number, q: TimeQuery): boolean {
  return ts >= q.from && ts <= q.to;
}

/** Evidence from a scenario directory on disk. Create it with `openFilesSource`. */
export class FilesSource implements EvidenceSource {
  readonly name = 'files';
  private readonly problemLog = new ProblemLog();
  private loaded: Promise<Loaded> | null = null;

  private readonly exclude: ReadonlySet<Signal>;
  private readonly maxSpans: number;
  private readonly links: LinkSettings;
  private readonly movedClock: number | undefined;

  /**
   * `exclude` hides signals another configured backend serves (e.g. metrics when Prometheus is set);
   * `links` point at a Prometheus/Grafana/Loki holding the same data (the files are loadable into them).
   */
  constructor(
    readonly dir: string,
    opts: FilesSourceOptions = {},
  ) {
    this.exclude = new Set(opts.exclude ?? []);
    this.maxSpans = opts.maxSpans ?? MAX_SPANS;
    this.links = opts.links ?? {};
    this.movedClock = opts.clock;
  }

  /** A link only where a configured server holds the data: a file path shows a reader nothing in Slack. */
  link(target: LinkTarget): string | undefined {
    return this.exclude.has(target.signal) ? undefined : evidenceLink(this.links, target);
  }

  private load(): Promise<Loaded> {
    this.loaded ??= this.loadAll();
    return this.loaded;
  }

  private async loadAll(): Promise<Loaded> {
    const p = this.problemLog;
    const incident = await readIncident(path.join(this.dir, 'incident.yaml'), 'incident.yaml', p);
    const logs = (
      await filesOf(this.dir, 'logs', LOG_FILE, '.log, .jsonl, .txt, .out or .err (optionally .gz)', p)
    ).map((f) => ({ file: path.join(this.dir, 'logs', f), origin: `logs/${f}`, service: logService(f) }));
    const metrics = this.exclude.has('metrics') ? [] : await this.readMetrics(p);
    const changes = await readChanges(path.join(this.dir, 'changes.jsonl'), 'changes.jsonl', p);
    const topology = await readTopology(path.join(this.dir, 'topology.yaml'), 'topology.yaml', p);
    const spans = this.exclude.has('traces') ? null : await this.readSpans(p);
    return {
      incident,
      logs: this.exclude.has('logs') ? [] : logs,
      metrics,
      changes: this.exclude.has('changes') ? [] : changes,
      topology: this.exclude.has('topology') ? null : topology,
      spans,
      refTime: incident?.startedAt ?? Date.now(),
    };
  }

  /** Streams every metrics file through one parser (a series split over files is one series). */
  private async readMetrics(p: ProblemLog): Promise<StoredSeries[]> {
    const files = await filesOf(this.dir, 'metrics', METRICS_FILE, 'OpenMetrics text: .prom (optionally .gz)', p);
    const parser = new OpenMetricsParser(p);
    for (const f of files) {
      const origin = `metrics/${f}`;
      const before = parser.samples;
      const stats = newReadStats();
      parser.begin(origin);
      let ln = 0;
      try {
        const lines = readLogLines(path.join(this.dir, 'metrics', f), stats, { maxFileBytes: MAX_METRICS_BYTES });
        for await (const batch of lines) for (const line of batch) parser.push(line, ++ln);
      } catch (err) {
        p.add(origin, `not read after line ${ln}: ${fsReason(err)}`);
        continue;
      }
      if (stats.binary) p.add(origin, 'binary file, not read: expected OpenMetrics text');
      else if (parser.samples === before) p.add(origin, 'no samples in the file');
      if (stats.capped) p.add(origin, `file larger than ${MAX_METRICS_BYTES / 2 ** 30} GiB, the rest not read`);
      if (stats.truncatedLines)
        p.add(origin, `line longer than ${MAX_LINE_CHARS / 1024} KiB, truncated`, stats.firstTruncatedLine);
    }
    return parser.finish();
  }

  private async readSpans(p: ProblemLog): Promise<Span[] | null> {
    const files = await filesOf(this.dir, 'traces', TRACE_FILE, 'OTLP/JSON: .json or .jsonl (optionally .gz)', p);
    if (!files.length) return null;
    const into = new SpanReservoir(this.maxSpans);
    let readable = false;
    for (const f of files) {
      const file = path.join(this.dir, 'traces', f);
      const origin = `traces/${f}`;
      const size = (await stat(file)).size;
      if (size > MAX_TRACE_FILE_BYTES) {
        p.add(
          origin,
          `trace file of ${Math.round(size / 1048576)} MB skipped (limit ${MAX_TRACE_FILE_BYTES / 1048576} MB)`,
        );
        continue;
      }
      const malformed = into.malformed;
      try {
        parseOtlpText(await readText(file), into, (line, msg) => p.add(origin, msg, line));
        readable = true;
      } catch (err) {
        p.add(origin, (err as Error).message.split('\n')[0] ?? 'unreadable');
      }
      if (into.malformed > malformed)
        p.set(origin, 'span without valid start/end times skipped', into.malformed - malformed);
    }
    if (into.dropped)
      p.set(
        'traces/',
        `spans over the cap of ${this.maxSpans}: whole traces sampled (1 in ${Math.round(1 / into.sampled)} kept)`,
        into.dropped,
      );
    return readable ? into.spans : null;
  }

  async capabilities(): Promise<SourceCapabilities> {
    const d = await this.load();
    const services = new Set<string>();
    const labels = new Set<string>();
    d.logs.forEach((l) => services.add(l.service));
    for (const { meta } of d.metrics) {
      services.add(meta.service);
      Object.keys(meta.labels).forEach((k) => labels.add(k));
    }
    d.changes.forEach((c) => services.add(c.service));
    d.topology?.services.forEach((s) => services.add(s.name));
    d.spans?.forEach((s) => services.add(s.service));
    const signals: Signal[] = [];
    if (d.logs.length) signals.push('logs');
    if (d.metrics.length) signals.push('metrics');
    if (d.changes.length) signals.push('changes');
    if (d.topology) signals.push('topology');
    if (d.spans) signals.push('traces');
    return { signals, services: [...services].sort(), labels: [...labels].sort() };
  }

  async clock(): Promise<number | null> {
    if (this.movedClock !== undefined) return this.movedClock;
    const d = await this.load();
    if (d.incident?.startedAt !== undefined) return d.incident.startedAt;
    let last: number | null = null;
    const see = (t: number | null | undefined): void => {
      if (t !== null && t !== undefined && Number.isFinite(t) && (last === null || t > last)) last = t;
    };
    for (const s of d.metrics) see(s.ts[s.ts.length - 1]);
    d.changes.forEach((c) => see(c.time));
    // A traces-only scenario still has a clock: the last span's end.
    for (const sp of d.spans ?? []) see(sp.startMs + sp.durationMs);
    for (const l of d.logs) {
      try {
        see(await lastTimestamp(l.file, (await stat(l.file)).mtimeMs));
      } catch {
        // An unreadable log dates nothing; the read in logs() reports it.
      }
    }
    return last;
  }

  async incident(): Promise<IncidentMeta | null> {
    return (await this.load()).incident;
  }

  /** Log events in [from, to] for the services asked, merged across files by time. */
  async *logs(q: TimeQuery): AsyncGenerator<LogEvent> {
    const d = await this.load();
    q = atClock(q, d, this.movedClock);
    const want = q.services ? new Set(q.services) : null;
    const files = d.logs.filter((l) => !want || want.has(l.service));
    const streams = await Promise.all(
      files.map(async (ref) => {
        const refTime = d.incident?.startedAt ?? (await stat(ref.file)).mtimeMs;
        return readLogFile(ref, q.from, q.to, refTime, (st) => reportRead(this.problemLog, ref.origin, st));
      }),
    );
    yield* mergeByTime(streams);
  }

  async metrics(q: TimeQuery & { stepSeconds?: number }): Promise<MetricSeries[]> {
    const d = await this.load();
    q = atClock(q, d, this.movedClock);
    const want = q.services ? new Set(q.services) : null;
    const out: MetricSeries[] = [];
    for (const s of d.metrics) {
      if (want && !want.has(s.meta.service)) continue;
      const points = pointsIn(s, q.from, q.to);
      if (points.length) out.push({ ...s.meta, labels: { ...s.meta.labels }, points });
    }
    return out;
  }

  async changes(q: TimeQuery): Promise<Change[]> {
    const d = await this.load();
    q = atClock(q, d, this.movedClock);
    const want = q.services ? new Set(q.services) : null;
    return d.changes.filter((c) => inRange(c.time, q) && (!want || want.has(c.service))).map((c) => ({ ...c }));
  }

  async topology(): Promise<Topology | null> {
    return (await this.load()).topology;
  }

  async traces(q: TimeQuery): Promise<TraceStats[]> {
    const d = await this.load();
    q = atClock(q, d, this.movedClock);
    return d.spans ? traceStats(d.spans, q) : [];
  }

  async spans(q: TimeQuery): Promise<Span[]> {
    const d = await this.load();
    q = atClock(q, d, this.movedClock);
    if (!d.spans) return [];
    const want = q.services ? new Set(q.services) : null;
    return d.spans.filter((s) => inRange(s.startMs, q) && (!want || want.has(s.service)));
  }

  problems(): ParseProblem[] {
    return this.problemLog.list();
  }
}

export interface FilesSourceOptions {
  exclude?: Signal[];
  /** Moves the incident's clock (e.g. to look at a recording after an action); default started_at. */
  clock?: number;
  maxSpans?: number;
  links?: LinkSettings;
}

/** Opens a scenario directory; throws EvidenceNotFound naming the path when it is not a directory. */
export function openFilesSource(dir: string, opts: FilesSourceOptions = {}): FilesSource {
  const abs = path.resolve(dir);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new EvidenceNotFound(`evidence directory not found: ${abs}`);
  return new FilesSource(abs, opts);
}

/** The embedded default: a scenario directory (EVIDENCE_DIR); serves what no dedicated backend takes over. */
export const filesDefinition: SourceDefinition = {
  kind: 'files',
  title: 'Scenario files',
  signals: ['logs', 'metrics', 'changes', 'topology', 'traces'],
  fallback: true,
  settings: ['EVIDENCE_DIR'],
  configure({ evidence }, { links, recordingClock }) {
    const dir = evidence.dir;
    if (!dir) return null;
    const clock = recordingClock !== undefined ? { clock: recordingClock } : {};
    return {
      description: `files (${path.basename(dir)})`,
      open: (exclude) => openFilesSource(dir, { exclude: [...exclude], links, ...clock }),
    };
  },
};

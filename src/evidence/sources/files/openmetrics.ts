// OpenMetrics text with timestamps -> MetricSeries. Counters, gauges, histograms, summaries;
// `# TYPE`, `# UNIT`, `# HELP`, `# EOF`, exemplars. Timestamps in seconds (OpenMetrics); values that are
// obviously epoch milliseconds are accepted too. The service is named by the series' labels
// (series-service.ts: `service`, `service_name`, `app`, an Istio workload, a pod name, then `job`).
// Fed line by line (a file is never held whole) into typed arrays (16 bytes a sample), so 20,000 series
// of a day at one-minute steps fit in memory; points are made for the range a query asks only.

import { MAX_DATE_MS } from '../../../domain/time';
import type { MetricSeries, MetricType } from '../../types';
import type { ProblemLog } from '../problems';
import { serviceOfSeries } from '../series-service';

const TYPES: Record<string, MetricType> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  gaugehistogram: 'histogram',
  summary: 'summary',
  unknown: 'unknown',
  untyped: 'unknown',
  info: 'gauge',
  stateset: 'gauge',
};
const SUFFIXES = ['_total', '_bucket', '_count', '_sum', '_gcount', '_gsum', '_created', '_info'];

interface Family {
  type: MetricType;
  unit?: string;
}

/** Parses a sample value: floats, `NaN`, `+Inf`, `-Inf`. */
export function parseSampleValue(text: string): number | null {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : null;
}

/** Parses `{a="x",b="y\"z"}` starting at i; returns labels and the index after `}`, or null. */
function parseLabels(s: string, i: number): [Record<string, string>, number] | null {
  const labels: Record<string, string> = {};
  i++;
  for (;;) {
    while (s[i] === ' ' || s[i] === ',') i++;
    if (s[i] === '}') return [labels, i + 1];
    const eq = s.indexOf('=', i);
    if (eq < 0 || s[eq + 1] !== '"') return null;
    const name = s.slice(i, eq).trim();
    let j = eq + 2;
    let val = '';
    while (j < s.length && s[j] !== '"') {
      if (s[j] === '\\') {
        const nx = s[j + 1];
        val += nx === 'n' ? '\n' : (nx ?? '');
        j += 2;
      } else val += s[j++];
    }
    if (j >= s.length) return null;
    labels[name] = val;
    i = j + 1;
  }
}

/** Index just past the `}` closing the label set that opens at i (quotes and escapes respected), or -1. */
function labelsEnd(s: string, i: number): number {
  let quoted = false;
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (quoted && c === 92 /* \\ */) j++;
    else if (c === 34 /* " */) quoted = !quoted;
    else if (c === 125 /* } */ && !quoted) return j + 1;
  }
  return -1;
}

function familyOf(name: string, families: Map<string, Family>): [string, Family | undefined] {
  const own = families.get(name);
  if (own) {
    // Prometheus text style: `# TYPE foo_total counter`.
    if (own.type === 'counter' && name.endsWith('_total')) return [name.slice(0, -6), own];
    return [name, own];
  }
  for (const suf of SUFFIXES) {
    if (name.endsWith(suf)) {
      const base = name.slice(0, -suf.length);
      const f = families.get(base);
      if (f) return [base, f];
    }
  }
  return [name, undefined];
}

function seriesKey(name: string, labels: Record<string, string>): string {
  return (
    name +
    JSON.stringify(
      Object.keys(labels)
        .sort()
        .map((k) => [k, labels[k]]),
    )
  );
}

/** A copy of a string that shares no memory with the text it was cut from. */
function owned(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

/** Start and end of the blank-separated token at or after i (equal when there is none). */
function tokenAt(s: string, i: number): [number, number] {
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  let j = i;
  while (j < s.length && s.charCodeAt(j) !== 32 && s.charCodeAt(j) !== 9) j++;
  return [i, j];
}

/** A growable column of doubles (1.5x growth; trimmed when the series is finished). */
class Column {
  data: Float64Array;
  n = 0;
  constructor(size = 16) {
    this.data = new Float64Array(size);
  }
  push(x: number): void {
    if (this.n === this.data.length) {
      const next = new Float64Array(Math.ceil(this.n * 1.5));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.n++] = x;
  }
}

/** A parsed series held compactly: times (epoch ms, ascending, one sample per time) and values. */
export interface StoredSeries {
  meta: Omit<MetricSeries, 'points'>;
  ts: Float64Array;
  values: Float64Array;
}

interface Building {
  meta: Omit<MetricSeries, 'points'>;
  ts: Column;
  values: Column;
  sorted: boolean;
}

/** Index of the first time >= t in an ascending array. */
function lowerBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The points of a stored series with times in [from, to], as the analyzers take them. */
export function pointsIn(s: StoredSeries, from: number, to: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = lowerBound(s.ts, from); i < s.ts.length && (s.ts[i] as number) <= to; i++)
    out.push([s.ts[i] as number, s.values[i] as number]);
  return out;
}

/** Sorts a finished series by time (stable) and keeps the last sample written for each time; frees its columns. */
function finishSeries(b: Building): { series: StoredSeries; repeated: number } {
  const n = b.ts.n;
  const ts = b.ts.data;
  const vs = b.values.data;
  b.ts = b.values = new Column(0);
  let repeated = 0;
  for (let i = 1; i < n && b.sorted; i++) if (ts[i] === ts[i - 1]) repeated++;
  if (b.sorted && repeated === 0)
    return { series: { meta: b.meta, ts: ts.slice(0, n), values: vs.slice(0, n) }, repeated: 0 };
  const order = Array.from({ length: n }, (_, i) => i);
  if (!b.sorted) order.sort((x, y) => (ts[x] as number) - (ts[y] as number));
  const outTs = new Float64Array(n);
  const outVs = new Float64Array(n);
  let w = 0;
  for (const i of order) {
    if (w > 0 && outTs[w - 1] === ts[i]) w--;
    outTs[w] = ts[i] as number;
    outVs[w++] = vs[i] as number;
  }
  return { series: { meta: b.meta, ts: outTs.slice(0, w), values: outVs.slice(0, w) }, repeated: n - w };
}

/**
 * One pass over OpenMetrics documents (the files of a scenario, so a series split over files is one
 * series): `begin` each file, `push` its lines, `finish` once. Malformed lines are counted in `problems`.
 */
export class OpenMetricsParser {
  private readonly families = new Map<string, Family>();
  private readonly series = new Map<string, Building>();
  /** The series of a sample's text up to its value (name and labels as written). */
  private readonly byText = new Map<string, Building>();
  private origin = '';
  private ended = false;
  /** Samples kept so far (a file that adds none is reported by the caller). */
  samples = 0;

  constructor(private readonly problems: ProblemLog) {}

  /** Starts the next document; problems are reported under `origin`. */
  begin(origin: string): void {
    this.origin = origin;
    this.ended = false;
  }

  /** Reads one line (`ln` counts from 1); lines after `# EOF` are ignored. */
  push(raw: string, ln: number): void {
    if (this.ended) return;
    const line = raw.trimEnd();
    if (line === '') return;
    if (line.charCodeAt(0) === 35 /* # */) {
      if (line === '# EOF') this.ended = true;
      else this.comment(line);
      return;
    }
    const nameEnd = line.search(/[{ \t]/);
    if (nameEnd <= 0) return this.problems.add(this.origin, 'malformed sample line', ln);
    // A series repeats its name and labels on every sample: those seen before are not parsed again.
    const end = line[nameEnd] === '{' ? labelsEnd(line, nameEnd) : nameEnd;
    let known = end > 0 ? this.byText.get(line.slice(0, end)) : undefined;
    let labels: Record<string, string> = known?.meta.labels ?? {};
    let i = end;
    if (!known && line[nameEnd] === '{') {
      const parsed = parseLabels(line, nameEnd);
      if (!parsed) return this.problems.add(this.origin, 'malformed labels', ln);
      [labels, i] = parsed;
    }
    // `value timestamp`, then an optional exemplar (` # {trace_id="..."} 1.0 1700000000`).
    const [v0, v1] = tokenAt(line, i);
    const value = parseSampleValue(line.slice(v0, v1));
    if (value === null) return this.problems.add(this.origin, 'malformed sample value', ln);
    const [t0, t1] = tokenAt(line, v1);
    if (t0 === t1 || line.charCodeAt(t0) === 35 /* # */)
      return this.problems.add(this.origin, 'sample without a timestamp (expected `name{labels} value time`)', ln);
    const tsNum = Number(line.slice(t0, t1));
    const ts = tsNum > 1e11 ? Math.round(tsNum) : Math.round(tsNum * 1000);
    if (!(Math.abs(ts) < MAX_DATE_MS))
      return this.problems.add(this.origin, 'malformed timestamp (expected epoch seconds or milliseconds)', ln);
    if (!known) {
      known = this.seriesOf(line.slice(0, nameEnd), labels, ln);
      if (!known) return;
      // Own copies: a slice of the line would keep the reader's whole 64 KiB chunk alive for each series.
      this.byText.set(owned(line.slice(0, i)), known);
    }
    if (known.ts.n > 0 && ts < (known.ts.data[known.ts.n - 1] as number)) known.sorted = false;
    known.ts.push(ts);
    known.values.push(value);
    this.samples++;
  }

  /** The series a new name and label set belong to; undefined (reported) when it has no service. */
  private seriesOf(rawName: string, labels: Record<string, string>, ln: number): Building | undefined {
    if (rawName.endsWith('_created')) return undefined; // creation times are metadata, not a signal
    const service = serviceOfSeries(labels);
    if (!service) {
      this.problems.add(this.origin, 'series without a service label', ln);
      return undefined;
    }
    const name = owned(rawName);
    const key = seriesKey(name, labels);
    let known = this.series.get(key);
    if (!known) {
      const [family, fam] = familyOf(name, this.families);
      const own = JSON.parse(JSON.stringify(labels)) as Record<string, string>;
      const meta: Omit<MetricSeries, 'points'> = {
        name,
        family,
        type: fam?.type ?? 'unknown',
        service: owned(service),
        labels: own,
      };
      if (fam?.unit) meta.unit = fam.unit;
      known = { meta, ts: new Column(), values: new Column(), sorted: true };
      this.series.set(key, known);
    }
    return known;
  }

  private comment(line: string): void {
    const m = /^# (TYPE|UNIT|HELP) (\S+)(?: (.*))?$/.exec(line);
    if (!m) return; // other comments are allowed in the text format
    const name = m[2] as string;
    const fam = this.families.get(name) ?? { type: 'unknown' as MetricType };
    if (m[1] === 'TYPE') fam.type = TYPES[(m[3] ?? '').trim()] ?? 'unknown';
    if (m[1] === 'UNIT' && m[3]) fam.unit = owned(m[3].trim());
    if (!this.families.has(name)) this.families.set(owned(name), fam);
  }

  /** The series read, each sorted by time; samples repeating a time in their series are counted, the last kept. */
  finish(): StoredSeries[] {
    const out: StoredSeries[] = [];
    let repeated = 0;
    for (const b of this.series.values()) {
      const done = finishSeries(b);
      repeated += done.repeated;
      out.push(done.series);
    }
    this.series.clear();
    this.byText.clear();
    if (repeated)
      this.problems.set('metrics/', 'sample repeats a time already in its series: the last one written kept', repeated);
    return out;
  }
}

/** Parses one OpenMetrics document; malformed lines are counted in `problems` under `origin`. */
export function parseOpenMetrics(text: string, origin: string, problems: ProblemLog): MetricSeries[] {
  const parser = new OpenMetricsParser(problems);
  parser.begin(origin);
  text.split('\n').forEach((line, i) => parser.push(line, i + 1));
  return parser.finish().map((s) => ({ ...s.meta, points: pointsIn(s, -Infinity, Infinity) }));
}

// OpenMetrics text with timestamps -> MetricSeries. Counters, gauges, histograms, summaries;
// `# TYPE`, `# UNIT`, `# HELP`, `# EOF`. Timestamps in seconds (OpenMetrics); values that are
// obviously epoch milliseconds are accepted too. The service is named by the series' labels
// (series-service.ts: `service`, `service_name`, `app`, an Istio workload, a pod name, then `job`).

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

/** Parses one OpenMetrics document; malformed lines are counted in `problems` under `origin`. */
export function parseOpenMetrics(text: string, origin: string, problems: ProblemLog): MetricSeries[] {
  const families = new Map<string, Family>();
  const series = new Map<string, MetricSeries>();
  /** The series of a sample's text up to its value (name and labels as written). */
  const byText = new Map<string, MetricSeries>();
  const lines = text.split('\n');
  for (let ln = 0; ln < lines.length; ln++) {
    const line = (lines[ln] as string).trimEnd();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (TYPE|UNIT|HELP) (\S+)(?: (.*))?$/.exec(line);
      if (line === '# EOF') break;
      if (!m) continue; // other comments are allowed in the text format
      const fam = families.get(m[2] as string) ?? { type: 'unknown' as MetricType };
      if (m[1] === 'TYPE') fam.type = TYPES[(m[3] ?? '').trim()] ?? 'unknown';
      if (m[1] === 'UNIT' && m[3]) fam.unit = m[3].trim();
      families.set(m[2] as string, fam);
      continue;
    }
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) {
      problems.add(origin, 'malformed sample line', ln + 1);
      continue;
    }
    const name = line.slice(0, nameEnd);
    // A series repeats its name and labels on every sample: those seen before are not parsed again.
    const end = line[nameEnd] === '{' ? labelsEnd(line, nameEnd) : nameEnd;
    let known = end > 0 ? byText.get(line.slice(0, end)) : undefined;
    let labels: Record<string, string> = known?.labels ?? {};
    let i = end;
    if (!known && line[nameEnd] === '{') {
      const parsed = parseLabels(line, nameEnd);
      if (!parsed) {
        problems.add(origin, 'malformed labels', ln + 1);
        continue;
      }
      [labels, i] = parsed;
    }
    const rest = line.slice(i).split(' # ')[0]?.trim().split(/\s+/) ?? [];
    const value = parseSampleValue(rest[0] ?? '');
    if (value === null) {
      problems.add(origin, 'malformed sample value', ln + 1);
      continue;
    }
    if (rest[1] === undefined) {
      problems.add(origin, 'sample without a timestamp', ln + 1);
      continue;
    }
    const tsNum = Number(rest[1]);
    if (!Number.isFinite(tsNum)) {
      problems.add(origin, 'malformed timestamp', ln + 1);
      continue;
    }
    const ts = tsNum > 1e11 ? Math.round(tsNum) : Math.round(tsNum * 1000);
    if (name.endsWith('_created')) continue; // creation times are metadata, not a signal
    const service = known?.service ?? serviceOfSeries(labels);
    if (!service) {
      problems.add(origin, 'series without a service label', ln + 1);
      continue;
    }
    if (!known) {
      const key = seriesKey(name, labels);
      known = series.get(key);
      if (!known) {
        const [family, fam] = familyOf(name, families);
        known = { name, family, type: fam?.type ?? 'unknown', service, labels, points: [] };
        if (fam?.unit) known.unit = fam.unit;
        series.set(key, known);
      }
      byText.set(line.slice(0, i), known);
    }
    known.points.push([ts, value]);
  }
  const out = [...series.values()];
  for (const s of out) s.points.sort((a, b) => a[0] - b[0]);
  return out;
}

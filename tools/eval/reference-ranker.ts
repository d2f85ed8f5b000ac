// A deliberately naive reference ranker, so that `npm run eval` shows what the product adds over
// a z-score: `node dist-tools/tools/eval/reference-ranker.js <scenario-dir> --json` prints
// {"suspects":[{"service","score"}],"onset":ISO} and score.mjs scores it like `analyze`.
//
// Method (metrics only; logs, traces, changes and topology are ignored):
//  1. Every series in metrics/ (OpenMetrics/Prometheus text, .gz read) up to the incident clock
//     (incident.yaml started_at); counters (TYPE counter, *_total, *_count, *_sum) become rates.
//  2. Per series, the split k that maximises |median(after) - median(before)| / scale(before),
//     scale = 1.4826 * MAD (else 1.2533 * mean absolute deviation, else the whole series' standard deviation).
//  3. Onset = the median split time of the five series with the largest |z|.
//  4. Each series' robust z at that common onset; a service's score is the max |z| of its series.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';

export interface Series {
  service: string;
  /** Sample times in seconds, ascending. */
  t: number[];
  v: number[];
}

/** Labels that name the service of a series, in order of preference. */
const SERVICE_LABELS = ['service', 'service_name', 'job', 'app', 'application', 'container', 'deployment'];
const COUNTER_SUFFIX = /_(total|count|sum)$/;
const MIN_BEFORE = 5;
const MIN_AFTER = 2;
const MAX_POINTS = 1500;
const MAX_SPLITS = 200;

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(s); m; m = re.exec(s))
    out[m[1] as string] = (m[2] as string).replace(/\\(.)/g, (_x, c: string) => (c === 'n' ? '\n' : c));
  return out;
}

/** Series of an OpenMetrics/Prometheus text exposition, samples at or before `clockSec`. */
export function parseExposition(text: string, clockSec: number): Series[] {
  const counters = new Set<string>();
  const byKey = new Map<string, Series & { counter: boolean }>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const m = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (m && m[2] === 'counter') counters.add(m[1] as string);
      continue;
    }
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{.*\})?\s+(\S+)(?:\s+(\S+))?/.exec(line);
    if (!m) continue;
    const name = m[1] as string;
    if (name.endsWith('_bucket') || name.endsWith('_created')) continue;
    const labels = parseLabels(m[2] ?? '');
    const svcKey = SERVICE_LABELS.find((k) => labels[k]);
    if (!svcKey) continue;
    let t = Number(m[4]);
    const v = Number(m[3]);
    if (!Number.isFinite(t) || !Number.isFinite(v)) continue;
    if (t > 1e11) t /= 1000; // Prometheus text uses milliseconds, OpenMetrics seconds
    if (t > clockSec) continue;
    const key = `${name}${m[2] ?? ''}`;
    let s = byKey.get(key);
    if (!s) {
      const family = name.replace(COUNTER_SUFFIX, '');
      s = {
        service: labels[svcKey] as string,
        t: [],
        v: [],
        counter: counters.has(name) || counters.has(family) || COUNTER_SUFFIX.test(name),
      };
      byKey.set(key, s);
    }
    s.t.push(t);
    s.v.push(v);
  }
  return [...byKey.values()].map((s) => {
    const order = s.t.map((_, i) => i).sort((a, b) => (s.t[a] as number) - (s.t[b] as number));
    const t = order.map((i) => s.t[i] as number);
    const v = order.map((i) => s.v[i] as number);
    return { service: s.service, ...(s.counter ? toRate(t, v) : { t, v }) };
  });
}

/** Per-second increase of a counter; a drop is a reset (the new value counts from zero). */
export function toRate(t: number[], v: number[]): { t: number[]; v: number[] } {
  const rt: number[] = [];
  const rv: number[] = [];
  for (let i = 1; i < t.length; i++) {
    const dt = (t[i] as number) - (t[i - 1] as number);
    if (dt <= 0) continue;
    const dv = (v[i] as number) - (v[i - 1] as number);
    rt.push(t[i] as number);
    rv.push((dv >= 0 ? dv : (v[i] as number)) / dt);
  }
  return { t: rt, v: rv };
}

/** Averages consecutive samples so that at most `max` points remain. */
function downsample(s: Series, max: number): Series {
  if (s.t.length <= max) return s;
  const size = Math.ceil(s.t.length / max);
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < s.t.length; i += size) {
    const end = Math.min(s.t.length, i + size);
    let sum = 0;
    for (let j = i; j < end; j++) sum += s.v[j] as number;
    t.push(s.t[i] as number);
    v.push(sum / (end - i));
  }
  return { service: s.service, t, v };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function stdDev(xs: readonly number[]): number {
  const mu = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mu) ** 2, 0) / xs.length);
}

/** Median and robust spread of the samples before k; spread 0 only when the whole series is constant. */
function baseline(v: readonly number[], k: number): { med: number; scale: number } {
  const before = v.slice(0, k);
  const med = median(before);
  const dev = before.map((x) => Math.abs(x - med));
  let scale = 1.4826 * median(dev);
  if (scale === 0) scale = (1.2533 * dev.reduce((a, b) => a + b, 0)) / dev.length;
  if (scale === 0) scale = stdDev(v);
  return { med, scale };
}

/** Robust z of the samples from index k on against the samples before k; 0 when the series is constant. */
export function robustZ(v: readonly number[], k: number): number {
  if (k < 1 || k >= v.length) return 0;
  const { med, scale } = baseline(v, k);
  return scale === 0 ? 0 : (median(v.slice(k)) - med) / scale;
}

/** The split with the largest |z| (earliest on ties), or null when the series is too short. The
 * median of the after side barely moves when a few normal points join it, so the split is then
 * moved to the first sample that is itself beyond 3 robust deviations of the baseline. */
export function bestSplit(v: readonly number[]): { k: number; z: number } | null {
  const lo = MIN_BEFORE;
  const hi = v.length - MIN_AFTER;
  if (hi < lo) return null;
  const step = Math.max(1, Math.ceil((hi - lo + 1) / MAX_SPLITS));
  let best: { k: number; z: number } | null = null;
  for (let k = lo; k <= hi; k += step) {
    const z = robustZ(v, k);
    if (!best || Math.abs(z) > Math.abs(best.z)) best = { k, z };
  }
  if (!best || best.z === 0) return best;
  const { med, scale } = baseline(v, best.k);
  const off = (i: number): boolean => Math.abs((v[i] as number) - med) / scale >= 3;
  let k = best.k;
  while (k < hi && !off(k)) k++;
  while (k > lo && off(k - 1)) k--;
  return { k, z: robustZ(v, k) };
}

export interface Ranking {
  suspects: Array<{ service: string; score: number }>;
  onset: string | null;
}

/** Ranks services by the max |robust z| of their series at a common onset. */
export function rank(all: Series[]): Ranking {
  const series = all.filter((s) => s.t.length >= MIN_BEFORE + MIN_AFTER).map((s) => downsample(s, MAX_POINTS));
  const splits = series
    .map((s) => ({ s, b: bestSplit(s.v) }))
    .filter((x): x is { s: Series; b: { k: number; z: number } } => x.b !== null && x.b.z !== 0)
    .sort((a, b) => Math.abs(b.b.z) - Math.abs(a.b.z));
  if (!splits.length) return { suspects: [], onset: null };
  const onsetSec = median(splits.slice(0, 5).map((x) => x.s.t[x.b.k] as number));
  const score = new Map<string, number>();
  for (const s of series) {
    const k = s.t.findIndex((t) => t >= onsetSec);
    if (k < 1) continue;
    const z = Math.abs(robustZ(s.v, k));
    if (z > (score.get(s.service) ?? -1)) score.set(s.service, z);
  }
  const suspects = [...score.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([service, z]) => ({ service, score: Math.round(z * 1000) / 1000 }));
  return { suspects, onset: new Date(onsetSec * 1000).toISOString() };
}

/** Reads a scenario directory: incident.yaml's clock and every metrics file up to it. */
export function rankScenario(dir: string): Ranking {
  const incident: unknown = parseYaml(fs.readFileSync(path.join(dir, 'incident.yaml'), 'utf8'));
  const startedAt =
    incident && typeof incident === 'object' ? (incident as Record<string, unknown>).started_at : undefined;
  const clock = Date.parse(String(startedAt ?? ''));
  const clockSec = Number.isFinite(clock) ? clock / 1000 : Infinity;
  const mdir = path.join(dir, 'metrics');
  const files = fs.existsSync(mdir)
    ? fs
        .readdirSync(mdir)
        .filter((f) => /\.(prom|om|txt|metrics)(\.gz)?$/.test(f))
        .sort()
    : [];
  const series: Series[] = [];
  for (const f of files) {
    const buf = fs.readFileSync(path.join(mdir, f));
    series.push(...parseExposition((f.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8'), clockSec));
  }
  return rank(series);
}

if (require.main === module) {
  const dir = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (!dir) {
    process.stderr.write('usage: node dist-tools/tools/eval/reference-ranker.js <scenario-dir> --json\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(rankScenario(dir))}\n`);
}

// The metric half of restyle.ts: reads the converted scenarios' OpenMetrics text and writes the same
// measurements in cAdvisor's or OTel/Prometheus-client conventions. Which original series means what is
// read from the names and labels the development sets' converters write (percent, millicores, `_pNN`,
// `statistic`, `source_service`); that is the tool's knowledge of its input, not the product's.

import { createHash } from 'node:crypto';

export interface Series {
  family: string;
  /** `# HELP/TYPE/UNIT` lines written once before the family's samples. */
  meta: string[];
  name: string;
  labels: Record<string, string>;
  /** [timestamp in seconds as written, value] */
  points: Array<[number, number]>;
}

type Labels = Record<string, string>;

const SUFFIX = /_(total|bucket|count|sum|created)$/;

/** Parses OpenMetrics text with timestamps (the converters' output: one sample per line). */
export function parseProm(text: string): Series[] {
  const meta = new Map<string, string[]>();
  const byKey = new Map<string, Series>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) {
      const m = /^# (?:TYPE|UNIT|HELP) (\S+)/.exec(line);
      if (m) meta.set(m[1] as string, [...(meta.get(m[1] as string) ?? []), line]);
      continue;
    }
    const m = /^([A-Za-z_:][\w:]*)(\{.*\})?\s+(\S+)\s+(\S+)/.exec(line);
    if (!m) continue;
    const name = m[1] as string;
    const key = name + (m[2] ?? '');
    let s = byKey.get(key);
    if (!s) {
      const labels: Labels = {};
      for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
        labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, '$1');
      const family = meta.has(name) ? name : name.replace(SUFFIX, '');
      s = { family, meta: meta.get(family) ?? [], name, labels, points: [] };
      byKey.set(key, s);
    }
    s.points.push([Number(m[4]), Number(m[3])]);
  }
  return [...byKey.values()];
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const fmt = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(10))) : v > 0 ? '+Inf' : 'NaN');

/** Writes series grouped by family, each family's metadata first. */
export function writeProm(series: readonly Series[]): string {
  const fams = new Map<string, { meta: string[]; lines: string[] }>();
  for (const s of series) {
    const f = fams.get(s.family) ?? { meta: s.meta, lines: [] };
    fams.set(s.family, f);
    const lbl = Object.entries(s.labels)
      .map(([k, v]) => `${k}="${esc(v)}"`)
      .join(',');
    for (const [t, v] of s.points) f.lines.push(`${s.name}${lbl ? `{${lbl}}` : ''} ${fmt(v)} ${t}`);
  }
  return [...fams.values()].flatMap((f) => [...f.meta, ...f.lines]).join('\n') + '\n# EOF\n';
}

/** Services named by `service` labels. */
export function serviceNames(series: readonly Series[]): string[] {
  return [...new Set(series.map((s) => s.labels['service']).filter((x): x is string => !!x))];
}

const meta = (family: string, type: string, unit?: string): string[] => [
  `# TYPE ${family} ${type}`,
  ...(unit ? [`# UNIT ${family} ${unit}`] : []),
];

function series(
  family: string,
  type: string,
  name: string,
  labels: Labels,
  points: Array<[number, number]>,
  unit?: string,
): Series {
  return { family, meta: meta(family, type, unit), name, labels, points };
}

/** A cumulative counter from a per-second gauge (`perSecond`) or from a count per sample. */
export function toCounter(points: ReadonlyArray<[number, number]>, perSecond: boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let acc = 0;
  for (let i = 0; i < points.length; i++) {
    const [t, v] = points[i] as [number, number];
    const prev = points[i - 1]?.[0] ?? t - ((points[1]?.[0] ?? t + 1) - t);
    if (Number.isFinite(v)) acc += perSecond ? v * (t - prev) : v;
    out.push([t, acc]);
  }
  return out;
}

const hash = (s: string, n: number): string => createHash('sha256').update(s).digest('hex').slice(0, n);

/** A Deployment's pod name as Kubernetes makes it: `<name>-<pod-template-hash>-<5 chars>`. */
export function podName(service: string): string {
  const h = hash(service, 10).replace(/[aeiou]/g, 'b');
  return `${service}-${h}-${hash(`${service}/pod`, 5).replace(/[aeiou]/g, 'x')}`;
}

function without(labels: Labels, ...drop: string[]): Labels {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !drop.includes(k)));
}

/** cAdvisor's labels for a container series: namespace, pod, container (the service label is gone). */
function k8s(labels: Labels): Labels {
  const svc = labels['service'] ?? 'unknown';
  return {
    namespace: 'default',
    pod: labels['pod'] ?? podName(svc),
    container: 'main',
    ...without(labels, 'service', 'pod'),
  };
}

/** Values of the series matching `re` per pod and timestamp, to join a percent with the absolute it is a share of. */
function joinIndex(all: readonly Series[], re: RegExp): Map<string, number> {
  const idx = new Map<string, number>();
  for (const s of all.filter((x) => re.test(x.name)))
    for (const [t, v] of s.points) idx.set(`${JSON.stringify(k8s(s.labels))}|${t}`, v);
  return idx;
}

/** The limit a usage/percent-of-limit pair implies per sample, times `scale` (samples at 0 % say nothing about it). */
function limitOf(s: Series, idx: Map<string, number>, scale: number): Array<[number, number]> {
  const key = JSON.stringify(k8s(s.labels));
  const out: Array<[number, number]> = [];
  for (const [t, pct] of s.points) {
    const abs = idx.get(`${key}|${t}`);
    if (abs !== undefined && pct > 0) out.push([t, ((abs * scale) / pct) * 100]);
  }
  return out;
}

/** CPU and memory as cAdvisor exports them; series other than `container_*` stay as they are. */
export function cadvisorStyle(all: readonly Series[]): Series[] {
  const milli = joinIndex(all, /cpu.*millicores/);
  const bytes = joinIndex(all, /memory.*bytes/);
  const out: Series[] = [];
  for (const s of all) {
    if (!s.name.startsWith('container_')) {
      out.push(s);
      continue;
    }
    const l = k8s(s.labels);
    const cpu = 'container_cpu_usage_seconds';
    if (/cpu.*millicores/.test(s.name)) {
      const cores = s.points.map(([t, v]): [number, number] => [t, v / 1000]);
      out.push(series(cpu, 'counter', `${cpu}_total`, l, toCounter(cores, true), 'seconds'));
    } else if (/cpu.*percent/.test(s.name) && milli.size) {
      // Percent of the limit: cAdvisor exports the limit as a CFS quota per 100 ms period instead.
      const quota = limitOf(s, milli, 100).map(([t, v]): [number, number] => [t, Math.round(v)]);
      out.push(series('container_spec_cpu_quota', 'gauge', 'container_spec_cpu_quota', l, quota));
      const period = quota.map(([t]): [number, number] => [t, 100000]);
      out.push(series('container_spec_cpu_period', 'gauge', 'container_spec_cpu_period', l, period));
    } else if (/cpu.*percent/.test(s.name)) {
      const cores = s.points.map(([t, v]): [number, number] => [t, v / 100]);
      out.push(series(cpu, 'counter', `${cpu}_total`, l, toCounter(cores, true), 'seconds'));
    } else if (/memory.*percent/.test(s.name) && bytes.size) {
      const lim = limitOf(s, bytes, 1).map(([t, v]): [number, number] => [t, Math.round(v)]);
      const fam = 'container_spec_memory_limit_bytes';
      out.push(series(fam, 'gauge', fam, l, lim, 'bytes'));
    } else if (/memory.*bytes/.test(s.name)) {
      const fam = 'container_memory_working_set_bytes';
      out.push(series(fam, 'gauge', fam, l, s.points, 'bytes'));
    } else if (/_per_second$/.test(s.name)) {
      const fam = s.name.replace(/_per_second$/, '');
      out.push(series(fam, 'counter', `${fam}_total`, l, toCounter(s.points, true)));
    } else out.push({ ...s, labels: l });
  }
  return out;
}

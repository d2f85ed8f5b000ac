// The otel style of restyle.ts: latency quantile gauges become Prometheus histograms under OTel
// semantic-convention names, a caller -> callee latency becomes Istio's per-workload histogram, a success
// share becomes request counters by status code, rates become counters, and `service` becomes `job`.

import { toCounter, type Series } from './restyle-metrics';

type Labels = Record<string, string>;

/** Requests assumed per sample where the original gives a share or a quantile but no count. */
const PER_SAMPLE = 600;

/** Bucket bounds in seconds: 0.1 ms to ~100 s, 20 % apart (fine enough that quantiles survive). */
export const BOUNDS: number[] = (() => {
  const out: number[] = [];
  for (let le = 0.0001; le < 120; le *= 1.2) out.push(Number(le.toPrecision(3)));
  return out;
})();

/**
 * A distribution through the given quantiles ([q, value], any order): piecewise linear between them,
 * from 0 at 0 to 1 at twice the highest. Returns the CDF and the distribution's mean.
 */
export function quantileCdf(knots: ReadonlyArray<[number, number]>): { cdf: (x: number) => number; mean: number } {
  const pts: Array<[number, number]> = [[0, 0]]; // [value, cumulative share]
  for (const [q, v] of [...knots].sort((a, b) => a[0] - b[0]))
    pts.push([Math.max(v, (pts[pts.length - 1] as [number, number])[0]), q]);
  const top = (pts[pts.length - 1] as [number, number])[0];
  if ((pts[pts.length - 1] as [number, number])[1] < 1) pts.push([Math.max(2 * top, 1e-6), 1]);
  let mean = 0;
  for (let i = 1; i < pts.length; i++) {
    const [v0, q0] = pts[i - 1] as [number, number];
    const [v1, q1] = pts[i] as [number, number];
    mean += (q1 - q0) * ((v0 + v1) / 2);
  }
  const cdf = (x: number): number => {
    if (x <= 0) return 0;
    for (let i = 1; i < pts.length; i++) {
      const [v0, q0] = pts[i - 1] as [number, number];
      const [v1, q1] = pts[i] as [number, number];
      if (x < v1) return v1 > v0 ? q0 + ((q1 - q0) * (x - v0)) / (v1 - v0) : q0;
    }
    return 1;
  };
  return { cdf, mean };
}

function rename(labels: Labels): Labels {
  const { service, ...rest } = labels;
  return service === undefined ? rest : { job: service, ...rest };
}

interface Group {
  base: string;
  labels: Labels;
  /** timestamp -> quantile -> value, and the mean where the original gives one */
  at: Map<number, { q: Map<number, number>; mean?: number }>;
}

/** The quantile (0..1) or 'mean' a latency gauge holds, or null when it is not one. */
function latencyStat(s: Series): { base: string; stat: number | 'mean'; labels: Labels } | null {
  const m = /^(.*)_p(\d{2,3})(_seconds)?$/.exec(s.name);
  if (m && /duration|latency/.test(s.name))
    return { base: m[1] as string, stat: Number(`0.${m[2]}`), labels: s.labels };
  const st = s.labels['statistic'];
  if (st && /duration|latency/.test(s.name)) {
    const { statistic: _drop, ...labels } = s.labels;
    void _drop;
    if (/^p\d+$/.test(st)) return { base: s.name, stat: Number(`0.${st.slice(1)}`), labels };
    if (/^(average|mean)$/i.test(st)) return { base: s.name, stat: 'mean', labels };
  }
  return null;
}

function histogram(g: Group): Series[] {
  const edge = g.labels['source_service'] !== undefined && g.labels['destination_service'] !== undefined;
  const scale = edge ? 1000 : 1;
  const family = edge
    ? 'istio_request_duration_milliseconds'
    : /client/.test(g.base)
      ? 'http_client_request_duration_seconds'
      : 'http_server_request_duration_seconds';
  const labels: Labels = edge
    ? {
        reporter: g.labels['reporter'] ?? 'destination',
        source_workload: g.labels['source_service'] as string,
        destination_workload: g.labels['destination_service'] as string,
      }
    : rename(g.labels);
  const times = [...g.at.keys()].sort((a, b) => a - b);
  const hasQ = times.some((t) => (g.at.get(t) as { q: Map<number, number> }).q.size > 0);
  const bounds = BOUNDS.map((b) => Number((b * scale).toPrecision(3)));
  const buckets = hasQ ? bounds.map(() => [] as Array<[number, number]>) : [];
  const inf: Array<[number, number]> = [];
  const sum: Array<[number, number]> = [];
  const acc = bounds.map(() => 0);
  let n = 0;
  let total = 0;
  for (const t of times) {
    const row = g.at.get(t) as { q: Map<number, number>; mean?: number };
    const { cdf, mean } = quantileCdf([...row.q.entries()].map(([q, v]): [number, number] => [q, v * scale]));
    if (hasQ && row.q.size === 0) continue; // a sample without quantiles: the buckets stay as they were
    n += PER_SAMPLE;
    total += PER_SAMPLE * (row.mean !== undefined ? row.mean * scale : mean);
    if (hasQ) bounds.forEach((b, i) => (acc[i] = (acc[i] as number) + PER_SAMPLE * cdf(b)));
    if (hasQ) bounds.forEach((_, i) => (buckets[i] as Array<[number, number]>).push([t, acc[i] as number]));
    inf.push([t, n]);
    sum.push([t, total]);
  }
  const type = hasQ ? 'histogram' : 'summary';
  const meta = [`# TYPE ${family} ${type}`, `# UNIT ${family} ${edge ? 'milliseconds' : 'seconds'}`];
  const out: Series[] = [];
  if (hasQ) {
    bounds.forEach((b, i) =>
      out.push({
        family,
        meta,
        name: `${family}_bucket`,
        labels: { ...labels, le: String(b) },
        points: buckets[i] ?? [],
      }),
    );
    out.push({ family, meta, name: `${family}_bucket`, labels: { ...labels, le: '+Inf' }, points: inf });
  }
  out.push({ family, meta, name: `${family}_sum`, labels, points: sum });
  out.push({ family, meta, name: `${family}_count`, labels, points: inf });
  return out;
}

/** Success or availability shares (percent or 0..1) as `http_requests_total` by status code. */
function codeCounters(s: Series): Series[] {
  const pct = s.points.some(([, v]) => v > 1) || /percent/.test(s.name);
  const share = s.points.map(([t, v]): [number, number] => [t, pct ? v / 100 : v]);
  const family = 'http_requests';
  const meta = [`# TYPE ${family} counter`];
  const labels = rename(s.labels);
  const ok = toCounter(
    share.map(([t, v]): [number, number] => [t, PER_SAMPLE * v]),
    false,
  );
  const bad = toCounter(
    share.map(([t, v]): [number, number] => [t, PER_SAMPLE * (1 - v)]),
    false,
  );
  return [
    { family, meta, name: `${family}_total`, labels: { ...labels, code: '200' }, points: ok },
    { family, meta, name: `${family}_total`, labels: { ...labels, code: '500' }, points: bad },
  ];
}

/** Metrics in OTel/Prometheus-client conventions (see file comment). */
export function otelStyle(all: readonly Series[]): Series[] {
  const out: Series[] = [];
  const groups = new Map<string, Group>();
  for (const s of all) {
    const lat = latencyStat(s);
    if (lat) {
      const key = lat.base + JSON.stringify(lat.labels);
      const g = groups.get(key) ?? { base: lat.base, labels: lat.labels, at: new Map() };
      groups.set(key, g);
      for (const [t, v] of s.points) {
        if (!Number.isFinite(v)) continue;
        const row = g.at.get(t) ?? { q: new Map<number, number>() };
        if (lat.stat === 'mean') row.mean = v;
        else row.q.set(lat.stat, v);
        g.at.set(t, row);
      }
    } else if (/success|availab/.test(s.name)) out.push(...codeCounters(s));
    else if (/request|rps|throughput/.test(s.name) && !/duration|latency|percent|ratio/.test(s.name)) {
      const perSecond = /_per_second$|_rate$|rps/.test(s.name);
      const family = s.name.replace(/_per_second$|_rate$/, '').replace(/_total$/, '');
      const points = toCounter(s.points, perSecond);
      out.push({
        family,
        meta: [`# TYPE ${family} counter`],
        name: `${family}_total`,
        labels: rename(s.labels),
        points,
      });
    } else out.push({ ...s, labels: rename(s.labels) });
  }
  for (const g of groups.values()) out.push(...histogram(g));
  return out;
}

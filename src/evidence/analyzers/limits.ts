// A container's CPU and memory as a share of its limit, where the exporter gives the limit beside the
// usage (cAdvisor's `container_spec_cpu_quota` / `_period` and `container_spec_memory_limit_bytes`,
// kube-state-metrics' `kube_pod_container_resource_limits`): 5 millicores -> 50 is nothing on a node but
// saturation under a 50m limit, and only the share says which.

import type { MetricSeries } from '../types';
import { labelKey } from './series-math';
import type { Signal } from './signals';

/** What identifies one container across exporters. */
function containerKey(s: MetricSeries): string | null {
  const pod = s.labels['pod'] ?? s.labels['pod_name'];
  if (!pod) return null;
  return `${s.labels['namespace'] ?? ''}|${pod}|${s.labels['container'] ?? s.labels['container_name'] ?? ''}`;
}

type Points = ReadonlyArray<readonly [number, number]>;

/** The value in force at each time of `at` (the latest sample at or before it), or NaN before the first. */
function stepAt(points: Points, at: number): number {
  let v = Number.NaN;
  for (const [t, x] of points) {
    if (t > at) break;
    v = x;
  }
  return v;
}

export interface ContainerLimits {
  /** CPU limit in cores, over time. */
  cpu: Map<string, Array<[number, number]>>;
  /** Memory limit in bytes, over time. */
  memory: Map<string, Array<[number, number]>>;
}

/** Limits per container from the series that state them (see file comment). */
export function containerLimits(series: readonly MetricSeries[]): ContainerLimits {
  const out: ContainerLimits = { cpu: new Map(), memory: new Map() };
  const byName = (name: string): Map<string, MetricSeries> => {
    const m = new Map<string, MetricSeries>();
    for (const s of series) {
      const k = s.name === name ? containerKey(s) : null;
      if (k) m.set(k, s);
    }
    return m;
  };
  const periods = byName('container_spec_cpu_period');
  for (const [k, quota] of byName('container_spec_cpu_quota')) {
    const period = periods.get(k);
    if (!period) continue;
    const cores = quota.points
      .map(([t, q]): [number, number] => [t, q / stepAt(period.points, t)])
      .filter(([, c]) => Number.isFinite(c) && c > 0); // a quota of -1 or 0 is no limit
    if (cores.length) out.cpu.set(k, cores);
  }
  for (const [k, lim] of byName('container_spec_memory_limit_bytes')) {
    const bytes = lim.points.filter(([, b]) => b > 0 && b < 2 ** 62); // cAdvisor writes no limit as 0 or ~2^63
    if (bytes.length) out.memory.set(k, [...bytes]);
  }
  for (const s of series) {
    const k = s.name.startsWith('kube_pod_container_resource_limits') ? containerKey(s) : null;
    const resource = s.labels['resource'];
    if (k && resource === 'cpu') out.cpu.set(k, [...s.points]);
    if (k && resource === 'memory') out.memory.set(k, [...s.points]);
  }
  return out;
}

/** `usage` (cores or bytes, per time) as percent of the container's limit at that time; empty without one. */
export function shareOfLimit(
  usage: Points,
  s: MetricSeries,
  limits: ReadonlyMap<string, ReadonlyArray<readonly [number, number]>>,
): Array<[number, number]> {
  const k = containerKey(s);
  const lim = k ? limits.get(k) : undefined;
  if (!lim) return [];
  const out: Array<[number, number]> = [];
  for (const [t, v] of usage) {
    const l = stepAt(lim, t);
    if (Number.isFinite(l) && l > 0) out.push([t, (100 * v) / l]);
  }
  return out;
}

/** Adds CPU and memory as percent of the container's limit to `out`, where the limit is exported. */
export function limitShares(series: readonly MetricSeries[], out: Signal[]): void {
  if (!series.some((s) => /^(container_spec_|kube_pod_container_resource_limits)/.test(s.name))) return;
  const limits = containerLimits(series);
  const bySeries = new Map(series.map((s) => [`${s.name}{${labelKey(s.labels, [])}}`, s]));
  for (const sig of [...out]) {
    const raw = bySeries.get(sig.key.replace(':rate{', '{'));
    if (!raw || sig.kind !== 'saturation') continue;
    const cpu = sig.unit === 'cores' && /cpu/.test(raw.name);
    const mem = sig.unit === 'bytes' && /memory/.test(raw.name) && !/limit|request/.test(raw.name);
    const points = cpu
      ? shareOfLimit(sig.points, raw, limits.cpu)
      : mem
        ? shareOfLimit(sig.points, raw, limits.memory)
        : [];
    if (!points.length) continue;
    const what = cpu ? 'cpu' : 'memory';
    out.push({ ...sig, key: `${sig.key}:of_limit`, metric: `${what} of its limit`, unit: '%', points });
  }
}

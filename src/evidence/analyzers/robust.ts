// Robust statistics for anomaly scoring: medians and spreads that a few outliers cannot move.

/** Finite values only, sorted ascending (a copy). */
export function sortedFinite(values: readonly number[]): number[] {
  const out: number[] = [];
  for (const v of values) if (Number.isFinite(v)) out.push(v);
  return out.sort((a, b) => a - b);
}

/** Linear-interpolated quantile (q in [0,1]) of an ascending array; NaN when empty. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantileSorted(sortedFinite(values), 0.5);
}

/** Median absolute deviation (unscaled). */
export function mad(values: readonly number[]): number {
  const s = sortedFinite(values);
  const m = quantileSorted(s, 0.5);
  return median(s.map((v) => Math.abs(v - m)));
}

export interface RobustSummary {
  median: number;
  iqr: number;
  mad: number;
  /** The spread used to divide: IQR, floored so a flat baseline does not make every wiggle infinite. */
  scale: number;
  n: number;
}

/**
 * Summarises a baseline. The IQR is floored by the (normal-consistent) MAD, 5% of the median and 1% of
 * `reference` (typically the incident median), so a baseline of constant zeros still yields a finite score.
 */
export function summarize(values: readonly number[], reference = 0): RobustSummary {
  const s = sortedFinite(values);
  const med = quantileSorted(s, 0.5);
  const iqr = quantileSorted(s, 0.75) - quantileSorted(s, 0.25);
  const m = s.length ? median(s.map((v) => Math.abs(v - med))) : Number.NaN;
  const floor = Math.max(1.4826 * (m || 0), 0.05 * Math.abs(med || 0), 0.01 * Math.abs(reference), 1e-9);
  return { median: med, iqr, mad: m, scale: Math.max(iqr || 0, floor), n: s.length };
}

/** BARO-style robust score: (median(incident) - median(baseline)) / IQR(baseline), signed. */
export function robustScore(baseline: readonly number[], incident: readonly number[]): number {
  const cur = median(incident);
  const base = summarize(baseline, cur);
  if (!Number.isFinite(cur) || !Number.isFinite(base.median)) return 0;
  return (cur - base.median) / base.scale;
}

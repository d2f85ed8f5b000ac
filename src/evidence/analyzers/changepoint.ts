// Change-point detection: where did a series shift? Maximum-likelihood single mean shift, then refined
// to the first point of the excursion so a ramp reports when it started, not its middle.

import { median, summarize } from './robust';

export interface MeanShift {
  /** Index of the first point of the "after" segment. */
  index: number;
  /** Reduction of the sum of squared errors relative to one mean (0 when no split helps). */
  gain: number;
}

/** Best split of `values` into two constant-mean segments of at least `minSeg` points (O(n) with prefix sums). */
export function bestMeanShift(values: readonly number[], minSeg = 4): MeanShift | null {
  const n = values.length;
  if (n < 2 * minSeg) return null;
  let total = 0;
  for (const v of values) total += v;
  let left = 0;
  let best: MeanShift | null = null;
  // The SSE reduction of a split at k equals k(n-k)/n * (meanL - meanR)^2.
  for (let k = 1; k < n; k++) {
    left += values[k - 1] as number;
    if (k < minSeg || n - k < minSeg) continue;
    const mL = left / k;
    const mR = (total - left) / (n - k);
    const gain = ((k * (n - k)) / n) * (mL - mR) * (mL - mR);
    if (!best || gain > best.gain) best = { index: k, gain };
  }
  return best;
}

export interface ChangePoint {
  /** Index into the input of the first changed point. */
  index: number;
  /** Timestamp of that point. */
  at: number;
  before: number;
  after: number;
  /** Robust score of the after-segment against the before-segment. */
  score: number;
  /** The before-segment's spread (the unit of `score`). */
  scale: number;
}

/**
 * Finds the dominant change point of a time series ([ts, value] sorted, finite values) or null when it has
 * too few points. The split comes from the mean-shift search; it then moves to the first point of the
 * excursion (beyond 3 spreads of the before-segment), so a gradual ramp is dated at its start.
 */
export function detectChangePoint(points: ReadonlyArray<readonly [number, number]>, minSeg = 4): ChangePoint | null {
  const values = points.map((p) => p[1]);
  const split = bestMeanShift(values, minSeg);
  if (!split) return null;
  let k = split.index;
  const beforeVals = values.slice(0, k);
  const afterVals = values.slice(k);
  const after = median(afterVals);
  const base = summarize(beforeVals, after);
  const dir = Math.sign(after - base.median);
  const limit = 3 * base.scale;
  const beyond = (v: number): boolean => dir !== 0 && (v - base.median) * dir > limit;
  // Forward: skip noisy points right after the split that are not yet part of the excursion.
  for (let step = 0; step < minSeg && k < values.length - 1 && !beyond(values[k] as number); step++) k++;
  if (!beyond(values[k] as number)) k = split.index;
  // Backward: extend to the start of a contiguous excursion (a ramp).
  while (k > 1 && beyond(values[k - 1] as number)) k--;
  const point = points[k];
  if (!point) return null;
  return {
    index: k,
    at: point[0],
    before: base.median,
    after,
    score: (after - base.median) / base.scale,
    scale: base.scale,
  };
}

/**
 * The excursion still under way at the end of the series: null when the series came back (its last two
 * points within 3 spreads of the baseline, or the last one when only one follows the change), else the
 * change re-dated to the start of the excursion that reaches the end (one in-range point inside it is
 * tolerated) and re-measured over it. An earlier move that already recovered cannot date an incident that is happening now.
 */
export function activeExcursion(points: ReadonlyArray<readonly [number, number]>, cp: ChangePoint): ChangePoint | null {
  const dir = Math.sign(cp.after - cp.before);
  const out = (i: number): boolean => dir !== 0 && ((points[i]?.[1] ?? cp.before) - cp.before) * dir > 3 * cp.scale;
  const last = points.length - 1;
  if (last < cp.index || (!out(last) && (last === cp.index || !out(last - 1)))) return null;
  let k = out(last) ? last : last - 1;
  while (k > cp.index && (out(k - 1) || (k - 2 >= cp.index && out(k - 2)))) k -= out(k - 1) ? 1 : 2;
  const point = points[k];
  if (!point) return null;
  // Its size is what it is now, not what the earlier segment was.
  const after = median(points.slice(k).map((p) => p[1]));
  return { ...cp, index: k, at: point[0], after, score: (after - cp.before) / cp.scale };
}

/**
 * The change point of the move still under way at the end of the series (see activeExcursion): when the
 * dominant change is an earlier episode that came back, the search goes on after it (a few times at most).
 * `dominant`: detectChangePoint(points) when the caller has it already.
 */
export function activeChangePoint(
  points: ReadonlyArray<readonly [number, number]>,
  dominant?: ChangePoint | null,
): ChangePoint | null {
  let offset = 0;
  for (let round = 0; round < 3; round++) {
    const rest = offset === 0 ? points : points.slice(offset);
    const cp = round === 0 && dominant !== undefined ? dominant : detectChangePoint(rest);
    if (!cp) return null;
    const active = activeExcursion(rest, cp);
    if (active) return { ...active, index: active.index + offset };
    offset += Math.max(cp.index, 1);
  }
  return null;
}

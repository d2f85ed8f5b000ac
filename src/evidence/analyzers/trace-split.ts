// Where traces that all begin after the incident's onset change most. Tracing often keeps only the last
// minutes, so every span falls after an onset that metrics with longer history place earlier, and nothing
// would be compared. An SRE then compares the traces' own early part with their late part, split where
// the system's behaviour changes most: per operation (service and span name), how long it takes
// (the operation whose durations shift most decides; a mix of requests that drifts moves them little).

import type { AnalysisWindow, PhaseCounts, Span } from '../types';
import { formatClock } from './format';
import { phaseOf } from './trace-index';

/** Candidate splits: every 1/STEPS of the traces' time range, keeping at least MIN_SIDE of it on each side. */
const STEPS = 20;
const MIN_SIDE = 0.2;
/** Spans of an operation needed on each side to compare its durations. */
const MIN_SPANS = 3;
/** Some operation's durations must differ by this many standard errors across the split: no change, no split. */
const MIN_T = 4;
/** Distinct traces needed on each side for a split to be worth comparing. */
const MIN_TRACES = 3;

interface Op {
  /** Start times, ascending, and prefix sums of log durations and their squares in that order. */
  starts: number[];
  sum: number[];
  sq: number[];
}

/** Index of the first start time at or after `t`. */
function firstAtOrAfter(xs: readonly number[], t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function ops(spans: readonly Span[]): Op[] {
  const by = new Map<string, Span[]>();
  for (const s of spans) {
    const key = `${s.service}\u0000${s.name}`;
    const list = by.get(key);
    if (list) list.push(s);
    else by.set(key, [s]);
  }
  return [...by.values()].map((list) => {
    list.sort((a, b) => a.startMs - b.startMs);
    const sum = [0];
    const sq = [0];
    for (const s of list) {
      const v = Math.log1p(Math.max(0, s.durationMs));
      sum.push((sum[sum.length - 1] as number) + v);
      sq.push((sq[sq.length - 1] as number) + v * v);
    }
    return { starts: list.map((s) => s.startMs), sum, sq };
  });
}

/** Welch's t of the log durations before index k against from k on (0 when either side is too small). */
function durationZ(op: Op, k: number): number {
  const n = op.starts.length;
  const nb = k;
  const na = n - k;
  if (nb < MIN_SPANS || na < MIN_SPANS) return 0;
  const sb = op.sum[k] as number;
  const sa = (op.sum[n] as number) - sb;
  const qb = op.sq[k] as number;
  const qa = (op.sq[n] as number) - qb;
  const mb = sb / nb;
  const ma = sa / na;
  const vb = Math.max(0, (qb - nb * mb * mb) / (nb - 1));
  const va = Math.max(0, (qa - na * ma * ma) / (na - 1));
  // A floor on the spread: identical durations on both sides are no evidence of anything.
  const se = Math.sqrt(vb / nb + va / na + 1e-4);
  return (ma - mb) / se;
}

/**
 * The time within [first span, last span] that best separates the spans into a before and an after (the sum
 * over operations of the squared Welch t of their log durations), or null when the spans are too few or
 * too short-lived to split, or no operation's durations clearly differ across it.
 */
export function traceSplit(spans: readonly Span[]): number | null {
  const valid = spans.filter((s) => Number.isFinite(s.startMs) && Number.isFinite(s.durationMs));
  if (valid.length < 2) return null;
  const first = Math.min(...valid.map((s) => s.startMs));
  const last = Math.max(...valid.map((s) => s.startMs));
  if (last <= first) return null;
  const traceStarts = [...traceFirstStarts(valid).values()].sort((a, b) => a - b);
  const list = ops(valid);
  let best: { at: number; score: number; top: number } | null = null;
  for (let i = Math.ceil(STEPS * MIN_SIDE); i <= Math.floor(STEPS * (1 - MIN_SIDE)); i++) {
    const at = first + ((last - first) * i) / STEPS;
    const tb = firstAtOrAfter(traceStarts, at);
    if (tb < MIN_TRACES || traceStarts.length - tb < MIN_TRACES) continue;
    let score = 0;
    let top = 0;
    for (const op of list) {
      const t = Math.abs(durationZ(op, firstAtOrAfter(op.starts, at)));
      score += t * t;
      top = Math.max(top, t);
    }
    if (!best || score > best.score) best = { at, score, top };
  }
  return best && best.top >= MIN_T ? Math.round(best.at) : null;
}

/** Start of each trace (its earliest span). */
function traceFirstStarts(spans: readonly Span[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of spans) {
    const t = m.get(s.traceId);
    if (t === undefined || s.startMs < t) m.set(s.traceId, s.startMs);
  }
  return m;
}

/** Spans per phase, and how many traces they belong to. */
export function phaseTotals(spans: readonly Span[], window: AnalysisWindow): { total: PhaseCounts; traces: number } {
  const total: PhaseCounts = { baseline: 0, incident: 0 };
  const traces = new Set<string>();
  for (const s of spans) {
    const ph = phaseOf(s, window);
    if (!ph) continue;
    total[ph]++;
    traces.add(s.traceId);
  }
  return { total, traces: traces.size };
}

/**
 * The window the spans are compared over: the incident's, or when every span falls after its onset (tracing
 * keeps only the last minutes), the spans' own early part against their late part, split where they change most.
 */
export function traceWindow(spans: readonly Span[], window: AnalysisWindow): { window: AnalysisWindow; note?: string } {
  const inside = spans.filter((s) => phaseOf(s, window) === 'incident');
  const at = inside.length ? traceSplit(inside) : null;
  if (at === null) return { window };
  const first = Math.min(...inside.map((s) => s.startMs));
  return {
    window: { from: first, onset: at, to: window.to },
    note: `spans begin at ${formatClock(first)}, after the onset: their part before ${formatClock(at)} (where they change most) is compared with the rest`,
  };
}

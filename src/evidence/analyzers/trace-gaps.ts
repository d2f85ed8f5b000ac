// Time lost between caller and callee on each call: the caller's span of the call minus the callee's span under
// it. That gap is spent in neither handler but on the way: the network, the callee's ingress (queues before its
// handler runs), or the caller's own client side (its CPU, threads or pools delaying sends and reads).
// - A gap is material when it is tens of ms, many times the edge's usual gap (its own before the onset, else
//   the other edges') and most of what the caller waited.
// - Whose it is: a caller whose calls to several services all lose it is slow itself; otherwise the time is the
//   callee's (the network to it or its ingress), and more so when several of its callers lose it.
// Spans with kinds pair a CLIENT span with the SERVER spans under it. Without kinds, a span whose children all
// sit in one other service is taken as the caller's span of that call.

import type { AnalysisWindow, CallSides, PhaseCounts, Span, TraceGap } from '../types';
import { median, quantileSorted, sortedFinite } from './robust';
import { phaseOf, type TraceIndex } from './trace-index';

/** Calls an edge needs in a phase before its gap is compared. */
const MIN_CALLS = 3;
/** A material gap: at least this many ms, this many times the usual gap, and this share of the caller's view. */
const GAP_FLOOR_MS = 20;
const GAP_RATIO = 5;
const GAP_SHARE = 0.5;
/** A gap this many times the usual one is as strong as a gap gets. */
const STRONG_RATIO = 50;
/** Calls at which a gap's strength stops growing with volume. */
const FULL_VOLUME = 10;

interface Sample {
  caller: number[];
  callee: number[];
  gap: number[];
}

type Side = { caller: string; callee: string } & CallSides;

export interface CallGaps {
  /** Both sides of each edge's calls since the onset, by `edgeKey`. */
  sides: Map<string, CallSides>;
  /** Edges whose gap is material, by `edgeKey`, with the service it is credited to. */
  credited: Map<string, string>;
  gaps: TraceGap[];
}

export const edgeKey = (caller: string, callee: string): string => `${caller}\u0000${callee}`;

/** The callee's spans of one call when `p` is the caller's span of it (see the file comment), else null. */
export function calleeSpans(p: Span, idx: TraceIndex): readonly Span[] | null {
  if (p.kind !== 'client' && p.kind !== 'unspecified') return null;
  const kids = idx.kids(p);
  const first = kids[0];
  if (!first || first.service === p.service) return null;
  for (const k of kids)
    if (k.service !== first.service || (k.kind !== 'server' && k.kind !== 'unspecified')) return null;
  return kids;
}

/** Length of the union of the spans' intervals (retries one after another add up, concurrent ones count once). */
function covered(spans: readonly Span[]): number {
  const iv = spans.map((k): [number, number] => [k.startMs, k.startMs + k.durationMs]).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of iv) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/** Pairs each call's two sides per edge and phase, finds material gaps and credits each to one side. */
export function callGaps(spans: readonly Span[], idx: TraceIndex, w: AnalysisWindow): CallGaps {
  const acc = new Map<string, { caller: string; callee: string } & Record<keyof PhaseCounts, Sample>>();
  for (const p of spans) {
    const ph = phaseOf(p, w);
    const kids = ph ? calleeSpans(p, idx) : null;
    if (!ph || !kids) continue;
    const callee = (kids[0] as Span).service;
    const key = edgeKey(p.service, callee);
    let e = acc.get(key);
    if (!e) {
      e = { caller: p.service, callee, baseline: sample(), incident: sample() };
      acc.set(key, e);
    }
    // Durations only: the two sides' clocks may disagree, their lengths do not.
    const inside = Math.min(p.durationMs, covered(kids));
    e[ph].caller.push(p.durationMs);
    e[ph].callee.push(inside);
    e[ph].gap.push(p.durationMs - inside);
  }
  const compared = [...acc.entries()].filter(([, e]) => e.incident.gap.length >= MIN_CALLS);
  const gapOf = new Map(compared.map(([k, e]) => [k, median(e.incident.gap)]));
  const sides = new Map<string, CallSides>();
  const material: Side[] = [];
  for (const [key, e] of compared) {
    const gapMs = gapOf.get(key) as number;
    const others = [...gapOf.entries()].filter(([k]) => k !== key).map(([, g]) => g);
    // The lower quartile of the other edges stays usual while up to three quarters of them lose time.
    const usual: Pick<CallSides, 'usualGapMs' | 'usual'> =
      e.baseline.gap.length >= MIN_CALLS
        ? { usualGapMs: round(median(e.baseline.gap)), usual: 'baseline' }
        : others.length >= 2
          ? { usualGapMs: round(quantileSorted(sortedFinite(others), 0.25)), usual: 'other edges' }
          : {};
    const s: CallSides = {
      calls: e.incident.gap.length,
      callerMs: round(median(e.incident.caller)),
      calleeMs: round(median(e.incident.callee)),
      gapMs: round(gapMs),
      ...usual,
    };
    sides.set(key, s);
    if (
      s.usualGapMs !== undefined &&
      gapMs >= GAP_FLOOR_MS &&
      gapMs >= GAP_RATIO * Math.max(s.usualGapMs, 1) &&
      gapMs >= GAP_SHARE * s.callerMs
    )
      material.push({ caller: e.caller, callee: e.callee, ...s });
  }
  // A side loses time pervasively when at least two of its compared edges, and half of them, lose it.
  const all = compared.map(([, e]) => e);
  const tally = (list: ReadonlyArray<{ caller: string; callee: string }>, end: 'caller' | 'callee', name: string) =>
    list.filter((e) => e[end] === name).length;
  const pervasive = (end: 'caller' | 'callee', name: string): boolean => {
    const m = tally(material, end, name);
    return m >= 2 && 2 * m >= tally(all, end, name);
  };
  const groups = new Map<string, { service: string; side: TraceGap['side']; edges: Side[] }>();
  const credited = new Map<string, string>();
  for (const e of material) {
    const side = pervasive('caller', e.caller) && !pervasive('callee', e.callee) ? 'caller' : 'callee';
    const service = side === 'caller' ? e.caller : e.callee;
    credited.set(edgeKey(e.caller, e.callee), service);
    const g = groups.get(`${side}\u0000${service}`) ?? { service, side, edges: [] };
    g.edges.push(e);
    groups.set(`${side}\u0000${service}`, g);
  }
  const gaps = [...groups.values()]
    .map((g): TraceGap => {
      const edges = g.edges.sort((x, y) => y.calls - x.calls);
      const ratio = Math.max(...edges.map((e) => e.gapMs / Math.max(e.usualGapMs ?? 1, 1)));
      const calls = edges.reduce((s, e) => s + e.calls, 0);
      const volume = Math.sqrt(Math.min(1, calls / FULL_VOLUME));
      const strength = Math.min(1, Math.log(ratio) / Math.log(STRONG_RATIO)) * volume;
      // Sized as a metric move is (log10(1 + shift)): a 350× gap says more than a 50× one.
      const magnitude = Math.log10(1 + ratio) * volume;
      const r3 = (v: number): number => Math.round(v * 1000) / 1000;
      return { service: g.service, side: g.side, edges, strength: r3(strength), magnitude: r3(magnitude) };
    })
    .sort((x, y) => y.strength - x.strength || x.service.localeCompare(y.service));
  return { sides, credited, gaps };
}

/** `calls to cart take 248ms at web but 1.5ms inside cart (median of 844 calls): 246ms is lost on the way ...`. */
export function describeGap(g: TraceGap, ms: (v: number) => string): string {
  const [top, ...rest] = g.edges as [Side, ...Side[]];
  const usual = top.usualGapMs !== undefined ? `, where calls usually lose ${ms(top.usualGapMs)}` : '';
  const view = `take ${ms(top.callerMs)} at ${top.caller} but ${ms(top.calleeMs)} inside ${top.callee} (median of ${top.calls} calls)`;
  if (g.side === 'callee') {
    const also = rest.length
      ? `; from ${rest
          .slice(0, 3)
          .map((e) => `${e.caller} ${ms(e.callerMs)} vs ${ms(e.calleeMs)}`)
          .join(', ')}`
      : '';
    return `calls to ${g.service} ${view}${also}: ${ms(top.gapMs)} is lost on the way to ${g.service} (the network to it or its ingress)${usual}`;
  }
  const also = rest.length
    ? `; so do its calls to ${rest
        .slice(0, 3)
        .map((e) => e.callee)
        .join(', ')}`
    : '';
  return `${g.service}'s calls lose time before their callees see them: calls to ${top.callee} ${view}${also}: the time is spent in ${g.service}'s own client side (CPU, threads, pools)${usual}`;
}

function sample(): Sample {
  return { caller: [], callee: [], gap: [] };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

// Trace analysis over spans, baseline (before the onset) against the incident (since it):
// - error origins: a failing span none of whose children fail is where the error starts; its callers that
//   fail with it only propagate. A caller that timed out while a child was still running blames the child.
// - latency origins: per service self-time (duration minus the union of its children's time) per trace; the
//   service whose own time grew is where latency is added, not the callers that wait on it.
// - per edge (caller -> callee): calls, error rate and mean latency in each phase, and since the onset the
//   same calls from both sides (trace-gaps.ts): time lost on the way is the callee's unless its caller is slow.
// - a leaf client span names where it went (peer.service, server.address, ...): when that is not a service
//   in the traces, the time and errors belong to that external dependency, not to the caller.

import type { TraceSignal } from './ranking';
import type {
  AnalysisWindow,
  PhaseCounts,
  Span,
  TraceDigest,
  TraceEdge,
  TraceErrorOrigin,
  TraceGap,
  TraceLatencyOrigin,
  TriageReport,
} from '../types';
import { callGaps, calleeSpans, describeGap as describeGapWith, edgeKey, type CallGaps } from './trace-gaps';
import { phaseOf, TraceIndex, type Phase, type Target } from './trace-index';
import { clipText } from '../../domain/text';
import { phaseTotals, traceWindow } from './trace-split';

/** A child covering this share of a timed-out parent's time is what the parent was waiting on. */
const TIMEOUT_COVER = 0.8;
const MAX_ORIGINS = 8;
const MAX_EDGES = 12;
/** Counts at which a signal's strength stops growing with volume. */
const FULL_VOLUME = 10;
/** A latency shift counts when it adds at least this many ms, this share of the baseline, and this many standard errors. */
const MIN_ADDED_MS = 2;
const MIN_ADDED_REL = 0.2;
const MIN_Z = 3;
/** Traces needed in each phase to compare self-times. */
const MIN_TRACES = 3;

function overlap(a: Span, b: Span): number {
  return Math.max(0, Math.min(a.startMs + a.durationMs, b.startMs + b.durationMs) - Math.max(a.startMs, b.startMs));
}

/** Duration minus the union of the children's intervals clipped to the span (concurrent children count once). */
export function selfTime(s: Span, kids: readonly Span[]): number {
  const end = s.startMs + s.durationMs;
  const iv = kids
    .map((k): [number, number] => [Math.max(s.startMs, k.startMs), Math.min(end, k.startMs + k.durationMs)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let cur: [number, number] | null = null;
  for (const [a, b] of iv) {
    if (cur && a <= cur[1]) cur[1] = Math.max(cur[1], b);
    else {
      if (cur) covered += cur[1] - cur[0];
      cur = [a, b];
    }
  }
  if (cur) covered += cur[1] - cur[0];
  return Math.max(0, s.durationMs - covered);
}

interface OriginAcc {
  external: boolean;
  spans: PhaseCounts;
  propagatedTo: Set<string>;
  examples: Map<string, number>;
  timeouts: number;
}

function errorOrigins(
  spans: readonly Span[],
  idx: TraceIndex,
  w: AnalysisWindow,
  total: PhaseCounts,
): TraceErrorOrigin[] {
  const acc = new Map<string, OriginAcc>();
  for (const s of spans) {
    const ph = phaseOf(s, w);
    if (!ph || !s.error || idx.kids(s).some((k) => k.error)) continue;
    // A timed-out span whose (successful) child took nearly all its time was waiting on that child.
    let f = s;
    let waited = false;
    for (let depth = 0; s.timeout && depth < 50; depth++) {
      const dom = idx
        .kids(f)
        .filter((k) => !k.error && f.durationMs > 0 && overlap(k, f) >= TIMEOUT_COVER * f.durationMs)
        .sort((a, b) => b.durationMs - a.durationMs)[0];
      if (!dom) break;
      f = dom;
      waited = true;
    }
    const owner = idx.owner(f);
    let a = acc.get(owner.name);
    if (!a) {
      a = {
        external: owner.external,
        spans: { baseline: 0, incident: 0 },
        propagatedTo: new Set(),
        examples: new Map(),
        timeouts: 0,
      };
      acc.set(owner.name, a);
    }
    a.spans[ph]++;
    if (ph === 'incident') {
      if (waited) a.timeouts++;
      if (f.name) a.examples.set(f.name, (a.examples.get(f.name) ?? 0) + 1);
      // The failing span itself (when it only waited on another, or called an external) and its failing ancestors.
      let p: Span | undefined = s;
      for (let depth = 0; p && p.error && depth < 50; depth++, p = idx.parent(p))
        if (p.service !== owner.name) a.propagatedTo.add(p.service);
    }
  }
  const rows = [...acc.entries()].map(([service, a]) => {
    // Expected incident origins at the baseline's rate per span seen (traffic and sampling cancel out).
    const expected = total.baseline > 0 ? (a.spans.baseline * total.incident) / total.baseline : 0;
    return { service, a, excess: Math.max(0, a.spans.incident - expected) };
  });
  const sumExcess = rows.reduce((s, r) => s + r.excess, 0);
  return rows
    .filter((r) => r.a.spans.incident > 0)
    .map(({ service, a, excess }) => ({
      service,
      external: a.external,
      spans: a.spans,
      excess: round(excess, 1),
      strength: sumExcess > 0 ? round((excess / sumExcess) * Math.sqrt(Math.min(1, excess / FULL_VOLUME)), 3) : 0,
      propagatedTo: [...a.propagatedTo].sort(),
      examples: topNames(a.examples),
      timeouts: a.timeouts,
    }))
    .sort(
      (x, y) => y.strength - x.strength || y.spans.incident - x.spans.incident || x.service.localeCompare(y.service),
    )
    .slice(0, MAX_ORIGINS);
}

interface SelfAcc {
  external: boolean;
  perTrace: { baseline: Map<string, number>; incident: Map<string, number> };
  examples: Map<string, number>;
}

function latencyOrigins(
  spans: readonly Span[],
  idx: TraceIndex,
  w: AnalysisWindow,
  credited: CallGaps['credited'],
): TraceLatencyOrigin[] {
  const acc = new Map<string, SelfAcc>();
  for (const s of spans) {
    const ph = phaseOf(s, w);
    if (!ph) continue;
    // A call span's own time is the gap to its callee: whoever the gap is credited to owns it.
    const callee = calleeSpans(s, idx)?.[0]?.service;
    const gapOwner = callee === undefined ? undefined : credited.get(edgeKey(s.service, callee));
    const owner = gapOwner ? { name: gapOwner, external: false } : idx.owner(s);
    let a = acc.get(owner.name);
    if (!a) {
      a = { external: owner.external, perTrace: { baseline: new Map(), incident: new Map() }, examples: new Map() };
      acc.set(owner.name, a);
    }
    const self = selfTime(s, idx.kids(s));
    const m = a.perTrace[ph];
    m.set(s.traceId, (m.get(s.traceId) ?? 0) + self);
    if (ph === 'incident' && s.name) a.examples.set(s.name, (a.examples.get(s.name) ?? 0) + self);
  }
  const found: Array<Omit<TraceLatencyOrigin, 'strength'> & { rel: number }> = [];
  for (const [service, a] of acc) {
    const b = [...a.perTrace.baseline.values()];
    const i = [...a.perTrace.incident.values()];
    if (b.length < MIN_TRACES || i.length < MIN_TRACES) continue;
    const mb = mean(b);
    const mi = mean(i);
    const added = mi - mb;
    const se = Math.sqrt(variance(b, mb) / b.length + variance(i, mi) / i.length);
    if (added < MIN_ADDED_MS || added < MIN_ADDED_REL * mb || (se > 0 && added / se < MIN_Z)) continue;
    found.push({
      service,
      external: a.external,
      baselineMs: round(mb, 1),
      incidentMs: round(mi, 1),
      addedMs: round(added, 1),
      traces: { baseline: b.length, incident: i.length },
      examples: topNames(a.examples),
      rel: added / Math.max(mb, 1),
    });
  }
  const sumAdded = found.reduce((s, f) => s + f.addedMs, 0);
  return found
    .map(({ rel, ...f }) => ({
      ...f,
      strength: round(
        (f.addedMs / sumAdded) * Math.min(1, rel) * Math.sqrt(Math.min(1, f.traces.incident / FULL_VOLUME)),
        3,
      ),
    }))
    .sort((x, y) => y.strength - x.strength || y.addedMs - x.addedMs)
    .slice(0, MAX_ORIGINS);
}

interface EdgeAcc {
  external: boolean;
  calls: PhaseCounts;
  errors: PhaseCounts;
  ms: PhaseCounts;
}

/** Edges that changed most first; an edge into an origin outranks one that only carries its errors back up. */
function edges(
  spans: readonly Span[],
  idx: TraceIndex,
  w: AnalysisWindow,
  origins: ReadonlySet<string>,
  gaps: CallGaps,
): TraceEdge[] {
  const acc = new Map<string, EdgeAcc & { caller: string; callee: string }>();
  const add = (caller: string, callee: Target, s: Span, ph: Phase): void => {
    const key = `${caller}\u0000${callee.name}`;
    let e = acc.get(key);
    if (!e) {
      e = {
        caller,
        callee: callee.name,
        external: callee.external,
        calls: { baseline: 0, incident: 0 },
        errors: { baseline: 0, incident: 0 },
        ms: { baseline: 0, incident: 0 },
      };
      acc.set(key, e);
    }
    e.calls[ph]++;
    if (s.error) e.errors[ph]++;
    e.ms[ph] += s.durationMs;
  };
  for (const s of spans) {
    const ph = phaseOf(s, w);
    if (!ph) continue;
    const p = idx.parent(s);
    if (p && p.service !== s.service) add(p.service, { name: s.service, external: false }, s, ph);
    const owner = idx.owner(s);
    if (owner.name !== s.service) add(s.service, owner, s, ph);
  }
  const rate = (n: number, d: number): number => (d ? n / d : 0);
  return [...acc.values()]
    .filter((e) => e.calls.incident > 0)
    .map((e) => {
      const meanMs = {
        baseline: round(rate(e.ms.baseline, e.calls.baseline), 1),
        incident: round(rate(e.ms.incident, e.calls.incident), 1),
      };
      const errDelta = rate(e.errors.incident, e.calls.incident) - rate(e.errors.baseline, e.calls.baseline);
      const slower = e.calls.baseline ? Math.log2(Math.max(meanMs.incident, 0.1) / Math.max(meanMs.baseline, 0.1)) : 0;
      const key = edgeKey(e.caller, e.callee);
      const sides = gaps.sides.get(key);
      const edge: TraceEdge = {
        caller: e.caller,
        callee: e.callee,
        external: e.external,
        calls: e.calls,
        errors: e.errors,
        meanMs,
        ...(sides ? { sides } : {}),
      };
      const lost = sides && gaps.credited.has(key) ? Math.log2(sides.gapMs / Math.max(sides.usualGapMs ?? 1, 1)) : 0;
      const change = Math.max(
        errDelta * 5,
        slower,
        lost,
        e.calls.baseline ? 0 : rate(e.errors.incident, e.calls.incident),
      );
      return { edge, change: change > 0 && origins.has(e.callee) ? change + 1 : change };
    })
    .sort((x, y) => y.change - x.change || y.edge.calls.incident - x.edge.calls.incident)
    .slice(0, MAX_EDGES)
    .map((x) => x.edge);
}

/** Analyzes spans over a window (see the file comment); spans outside [from, to] are ignored. */
export function analyzeTraces(spans: readonly Span[], incident: AnalysisWindow): TraceDigest {
  const idx = new TraceIndex(spans);
  let window = incident;
  let { total, traces } = phaseTotals(spans, window);
  const notes: string[] = [];
  if (!total.baseline && total.incident) {
    const own = traceWindow(spans, window);
    window = own.window;
    if (own.note) notes.push(own.note);
    ({ total, traces } = phaseTotals(spans, window));
  }
  if (!total.incident) notes.push('no spans since the onset');
  if (!total.baseline)
    notes.push(
      'no spans before the onset: error origins are not compared with a baseline and latency shifts are not measured',
    );
  const errors = errorOrigins(spans, idx, window, total);
  // Gaps keep the incident's window: without spans before its onset they are judged against the other edges,
  // which does not hang on where the spans' own split falls.
  const gaps = callGaps(spans, idx, incident);
  const latency = total.baseline ? latencyOrigins(spans, idx, window, gaps.credited) : [];
  const origins = new Set([...errors.filter((o) => o.strength > 0), ...latency, ...gaps.gaps].map((o) => o.service));
  return {
    spans: total,
    traces,
    errorOrigins: errors,
    latencyOrigins: latency,
    gaps: gaps.gaps,
    edges: edges(spans, idx, window, origins, gaps),
    notes,
  };
}

/** The trace findings the ranking weighs: one signal per error or latency origin with some strength. */
export function traceSignals(report: { traces?: TriageReport['traces'] | undefined }): TraceSignal[] {
  const t = report.traces;
  if (!t) return [];
  return [
    ...t.errorOrigins
      .filter((o) => o.strength > 0)
      .map((o) => ({
        service: o.service,
        kind: 'error_origin' as const,
        strength: o.strength,
        evidence: describeErrorOrigin(o),
      })),
    ...t.latencyOrigins
      .filter((o) => o.strength > 0)
      .map((o) => ({
        service: o.service,
        kind: 'latency_origin' as const,
        strength: o.strength,
        addedMs: o.addedMs,
        evidence: describeLatencyOrigin(o),
      })),
    ...t.gaps
      .filter((g) => g.strength > 0)
      .map((g) => ({
        service: g.service,
        kind: 'call_gap' as const,
        strength: g.strength,
        magnitude: g.magnitude,
        addedMs: Math.max(0, ...g.edges.map((e) => e.gapMs - (e.usualGapMs ?? 0))),
        evidence: describeGap(g),
      })),
  ];
}

/** `errors start in payments (12 failing spans with no failing child since onset, 0 before; e.g. POST /authorize), propagated to checkout`. */
export function describeErrorOrigin(o: TraceErrorOrigin): string {
  const what = o.external ? `external ${o.service}` : o.service;
  const eg = o.examples.length ? `; e.g. ${o.examples.join(', ')}` : '';
  const waited = o.timeouts ? `, ${o.timeouts} of them callers timing out on it` : '';
  const prop = o.propagatedTo.length ? `, propagated to ${o.propagatedTo.slice(0, 4).join(', ')}` : '';
  const n = o.spans.incident;
  return `errors start in ${what} (${n} failing span${n === 1 ? '' : 's'} with no failing child since onset, ${o.spans.baseline} before${waited}${eg})${prop}`;
}

/** `payments adds latency: own time 12ms → 2.9s per trace (+2.9s) since onset`. */
export function describeLatencyOrigin(o: TraceLatencyOrigin): string {
  const what = o.external ? `external ${o.service}` : o.service;
  const eg = o.examples.length ? `; e.g. ${o.examples.join(', ')}` : '';
  return `${what} adds latency: own time ${ms(o.baselineMs)} → ${ms(o.incidentMs)} per trace (+${ms(o.addedMs)}) over ${o.traces.incident} traces since onset${eg}`;
}

/** Time lost on the way between callers and a callee, and whose it is (see trace-gaps.ts). */
export function describeGap(g: TraceGap): string {
  return describeGapWith(g, ms);
}

/** `checkout → payments: errors 0/120 → 30/118, mean 40ms → 2.9s; median 250ms at checkout vs 2ms inside payments`. */
export function describeEdge(e: TraceEdge): string {
  const base = e.calls.baseline ? `${e.errors.baseline}/${e.calls.baseline} → ` : '';
  const lat = e.calls.baseline ? `${ms(e.meanMs.baseline)} → ${ms(e.meanMs.incident)}` : ms(e.meanMs.incident);
  const sides = e.sides
    ? `; median ${ms(e.sides.callerMs)} at ${e.caller} vs ${ms(e.sides.calleeMs)} inside ${e.callee}`
    : '';
  return `${e.caller} → ${e.callee}${e.external ? ' (external)' : ''}: errors ${base}${e.errors.incident}/${e.calls.incident}, mean ${lat}${sides}`;
}

function ms(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)}s`;
  return `${v >= 10 ? Math.round(v) : round(v, 1)}ms`;
}

function topNames(m: Map<string, number>): string[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 2)
    .map(([n]) => clipText(n, 60));
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function variance(xs: readonly number[], m: number): number {
  return xs.length > 1 ? xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) : 0;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

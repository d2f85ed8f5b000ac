// Whether a service's failures can come from waiting on a callee, and whether a callee can make its callers
// fail rather than only slow them: errors travel up a call only as errors, saturation, or timeouts. And whether
// such a callee failing beside a suspect leaves it in doubt (its shown confidence is capped).

import type { SeriesAnomaly, Topology } from '../types';
import { isBacklog } from './backlog';
import type { TraceSignal } from './ranking';
import { badMoves, type Acc } from './suspect';

/** Added latency (s) at which callers start to time out: below it a slower callee only makes its callers slower. */
const TIMEOUT_SCALE_S = 1;

/**
 * Whether a service can make its callers' calls fail: it fails itself (error moves, new error logs, spans whose
 * errors start in it, callers failing to reach it), it is saturated or down, or it became slow enough for
 * callers to time out. A callee a few milliseconds slower makes its callers slower, not failing.
 */
export function canFailCalls(bad: readonly SeriesAnomaly[], logs: boolean, traces: readonly TraceSignal[]): boolean {
  if (logs || traces.some((t) => t.kind === 'error_origin')) return true;
  if (bad.some((x) => x.kind === 'errors' || (x.kind === 'saturation' && !isBacklog(x)))) return true;
  // Latency of unknown scale (not in seconds) is not judged: it may be a timeout.
  if (bad.some((x) => x.kind === 'latency' && (x.unit !== 's' || x.current - x.baseline >= TIMEOUT_SCALE_S)))
    return true;
  return traces.some((t) => t.kind !== 'error_origin' && (t.addedMs ?? 0) >= 1000 * TIMEOUT_SCALE_S);
}

/**
 * A service whose own metrics say its requests fail more but not that they got slower, and whose new errors do
 * not speak of timeouts: it is not failing from waiting on a slow callee (a timeout would make it slower too).
 */
export function failsWithoutWaiting(a: Acc, bad: readonly SeriesAnomaly[]): boolean {
  if (!bad.some((x) => x.kind === 'errors') || !bad.every((x) => x.kind === 'errors' || x.kind === 'traffic'))
    return false;
  return !a.errors.some((t) => TIMEOUT_WORDS.test(`${t.template} ${t.samples.slice(0, 3).join(' ')}`));
}

const TIMEOUT_WORDS = /deadline|timed? ?out/i;

/**
 * A service, not saturated itself, one of whose direct callees began at the same time as it to move in a way that
 * can fail its calls (kept as a suspect of its own, not explained away): which of the two came first the data
 * cannot say. A saturated service has a cause of its own in hand.
 */
export function failingCalleeAlongside(
  a: Acc,
  accs: ReadonlyMap<string, Acc>,
  topology: Topology | null,
  tol: number,
): boolean {
  if (!Number.isFinite(a.first) || badMoves(a.metric).some((x) => x.kind === 'saturation' && !isBacklog(x)))
    return false;
  const calls = topology?.services.find((s) => s.name === a.service)?.calls ?? [];
  return calls.some((c) => {
    const d = accs.get(c);
    return (
      d !== undefined &&
      d !== a &&
      !d.unrelated &&
      !d.explainedBy.length &&
      d.failsCalls &&
      badMoves(d.metric).some((x) => x.kind !== 'traffic' && !isBacklog(x)) &&
      Math.abs(d.first - a.first) <= tol
    );
  });
}

// Rules about an external endpoint (topology kind `external`: a load balancer, a proxy, a managed API) that
// is seen only through its callers' client timings: what those timings can and cannot say about it.

import type { SeriesAnomaly, Topology } from '../types';
import { formatClock } from './format';
import { dependencies } from './graph';
import { addedSeconds, badMoves, type Acc } from './suspect';

/** Factor for an endpoint whose move an instrumented service behind the same callers shows from inside. */
const SEEN_TWICE = 0.3;

/**
 * A load balancer or proxy in front of a service appears twice: as the endpoint its callers time, and as the
 * service's own (server-side) series. When an external endpoint with nothing of its own (no errors naming it,
 * no traces) slowed down at the same time as an instrumented service called by one of the same callers, and
 * that service added at least half as much latency, the two are one fault seen twice: the endpoint's timings
 * include the service behind it, and the service's own series locate it. The reverse cannot hold, as the
 * service does not call the endpoint, directly or through others. The endpoint drops below the service and
 * counts as explained by it.
 */
export function sameFaultSeenTwice(accs: Map<string, Acc>, topology: Topology | null, tol: number): void {
  const nodes = topology?.services ?? [];
  const kind = new Map(nodes.map((s) => [s.name, s.kind]));
  for (const node of nodes) {
    const a = accs.get(node.name);
    if (node.kind !== 'external' || !a || a.unrelated || a.external || a.errors.length || a.traces > 0) continue;
    const bad = badMoves(a.metric).filter((x) => x.kind !== 'traffic');
    const added = addedSeconds(a);
    if (!bad.length || !bad.every((x) => x.kind === 'latency') || !(added > 0) || !Number.isFinite(a.first)) continue;
    const callers = nodes.filter((s) => s.calls.includes(node.name));
    const behind = [...new Set(callers.flatMap((c) => c.calls))]
      .filter((n) => n !== node.name && kind.get(n) !== 'external')
      .filter((n) => !dependencies(topology, n).includes(node.name))
      .map((n) => accs.get(n))
      .filter(
        (s): s is Acc =>
          !!s &&
          !s.unrelated &&
          Number.isFinite(s.first) &&
          Math.abs(s.first - a.first) <= tol &&
          addedSeconds(s) >= 0.5 * added,
      )
      .sort((x, y) => y.score - x.score)[0];
    if (!behind) continue;
    a.score *= SEEN_TWICE;
    a.explainer = behind.service;
    a.against.push(
      `${behind.service}, which the same callers call, slowed at the same time by at least half as much (${formatClock(behind.first)}): the same fault seen from outside, ${behind.service}'s own series locate it`,
    );
  }
}

/** Factor for an endpoint whose failed calls its callers absorbed. */
const ABSORBED = 0.5;

/** Share of calls failing that a success-rate or error-ratio move reached (NaN for other units or kinds). */
function failingShare(x: SeriesAnomaly): number {
  const full = x.unit === '%' ? 100 : x.unit === 'ratio' ? 1 : Number.NaN;
  if (x.kind !== 'errors') return Number.NaN;
  return (x.bad === 'down' ? full - x.current : x.current) / full;
}

/**
 * An external endpoint's failures are known only from its callers' calls to it. When most of those calls
 * fail and yet every caller keeps its own success rate (each reports one, and none moved), the callers
 * absorbed the failures (a retry, a fallback, a call whose answer they do not need): they are not what users
 * see. The endpoint drops below services whose failures reach someone. Endpoints that errors in logs or
 * traces name are not judged.
 */
export function absorbedFailures(
  accs: Map<string, Acc>,
  topology: Topology | null,
  withErrorSignals: ReadonlySet<string>,
): void {
  const nodes = topology?.services ?? [];
  for (const node of nodes) {
    const a = accs.get(node.name);
    if (node.kind !== 'external' || !a || a.unrelated || a.external || a.errors.length || a.traces > 0) continue;
    const worst = Math.max(...badMoves(a.metric).map(failingShare).filter(Number.isFinite));
    if (!(worst >= 0.5)) continue;
    const callers = nodes.filter((s) => s.calls.includes(node.name)).map((s) => s.name);
    if (!callers.length || !callers.every((c) => withErrorSignals.has(c))) continue;
    if (callers.some((c) => badMoves(accs.get(c)?.metric).some((x) => x.kind === 'errors'))) continue;
    a.score *= ABSORBED;
    a.unrelated = true;
    a.against.push(
      `${Math.round(worst * 100)}% of the calls to it fail, yet ${callers.join(', ')} kept ${callers.length > 1 ? 'their' : 'its'} own success rate: the callers absorb these failures, users do not see them`,
    );
  }
}

/** Factor for an external dependency whose only evidence is the timings of one caller that moved too. */
const ONE_CALLER = 0.5;

/**
 * An external dependency (topology kind `external`: not ours, not instrumented on its side) is seen only
 * through its callers' client timings and error counts. When just one of its callers moved, at the same time,
 * a slow dependency and a slow caller (its threads, pools or CPU stretch every outbound call) look the same,
 * and a slow dependency would have slowed its other callers too: it does not explain that caller and ranks
 * below it. Several callers moving together point at the dependency (their common factor), and so does
 * evidence of its own (callers' errors naming it, traces); neither is judged here.
 */
export function seenThroughOneCaller(accs: Map<string, Acc>, topology: Topology | null, tol: number): void {
  for (const node of topology?.services ?? []) {
    const a = accs.get(node.name);
    if (node.kind !== 'external' || !a || a.unrelated || a.explainer || a.external || a.errors.length || a.traces > 0)
      continue;
    if (!badMoves(a.metric).length) continue;
    const moved = (topology?.services ?? [])
      .filter((s) => s.calls.includes(node.name))
      .map((s) => accs.get(s.name))
      .filter((c): c is Acc => !!c && badMoves(c.metric).some((x) => x.kind !== 'traffic'));
    const caller = moved.length === 1 ? moved[0] : undefined;
    if (!caller) continue;
    if (Number.isFinite(a.first) && Number.isFinite(caller.first) && Math.abs(a.first - caller.first) > tol) continue;
    a.score *= ONE_CALLER;
    a.unrelated = true;
    a.against.push(
      `seen only through ${caller.service}'s calls, and ${caller.service} moved too: a slow caller and a slow dependency look the same here`,
    );
  }
}

// Queue backlogs. A queue's depth is what its producers put in minus what its consumers take out, so a
// growing backlog (messages ready, consumer lag, visible messages) says that the rates no longer match, not
// why: the queue only shows the symptom. Its neighbours in the topology are its producers and consumers
// (they publish to it or pull from it; a push broker calls its subscribers). One that drains less, no later
// than the backlog began, is the cause: its throughput falls, or it fails with evidence of its own
// (saturation, its own new errors), not merely slower, as a caller waiting on a service that queues work is
// too. A caller whose traffic surges floods it (load). A broker that holds a deep queue works harder
// afterwards (pages messages to disk, more CPU): what moved on it after the backlog began follows it.

import type { SeriesAnomaly } from '../types';
import { anomalyStrength } from './metrics';
import { isBacklogName } from './signals';
import { badMoves, OWN, type Acc } from './suspect';

/** A move of a queue's depth or lag (a backlog growing), by the series' name. */
export function isBacklog(a: Pick<SeriesAnomaly, 'kind' | 'family' | 'key'>): boolean {
  return a.kind === 'saturation' && isBacklogName(`${a.family} ${a.key.split('{')[0] ?? ''}`);
}

/** When the service's earliest backlog began to grow (NaN without a dated one). */
function backlogStart(moves: readonly SeriesAnomaly[]): number {
  const times = moves.filter(isBacklog).map((a) => a.changeAt ?? Number.NaN);
  return times.some(Number.isFinite) ? Math.min(...times.filter(Number.isFinite)) : Number.NaN;
}

/**
 * Strength of the saturation that is the service's own: not its backlog (a symptom of its producers and
 * consumers), nor a move that began after its backlog did (`tol` later).
 */
export function ownSaturation(moves: readonly SeriesAnomaly[], tol: number): number {
  const since = backlogStart(moves);
  return Math.max(
    0,
    ...moves
      .filter((a) => a.kind === 'saturation' && !isBacklog(a) && !((a.changeAt ?? -Infinity) > since + tol))
      .map((a) => anomalyStrength(a)),
  );
}

/** Whether a service's bad moves, up to `tol` after its backlog began, are its backlog and symptoms that travel. */
export function onlyBacklog(a: Acc, tol: number): boolean {
  const bad = badMoves(a.metric);
  const since = backlogStart(bad);
  if (!bad.some(isBacklog)) return false;
  return bad
    .filter((x) => !((x.changeAt ?? -Infinity) > since + tol))
    .every((x) => isBacklog(x) || x.kind !== 'saturation');
}

/** Whether all a suspect shows is a backlog: no other move, no errors, no change, no trace or caller evidence. */
export function backlogAlone(a: Acc): boolean {
  const bad = badMoves(a.metric);
  return (
    bad.length > 0 &&
    bad.every(isBacklog) &&
    !a.errors.length &&
    (a.change?.score ?? 0) < 0.1 &&
    a.traces === 0 &&
    !a.external
  );
}

/**
 * For each service with a growing backlog, its neighbours that explain it (see file comment), moved no later
 * than `tol` after the backlog began: consumers that drain less or fail, producers whose traffic surges. They
 * call the queue (publish, pull) or it calls them (push delivery to a subscriber).
 */
export function backlogCauses(
  accs: ReadonlyMap<string, Acc>,
  calls: ReadonlyArray<readonly [caller: string, callee: string]>,
  tol: number,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const q of accs.values()) {
    const since = backlogStart(badMoves(q.metric));
    if (!Number.isFinite(since)) continue;
    const causes: string[] = [];
    for (const [caller, callee] of calls) {
      const other = caller === q.service ? callee : callee === q.service ? caller : undefined;
      const c = other === undefined ? undefined : accs.get(other);
      if (!c || c === q || causes.includes(c.service)) continue;
      const moves = badMoves(c.metric).filter((x) => x.changeAt == null || x.changeAt <= since + tol);
      // Slower or erroring alone does not count: a caller waiting on a service that queues work shows that too.
      const drainsLess =
        moves.some((x) => x.kind === 'traffic' && x.direction === 'down') || (c.own >= OWN && c.first <= since + tol);
      const floods = other === caller && moves.some((x) => x.kind === 'traffic' && x.direction === 'up');
      if (drainsLess || floods) causes.push(c.service);
    }
    if (causes.length) out.set(q.service, causes);
  }
  return out;
}

// The ranking's rules about the symptom people reported (the services the incident's own words name): a
// cause must be able to reach it along the calls it waits for, and must move with it, not long before.

import type { Topology } from '../types';
import { formatClock } from './format';
import { dependencies } from './graph';
import { anomalyStrength } from './metrics';
import { badMoves, OWN, type Acc } from './suspect';

/** Factor for a service whose move cannot reach the reported symptom: no anomalous call path joins them. */
const OFF_PATH = 0.4;
/** Robust score of a move that can carry a fault up a call path (beyond the detector's own floor of 3). */
const CARRY_SCORE = 5;

function anomalous(a: Acc | undefined): boolean {
  return !!a && (badMoves(a.metric).length > 0 || a.errors.length > 0 || a.traces > 0 || a.external !== undefined);
}

/**
 * A cause reaches the reported symptom only through calls the symptom's service waits for (the topology the
 * ranking gets has fire-and-forget calls removed already). A service in the topology that the reported
 * service does not call, directly or through others, cannot have caused what people see, whatever it shows:
 * it drops below those that can. Judged whether or not the symptom has moved yet (an alert can fire before
 * the next scrape shows it); services outside the topology and externals named by callers it reaches are
 * not judged.
 */
export function unreachableFromSymptom(
  accs: Map<string, Acc>,
  topology: Topology | null,
  symptoms: readonly string[],
): void {
  if (!topology) return;
  const inTopology = new Set(topology.services.map((s) => s.name));
  const starts = symptoms.filter((s) => inTopology.has(s));
  if (!starts.length) return;
  const reach = new Set<string>([...starts, ...starts.flatMap((s) => dependencies(topology, s))]);
  for (const a of accs.values()) {
    if (reach.has(a.service) || !inTopology.has(a.service)) continue;
    if (a.external && a.external.callers.some((c) => reach.has(c))) continue;
    a.score *= OFF_PATH;
    a.unrelated = true;
    a.offPath = true;
    a.against.push(
      `the reported symptom (${starts.join(', ')}) does not wait on it, directly or through others: it cannot have caused it`,
    );
  }
}

/**
 * A fault reaches the symptom people reported by travelling up the callers, so every service between the
 * cause and the symptom shows it too. When the reported service moved and the topology places it, services
 * that no chain of anomalous callees joins to it moved for another reason (another day's level, an
 * unrelated job): they drop below those that do. Services outside the topology, and externals whose
 * callers are on the path, are not judged by it.
 */
export function offSymptomPath(
  accs: Map<string, Acc>,
  topology: Topology | null,
  symptoms: readonly string[],
  observed: ReadonlySet<string>,
): void {
  if (!topology) return;
  const inTopology = new Set(topology.services.map((s) => s.name));
  const starts = symptoms.filter((s) => inTopology.has(s) && anomalous(accs.get(s)));
  if (!starts.length) return;
  const calls = new Map(topology.services.map((s) => [s.name, s.calls]));
  // A quiet observed service blocks the path; one without metrics (not instrumented) does not. A move that
  // carries a fault up is clearly beyond the baseline's noise (a 3-4 spread wiggle of one statistic is not).
  const carries = (a: Acc | undefined): boolean =>
    !!a &&
    (a.errors.length > 0 ||
      a.traces > 0 ||
      a.external !== undefined ||
      badMoves(a.metric).some((x) => Math.abs(x.score) >= CARRY_SCORE));
  const passable = (n: string): boolean =>
    carries(accs.get(n)) || (observed.size > 0 && !observed.has(n) && !accs.has(n));
  const onPath = new Set<string>(starts);
  const queue = [...starts];
  while (queue.length) {
    const s = queue.shift() as string;
    for (const c of calls.get(s) ?? []) {
      if (onPath.has(c) || !passable(c)) continue;
      onPath.add(c);
      queue.push(c);
    }
  }
  const reached = [...accs.values()].filter((a) => onPath.has(a.service) && anomalous(a));
  if (reached.length <= starts.length) return; // nothing below the symptom moved: the rule says nothing
  for (const a of accs.values()) {
    if (a.unrelated || onPath.has(a.service) || !inTopology.has(a.service)) continue;
    if (a.external && a.external.callers.some((c) => onPath.has(c))) continue;
    a.score *= OFF_PATH;
    a.unrelated = true;
    a.offPath = true;
    a.against.push(
      `no anomalous call path joins it to the reported symptom (${starts.join(', ')}): its move does not explain it`,
    );
  }
}

/** Factor for a service that moved well before the reported symptom and not when the symptom moved. */
const BEFORE_SYMPTOM = 0.5;

/**
 * The reported symptom dates the incident: its first bad move. A cause moves with it or shortly before; a
 * service whose every bad move began more than `tol` before the symptom moved, with none when it moved,
 * was already in that state while the symptom was healthy (another day's level, a drift, an old fault) and
 * did not start this incident. Services with undated moves or with their own evidence are not judged.
 */
export function notWithSymptom(accs: Map<string, Acc>, symptoms: readonly string[], tol: number): void {
  const starts = symptoms.map((s) => accs.get(s)).filter((a): a is Acc => !!a && Number.isFinite(a.first));
  if (!starts.length) return;
  const at = Math.min(...starts.map((a) => a.first));
  for (const a of accs.values()) {
    if (starts.includes(a) || a.own >= OWN || (a.change?.score ?? 0) >= 0.1) continue;
    // Its strongest move dates it (a weak wiggle of another statistic does not).
    const top = badMoves(a.metric).sort((x, y) => anomalyStrength(y) - anomalyStrength(x))[0];
    const t = top?.changeAt;
    if (t == null || !Number.isFinite(t) || t >= at - tol) continue;
    a.score *= BEFORE_SYMPTOM;
    a.unrelated = true;
    a.against.push(
      `its strongest move began at ${formatClock(t)}, well before the reported symptom moved (${formatClock(at)})`,
    );
  }
}

// Call-graph helpers over topology.yaml: who a service depends on, directly or through others.

import type { Topology } from '../types';

/** Services reachable from `service` through `calls` (not including itself), nearest first. */
export function dependencies(topology: Topology | null, service: string): string[] {
  if (!topology) return [];
  const calls = new Map(topology.services.map((s) => [s.name, s.calls]));
  const seen = new Set<string>([service]);
  const out: string[] = [];
  let frontier = [service];
  while (frontier.length) {
    const next: string[] = [];
    for (const s of frontier) {
      for (const c of calls.get(s) ?? []) {
        if (seen.has(c)) continue;
        seen.add(c);
        out.push(c);
        next.push(c);
      }
    }
    frontier = next;
  }
  return out;
}

/** Services that depend on `service`, directly or transitively. */
export function dependents(topology: Topology | null, service: string): string[] {
  if (!topology) return [];
  return topology.services
    .map((s) => s.name)
    .filter((n) => n !== service && dependencies(topology, n).includes(service));
}

/** A service's usual latency in seconds: its typical (lowest central statistic) and its tail (highest). */
export interface LatencyProfile {
  typical: number;
  tail: number;
}

/**
 * Calls the caller does not wait for (fire-and-forget: starting a workflow, publishing a message): a caller
 * whose slowest requests usually take less than half of what the callee's typical one takes cannot be waiting
 * for it, so the callee's latency and failures do not travel up that edge. Only judged where both have
 * latency in seconds.
 */
export function asyncCalls(
  topology: Topology | null,
  latency: ReadonlyMap<string, LatencyProfile>,
): Array<[caller: string, callee: string]> {
  const out: Array<[string, string]> = [];
  for (const s of topology?.services ?? []) {
    const caller = latency.get(s.name);
    if (!caller || !(caller.tail > 0)) continue;
    for (const c of s.calls) {
      const callee = latency.get(c);
      if (callee && callee.typical > 0 && caller.tail < 0.5 * callee.typical) out.push([s.name, c]);
    }
  }
  return out;
}

/** The topology without the given calls (the same object when there are none). */
export function withoutCalls(
  topology: Topology | null,
  cut: ReadonlyArray<readonly [string, string]>,
): Topology | null {
  if (!topology || !cut.length) return topology;
  const drop = new Set(cut.map(([a, b]) => `${a}\u0000${b}`));
  return {
    ...topology,
    services: topology.services.map((s) => ({ ...s, calls: s.calls.filter((c) => !drop.has(`${s.name}\u0000${c}`)) })),
  };
}

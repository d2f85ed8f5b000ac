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

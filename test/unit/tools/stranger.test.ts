// The stranger scenario generator (tools/eval/corpora/stranger*): deterministic per seed, and each fault
// leaves its evidence where the truth says the cause is.

import { FAULTS, makeWorld } from '../../../tools/eval/corpora/stranger-world';
import { Simulation } from '../../../tools/eval/corpora/stranger-state';

describe('stranger generator', () => {
  it('gives the same world for the same seed and a different one for another', () => {
    expect(makeWorld(7)).toEqual(makeWorld(7));
    expect(makeWorld(8)).not.toEqual(makeWorld(7));
  });

  it('cycles the fault classes by seed', () => {
    expect(FAULTS.map((_, i) => makeWorld(FAULTS.length * 3 + i).fault)).toEqual([...FAULTS]);
  });

  it('puts an outage’s external host outside the topology and in a caller’s calls', () => {
    const w = makeWorld(FAULTS.indexOf('external_outage'));
    expect(w.services.map((s) => s.name)).not.toContain(w.root);
    expect(w.services.filter((s) => s.hosts.includes(w.root)).map((s) => s.name)).toEqual(w.victims);
  });

  it('keeps every signal calm before the onset and moves the root after it', () => {
    const w = makeWorld(FAULTS.indexOf('slow_downstream'));
    const sim = new Simulation(w);
    const lat = (sim.states.get(w.root) ?? []).map((s) => s.lat);
    const after = sim.times.findIndex((t) => t >= w.onset + 60_000);
    const before = lat.slice(
      0,
      sim.times.findIndex((t) => t >= w.onset),
    );
    expect(Math.min(...lat.slice(after))).toBeGreaterThan(3 * Math.max(...before));
    expect(sim.times[sim.times.length - 1]).toBeLessThanOrEqual(w.clock);
  });
});

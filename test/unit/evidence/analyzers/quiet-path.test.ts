// When nothing the reported symptom waits on has moved, the ranking still lists what moved, but says so and is
// not confident: a confident wrong answer at 3 AM is worse than none.

import { rankServices } from '../../../../src/evidence/analyzers/ranking';
import type { Topology } from '../../../../src/evidence/types';
import { latency, STEP, T } from './anomaly-fixture';

const topology: Topology = {
  services: [
    { name: 'shop', kind: 'service', calls: ['cart'] },
    { name: 'cart', kind: 'service', calls: [] },
    { name: 'reports', kind: 'service', calls: ['warehouse'] },
    { name: 'warehouse', kind: 'service', calls: [] },
  ],
};
const observed = topology.services.map((s) => s.name);
const rank = (anomalies: ReturnType<typeof latency>[]) =>
  rankServices({ anomalies, templates: [], changes: [], topology, observed, symptoms: ['shop'], stepMs: STEP });

describe('a symptom whose path has not moved yet', () => {
  it('lists the service that moved elsewhere with low confidence and names the quiet path', () => {
    const r = rank([latency('warehouse', 200, T, T)]);
    expect(r.suspects[0]?.service).toBe('warehouse');
    expect(r.suspects[0]?.confidence).toBeLessThanOrEqual(0.25);
    expect(r.suspects[0]?.likelihood).toBe('unclear');
    expect(r.quietPath).toEqual(['shop']);
  });

  it('says nothing of the kind when a service on the path moved', () => {
    const r = rank([latency('cart', 50, T, T), latency('warehouse', 200, T, T)]);
    expect(r.suspects[0]?.service).toBe('cart');
    expect(r.quietPath).toBeUndefined();
  });
});

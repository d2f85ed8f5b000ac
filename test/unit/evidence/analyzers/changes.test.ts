import { correlateChanges, symptomChangeDiscount } from '../../../../src/evidence/analyzers/changes';
import type { Change, SeriesAnomaly, Topology } from '../../../../src/evidence/types';

const ONSET = Date.parse('2026-11-27T03:02:10Z');
const window = { from: ONSET - 3_600_000, onset: ONSET, to: ONSET + 600_000 };
const topology: Topology = {
  services: [
    { name: 'checkout', kind: 'service', calls: ['payments'] },
    { name: 'payments', kind: 'service', calls: ['postgres'] },
    { name: 'postgres', kind: 'db', calls: [] },
    { name: 'notifications', kind: 'service', calls: [] },
  ],
};
const anomaly = (service: string): SeriesAnomaly => ({
  key: `x{service="${service}"}`,
  service,
  metric: 'p99 latency',
  family: 'x',
  kind: 'latency',
  changeAt: ONSET,
  baseline: 0.1,
  current: 2,
  score: 50,
  direction: 'up',
  sparkline: '',
});
const change = (id: string, service: string, minutesBefore: number): Change => ({
  id,
  service,
  kind: 'deploy',
  summary: `${service} ${id}`,
  time: ONSET - minutesBefore * 60_000,
});

describe('correlateChanges', () => {
  const scored = correlateChanges(
    [
      change('late', 'payments', -3),
      change('far', 'payments', 150),
      change('unrelated', 'notifications', 1),
      change('culprit', 'payments', 0.5),
      change('caller', 'checkout', 0.5),
    ],
    [anomaly('payments')],
    topology,
    window,
  );
  const byId = (id: string) => scored.find((c) => c.change.id === id);

  it('scores a change inside the onset interval as if right before it', () => {
    const [c] = correlateChanges([change('inside', 'payments', -1)], [anomaly('payments')], topology, {
      ...window,
      onsetLo: ONSET - 60_000,
      onsetHi: ONSET + 90_000,
    });
    expect(c?.score).toBe(1);
    expect(c?.reason).toContain("within the onset's uncertainty");
  });

  it('ranks a deploy of the anomalous service right before onset first', () => {
    expect(scored[0]?.change.id).toBe('culprit');
    expect(scored[0]?.serviceAnomalous).toBe(true);
    expect(scored[0]?.leadSeconds).toBe(30);
    expect(scored[0]?.reason).toContain('30s before onset');
  });

  it('counts a change to a caller of the anomalous service at half weight', () => {
    expect(byId('caller')?.dependencyAnomalous).toBe(true);
    expect(byId('caller')?.score).toBeCloseTo((byId('culprit')?.score ?? 0) / 2, 6);
  });

  it('discounts an equally close change to a service that is not anomalous', () => {
    expect(byId('unrelated')?.score).toBeLessThan(0.15);
    expect(byId('unrelated')?.reason).toContain('no anomaly');
  });

  it('keeps a change after the onset a faint candidate (the onset may be dated late), and gives nothing before the lookback', () => {
    expect(byId('late')?.score).toBeGreaterThan(0);
    expect(byId('late')?.score).toBeLessThan(0.2 * (byId('culprit')?.score ?? 0));
    expect(byId('late')?.reason).toContain('after onset');
    expect(byId('far')?.score).toBe(0);
  });

  it('halves the proximity every ten minutes', () => {
    const [near, far] = correlateChanges(
      [change('a', 'payments', 0), change('b', 'payments', 10)],
      [anomaly('payments')],
      topology,
      window,
    );
    expect(far?.score).toBeCloseTo((near?.score ?? 0) / 2, 6);
  });

  it('counts a service as moved when its callers feel it (their latency on calls to it) or its logs moved', () => {
    const edge: SeriesAnomaly = {
      ...anomaly('checkout'),
      key: 'rpc_client_latency{service="checkout",peer="payments"}',
      family: 'rpc_client_latency',
    };
    const [viaCallers] = correlateChanges([change('d', 'payments', 2)], [edge], topology, window);
    expect(viaCallers?.serviceAnomalous).toBe(true);
    expect(viaCallers?.reason).toContain('payments is anomalous');
    const [viaLogs] = correlateChanges([change('d', 'notifications', 2)], [], topology, window, {
      moved: ['notifications'],
    });
    expect(viaLogs?.serviceAnomalous).toBe(true);
    const [quiet] = correlateChanges([change('d', 'notifications', 2)], [], topology, window);
    expect(quiet?.serviceAnomalous).toBe(false);
  });
});

describe('symptomChangeDiscount', () => {
  const [c, rival] = correlateChanges(
    [change('d', 'checkout', 1), change('r', 'payments', 5)],
    [anomaly('checkout'), anomaly('payments')],
    topology,
    window,
  );

  it('takes back most of the weight of a change to a service whose moves a rival changed service explains', () => {
    expect(symptomChangeDiscount(c, rival, 3)).toBeCloseTo(3 * (c?.score ?? 0) * 0.9, 6);
  });

  it('keeps the change when the explaining service has no change of its own, or there is no change', () => {
    expect(symptomChangeDiscount(c, undefined, 3)).toBe(0);
    expect(symptomChangeDiscount(undefined, rival, 3)).toBe(0);
  });
});

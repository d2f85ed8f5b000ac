// The ranking's reach rules: fire-and-forget calls carry no symptoms, a service the reported one does not wait
// on cannot have caused it, an external seen through one caller that moved too does not outrank that caller, a
// load balancer is the service behind it seen from outside, failed calls a caller absorbs are not what users see,
// and latency added by callees called one after another adds up.

import { asyncCalls, withoutCalls } from '../../../../src/evidence/analyzers/graph';
import { latencyProfiles } from '../../../../src/evidence/analyzers/metrics';
import { rankServices } from '../../../../src/evidence/analyzers/ranking';
import type { MetricSeries, SeriesAnomaly, Topology } from '../../../../src/evidence/types';
import { latency, STEP, T } from './anomaly-fixture';

/** A latency gauge in seconds for `service`, flat at `value` over [T - 2 h, T). */
function gauge(service: string, statistic: string, value: number): MetricSeries {
  const points: Array<[number, number]> = [];
  for (let t = T - 2 * 3_600_000; t < T; t += STEP) points.push([t, value]);
  return {
    name: 'request_latency_seconds',
    family: 'request_latency_seconds',
    labels: { service, statistic },
    type: 'gauge',
    service,
    points,
  };
}

describe('fire-and-forget calls', () => {
  // shop answers in 80-300 ms but calls a workflow that takes 2-4 s: it cannot be waiting for it.
  const topology: Topology = {
    services: [
      { name: 'shop', kind: 'service', calls: ['workflow', 'cart'] },
      { name: 'workflow', kind: 'service', calls: ['pricing'] },
      { name: 'pricing', kind: 'service', calls: [] },
      { name: 'cart', kind: 'service', calls: [] },
    ],
  };
  const series = [
    gauge('shop', '0.5', 0.08),
    gauge('shop', '0.99', 0.3),
    gauge('workflow', '0.5', 2),
    gauge('workflow', '0.99', 4),
    gauge('cart', '0.5', 0.02),
    gauge('cart', '0.99', 0.1),
  ];

  it('finds a call whose caller answers faster than the callee typically does', () => {
    const profiles = latencyProfiles(series, T - 3 * 3_600_000, T);
    expect(profiles.get('shop')).toEqual({ typical: 0.08, tail: 0.3 });
    expect(asyncCalls(topology, profiles)).toEqual([['shop', 'workflow']]);
  });

  it('ranks a slower job the reported service does not wait on below a service it does', () => {
    const pruned = withoutCalls(topology, asyncCalls(topology, latencyProfiles(series, T - 3 * 3_600_000, T)));
    const anomalies = [
      latency('shop', 6, T, T),
      latency('cart', 20, T, T),
      latency('workflow', 100, T, T),
      latency('pricing', 200, T, T),
    ];
    const input = { anomalies, templates: [], changes: [], observed: ['shop', 'workflow', 'pricing', 'cart'] };
    const before = rankServices({ ...input, topology, symptoms: ['shop'], stepMs: STEP });
    expect(before.suspects[0]?.service).toBe('pricing');
    const { suspects } = rankServices({ ...input, topology: pruned, symptoms: ['shop'], stepMs: STEP });
    expect(suspects[0]?.service).toBe('cart');
    expect(suspects.find((s) => s.service === 'pricing')?.against.join(' ')).toContain(
      'the reported symptom (shop) does not wait on it, directly or through others',
    );
  });
});

describe('an external seen through its callers', () => {
  const topology: Topology = {
    services: [
      { name: 'web', kind: 'service', calls: ['billing', 'search'] },
      { name: 'billing', kind: 'service', calls: ['card-api'] },
      { name: 'search', kind: 'service', calls: ['card-api'] },
      { name: 'card-api', kind: 'external', calls: [] },
    ],
  };
  const observed = topology.services.map((s) => s.name);

  it('ranks its one caller that moved at the same time above it, and does not call the caller downstream', () => {
    const anomalies = [latency('billing', 30, T, 0.2, 0.45), latency('card-api', 60, T, 0.1, 0.35)];
    const { suspects, redHerrings } = rankServices({ anomalies, templates: [], changes: [], topology, observed });
    expect(suspects.map((s) => s.service)).toEqual(['billing', 'card-api']);
    expect(suspects[1]?.against.join(' ')).toContain("seen only through billing's calls, and billing moved too");
    expect(redHerrings.filter((r) => r.kind === 'downstream_symptom')).toEqual([]);
  });

  it('still leads when two callers moved with it (their common factor)', () => {
    const anomalies = [
      latency('billing', 30, T, 0.2, 0.45),
      latency('search', 30, T, 0.2, 0.45),
      latency('card-api', 60, T, 0.1, 0.35),
    ];
    const { suspects } = rankServices({ anomalies, templates: [], changes: [], topology, observed });
    expect(suspects[0]?.service).toBe('card-api');
    expect(suspects[0]?.against).toEqual([]);
  });
});

describe('latency a service added itself', () => {
  it('credits the caller whose moved callee rose far less than it did', () => {
    const topology: Topology = {
      services: [
        { name: 'orders', kind: 'service', calls: ['orders-db'] },
        { name: 'orders-db', kind: 'db', calls: [] },
      ],
    };
    // orders +300 ms on its own; its database +30 ms, a tighter series with the larger robust score.
    const anomalies = [latency('orders', 20, T, 0.2, 0.5), latency('orders-db', 40, T, 0.01, 0.04)];
    const { suspects } = rankServices({ anomalies, templates: [], changes: [], topology, observed: ['orders'] });
    expect(suspects[0]?.service).toBe('orders');
    expect(suspects[0]?.evidence).toContain(
      'added most of its latency itself: +300 ms, while orders-db, which it calls, rose only +30 ms',
    );
  });

  it('dates a caller by its strongest move, not by a weak wiggle of another statistic before it', () => {
    const topology: Topology = {
      services: [
        { name: 'orders', kind: 'service', calls: ['stock'] },
        { name: 'stock', kind: 'service', calls: [] },
      ],
    };
    // orders' p90 crept up 10 minutes early; its p99, the strong move, came with stock's.
    const early = { ...latency('orders', 4, T - 2 * STEP, 0.2, 0.3), key: 'latency{service="orders",q="0.9"}' };
    const anomalies = [early, latency('orders', 60, T, 0.3, 1), latency('stock', 50, T, 0.1, 0.9)];
    const { suspects } = rankServices({ anomalies, templates: [], changes: [], topology, observed: ['orders'] });
    expect(suspects[0]?.service).toBe('stock');
    expect(suspects.find((s) => s.service === 'orders')?.reason).toContain('likely downstream of stock');
  });

  it('adds up what callees it calls one after another added: together they explain the caller', () => {
    const topology: Topology = {
      services: [
        { name: 'orders', kind: 'service', calls: ['stock', 'prices'] },
        { name: 'stock', kind: 'service', calls: [] },
        { name: 'prices', kind: 'service', calls: [] },
      ],
    };
    // orders +500 ms; stock +200 ms and prices +200 ms: neither alone half of it, together most of it.
    const anomalies = [
      latency('orders', 60, T, 0.1, 0.6),
      latency('stock', 30, T, 0.05, 0.25),
      latency('prices', 25, T, 0.05, 0.25),
    ];
    const { suspects } = rankServices({ anomalies, templates: [], changes: [], topology, observed: ['orders'] });
    expect(suspects[0]?.service).toBe('stock');
    const orders = suspects.find((s) => s.service === 'orders');
    expect(orders?.reason).toContain('likely downstream of stock');
    expect(orders?.evidence.join(' ')).not.toContain('added most of its latency itself');
  });
});

describe('a load balancer in front of a service', () => {
  // web calls search directly and through its load balancer (an external endpoint it only times); lists calls
  // search through the load balancer as well.
  const topology: Topology = {
    services: [
      { name: 'web', kind: 'service', calls: ['search', 'search-lb', 'lists'] },
      { name: 'lists', kind: 'service', calls: ['search-lb'] },
      { name: 'search', kind: 'service', calls: [] },
      { name: 'search-lb', kind: 'external', calls: [] },
    ],
  };
  const observed = topology.services.map((s) => s.name);

  it('names the service whose own series show the move the endpoint shows from outside', () => {
    const anomalies = [latency('search-lb', 80, T, 0.03, 0.5), latency('search', 40, T, 0.04, 0.49)];
    const { suspects } = rankServices({ anomalies, templates: [], changes: [], topology, observed, stepMs: STEP });
    expect(suspects.map((s) => s.service)).toEqual(['search', 'search-lb']);
    expect(suspects[1]?.against.join(' ')).toContain(
      'search, which the same callers call, slowed at the same time by at least half as much',
    );
  });

  it('calls a caller of the endpoint downstream of the service behind it', () => {
    const anomalies = [
      latency('search-lb', 80, T, 0.03, 0.5),
      latency('search', 40, T, 0.04, 0.49),
      latency('lists', 90, T, 0.05, 0.55),
    ];
    const { suspects } = rankServices({ anomalies, templates: [], changes: [], topology, observed, stepMs: STEP });
    expect(suspects[0]?.service).toBe('search');
    expect(suspects.find((s) => s.service === 'lists')?.reason).toContain('likely downstream of search');
  });

  it('keeps the endpoint first when the service behind it added far less', () => {
    const anomalies = [latency('search-lb', 80, T, 0.03, 0.5), latency('search', 40, T, 0.04, 0.2)];
    const { suspects } = rankServices({ anomalies, templates: [], changes: [], topology, observed, stepMs: STEP });
    expect(suspects[0]?.service).toBe('search-lb');
    expect(suspects[0]?.against).toEqual([]);
  });
});

describe('an endpoint whose failed calls its callers absorb', () => {
  const topology: Topology = {
    services: [
      { name: 'web', kind: 'service', calls: ['payments', 'flags-api'] },
      { name: 'payments', kind: 'service', calls: [] },
      { name: 'flags-api', kind: 'external', calls: [] },
    ],
  };
  const observed = topology.services.map((s) => s.name);
  // A move down from `baseline` to `current` of one service's `family` series.
  const down = (service: string, family: string, baseline: number, current: number, more: Partial<SeriesAnomaly>) => ({
    ...latency(service, -100, T, baseline, current),
    key: `${family}{service="${service}"}`,
    metric: family,
    family,
    direction: 'down' as const,
    ...more,
  });
  const availability = (service: string, current: number): SeriesAnomaly =>
    down(service, 'availability_percent', 100, current, { kind: 'errors', unit: '%', bad: 'down' });
  const calls = (service: string, current: number): SeriesAnomaly =>
    down(service, 'requests', 15, current, { kind: 'traffic', unit: 'requests', score: -17 });
  const failing = [availability('flags-api', 0), calls('flags-api', 2), availability('payments', 98.7)];

  it('ranks a service failing its callers above an endpoint whose every failed call its caller absorbed', () => {
    const input = { templates: [], changes: [], topology, observed, errorSignals: observed };
    const { suspects } = rankServices({ ...input, anomalies: failing });
    expect(suspects[0]?.service).toBe('payments');
    expect(suspects[1]?.against.join(' ')).toContain(
      '100% of the calls to it fail, yet web kept its own success rate: the callers absorb these failures',
    );
  });

  it('is not judged so when its caller is failing too, or when nothing says whether the caller is', () => {
    const failingWeb = [...failing, availability('web', 97)];
    const input = { templates: [], changes: [], topology, observed };
    for (const ranking of [
      rankServices({ ...input, anomalies: failingWeb, errorSignals: observed }),
      rankServices({ ...input, anomalies: failing }),
    ]) {
      const endpoint = ranking.suspects.find((s) => s.service === 'flags-api');
      expect(endpoint?.against.join(' ')).not.toContain('absorb');
    }
  });
});

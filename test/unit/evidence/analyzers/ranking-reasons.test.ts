import { correlateChanges } from '../../../../src/evidence/analyzers/changes';
import { rankServices } from '../../../../src/evidence/analyzers/ranking';
import type { Change, SeriesAnomaly, TemplateStat, Topology } from '../../../../src/evidence/types';

const ONSET = Date.parse('2026-11-27T03:02:10Z');
const window = { from: ONSET - 3_600_000, onset: ONSET, to: ONSET + 600_000 };
// front -> carts -> carts-db; front -> orders -> payment
const topology: Topology = {
  services: [
    { name: 'front', kind: 'edge', calls: ['carts', 'orders'] },
    { name: 'carts', kind: 'service', calls: ['carts-db'] },
    { name: 'carts-db', kind: 'db', calls: [] },
    { name: 'orders', kind: 'service', calls: ['payment'] },
    { name: 'payment', kind: 'service', calls: [] },
  ],
};

function anomaly(
  service: string,
  kind: SeriesAnomaly['kind'],
  score: number,
  extra: Partial<SeriesAnomaly> = {},
): SeriesAnomaly {
  const metric =
    kind === 'saturation' ? 'cpu' : kind === 'errors' ? '5xx rate' : kind === 'traffic' ? 'requests' : 'p99 latency';
  return {
    key: `${metric}{service="${service}"}`,
    service,
    metric,
    family: metric,
    kind,
    changeAt: ONSET,
    baseline: 1,
    current: 2,
    score,
    direction: score >= 0 ? 'up' : 'down',
    sparkline: '',
    ...extra,
  };
}

/** A deploy to `service`, `s` seconds before the onset. */
function deploy(id: string, service: string, s: number): Change {
  return { id, service, kind: 'deploy', summary: `${service} ${id}`, time: ONSET - s * 1000 };
}

function newError(service: string, text: string, samples = [text]): TemplateStat {
  return {
    id: `${service}:${text}`,
    template: text,
    service,
    level: 'error',
    baselineCount: 0,
    incidentCount: 40,
    ratio: Infinity,
    firstSeen: ONSET + 5000,
    label: 'new',
    samples,
  };
}

describe('rankServices reasons along the call graph', () => {
  it('never demotes a service with its own saturation because something it calls also moved', () => {
    const anomalies = [
      anomaly('carts', 'saturation', 60),
      anomaly('carts', 'latency', 20),
      anomaly('carts-db', 'latency', 8),
      anomaly('front', 'latency', 30),
    ];
    const { suspects, redHerrings } = rankServices({ anomalies, templates: [], changes: [], topology });
    expect(suspects[0]?.service).toBe('carts');
    expect(suspects[0]?.against).toEqual([]);
    expect(redHerrings.filter((h) => h.kind === 'downstream_symptom').map((h) => h.service)).toEqual(['front']);
  });

  it('treats a load drop in a callee as a symptom of its failing caller', () => {
    const anomalies = [anomaly('orders', 'errors', 400), anomaly('payment', 'traffic', -30)];
    const { suspects, redHerrings } = rankServices({ anomalies, templates: [], changes: [], topology });
    expect(suspects[0]?.service).toBe('orders');
    expect(redHerrings.find((h) => h.service === 'payment')?.why).toContain(
      'orders calls payment: less load reaches it',
    );
  });

  it('does not let a weak wiggle in a dependency explain a caller’s large move', () => {
    const anomalies = [anomaly('carts', 'latency', 90), anomaly('carts-db', 'latency', 3.2)];
    expect(rankServices({ anomalies, templates: [], changes: [], topology }).suspects[0]?.service).toBe('carts');
  });

  it('credits "moved first" to a service its neighbours followed within minutes, not to an earlier separate move', () => {
    const movedFirst = (leadMin: number): string[] => {
      const anomalies = [
        anomaly('carts', 'latency', 20, { changeAt: ONSET - leadMin * 60_000 }),
        anomaly('carts-db', 'latency', 20),
        anomaly('front', 'latency', 20),
      ];
      const { suspects } = rankServices({ anomalies, templates: [], changes: [], topology });
      return suspects.flatMap((s) => s.evidence.filter((e) => e.startsWith('moved first')).map(() => s.service));
    };
    // Two minutes ahead of both its caller and its callee: it started their trouble.
    expect(movedFirst(2)).toEqual(['carts']);
    // Five minutes ahead: a fault reaches neighbours within seconds, so this was noise before the incident.
    expect(movedFirst(5)).toEqual([]);
  });

  it('names an external dependency outside the topology that callers’ errors point at, with TLS failures', () => {
    const anomalies = [anomaly('orders', 'errors', 200), anomaly('front', 'errors', 150)];
    const templates = [
      newError('orders', 'POST https://api.paygate-eu.example.net/v1/charge failed: x509: certificate has expired'),
    ];
    const { suspects } = rankServices({ anomalies, templates, changes: [], topology });
    expect(suspects[0]?.service).toBe('api.paygate-eu.example.net');
    expect(suspects[0]?.reason).toContain('TLS/certificate');
    expect(suspects.find((s) => s.service === 'orders')?.against.join(' ')).toContain(
      'downstream of anomalous api.paygate-eu.example.net',
    );
  });

  it('follows a slow service that callers time out on down to the slower callee it waits for', () => {
    // front times out calling orders (named in its errors); orders waits on payment, which logs its own slowness.
    const anomalies = [
      anomaly('front', 'latency', 80),
      anomaly('orders', 'latency', 120),
      anomaly('payment', 'latency', 60),
    ];
    const templates = [
      newError('front', 'call to orders failed: Post "http://orders.prod.svc/v1/place" context deadline exceeded'),
      newError('payment', 'slow request: POST /v1/charge took 2900ms'),
    ];
    const { suspects } = rankServices({ anomalies, templates, changes: [], topology });
    expect(suspects[0]?.service).toBe('payment');
    expect(suspects.find((s) => s.service === 'orders')?.reason).toContain('likely downstream of payment');
  });

  it('among concurrent deploys, picks the one whose service’s own signals moved and labels the other', () => {
    const anomalies = [
      anomaly('payment', 'errors', 300),
      anomaly('orders', 'errors', 250),
      anomaly('front', 'errors', 200),
    ];
    const templates = [newError('payment', 'NullPointerException in ChargeHandler.apply')];
    const changes = correlateChanges(
      [deploy('d-orders', 'orders', 20), deploy('d-payment', 'payment', 40)],
      anomalies,
      topology,
      window,
    );
    const { suspects, redHerrings } = rankServices({ anomalies, templates, changes, topology });
    expect(suspects[0]).toMatchObject({ service: 'payment', change: 'd-payment' });
    expect(redHerrings.find((h) => h.kind === 'unrelated_change' && h.service === 'orders')?.why).toContain(
      'own signals did not move',
    );
  });

  it('does not let a deploy to a caller that only shows symptoms outrank the callee that moved itself', () => {
    const anomalies = [
      anomaly('payment', 'saturation', 40),
      anomaly('orders', 'latency', 100),
      anomaly('front', 'latency', 100),
    ];
    const changes = correlateChanges(
      [deploy('d-front', 'front', 10), deploy('d-payment', 'payment', 480)],
      anomalies,
      topology,
      window,
    );
    const { suspects, redHerrings } = rankServices({ anomalies, templates: [], changes, topology });
    expect(suspects[0]).toMatchObject({ service: 'payment', change: 'd-payment' });
    expect(redHerrings.find((h) => h.kind === 'unrelated_change' && h.service === 'front')?.why).toMatch(
      /own signals did not move \(only symptoms of (orders|payment)\)/,
    );
  });

  it('takes trace signals as the service’s own evidence', () => {
    const anomalies = [anomaly('front', 'latency', 40), anomaly('orders', 'latency', 35)];
    const traceSignals = [
      {
        service: 'payment',
        kind: 'latency_origin' as const,
        strength: 0.9,
        evidence: 'self time 12ms → 480ms in POST /charge',
      },
    ];
    const { suspects } = rankServices({ anomalies, templates: [], changes: [], topology, traceSignals });
    expect(suspects[0]?.service).toBe('payment');
    expect(suspects[0]?.evidence.join('\n')).toContain('trace: self time');
  });

  it('gives a clear, multiply supported leader a high confidence and a close call a low one', () => {
    const clear = rankServices({
      anomalies: [anomaly('carts', 'saturation', 500), anomaly('carts', 'latency', 80), anomaly('front', 'latency', 5)],
      templates: [newError('carts', 'OutOfMemoryError')],
      changes: [],
      topology,
    });
    expect(clear.suspects[0]?.confidence).toBeGreaterThanOrEqual(0.7);
    expect(clear.suspects[0]?.likelihood).toBe('likely');
    const close = rankServices({
      anomalies: [anomaly('carts', 'saturation', 20), anomaly('payment', 'saturation', 19)],
      templates: [],
      changes: [],
      topology,
    });
    expect(close.suspects[0]?.confidence).toBeLessThan(0.5);
    expect(close.suspects[0]?.likelihood).not.toBe('likely');
  });
});

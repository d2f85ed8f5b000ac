import { rankServices } from '../../../../src/evidence/analyzers/ranking';
import { classify } from '../../../../src/evidence/analyzers/signals';
import type { SeriesAnomaly, Topology } from '../../../../src/evidence/types';
import { latency, STEP, T } from './anomaly-fixture';

// web -> orders -> db; orders publishes to the queue, worker consumes from it and writes to db.
const topology: Topology = {
  services: [
    { name: 'web', kind: 'edge', calls: ['orders'] },
    { name: 'orders', kind: 'service', calls: ['db', 'queue'] },
    { name: 'queue', kind: 'queue', calls: [] },
    { name: 'worker', kind: 'service', calls: ['queue', 'db'] },
    { name: 'db', kind: 'db', calls: [] },
  ],
};
const observed = topology.services.map((s) => s.name);

function move(
  service: string,
  family: string,
  kind: SeriesAnomaly['kind'],
  score: number,
  baseline: number,
  current: number,
): SeriesAnomaly {
  return {
    key: `${family}{service="${service}"}`,
    service,
    metric: family.replace(/_/g, ' '),
    family,
    kind,
    unit: '',
    changeAt: T,
    baseline,
    current,
    score,
    direction: current >= baseline ? 'up' : 'down',
    sparkline: '▁▁█',
  };
}

const depth = (score = 100): SeriesAnomaly => move('queue', 'queue_messages_ready', 'saturation', score, 20, 9000);
/** People report the queue's alert ("messages ready above 10000"). */
const rank = (anomalies: SeriesAnomaly[], topo: Topology = topology, asyncCalls: Array<[string, string]> = []) =>
  rankServices({
    anomalies,
    templates: [],
    changes: [],
    topology: topo,
    observed,
    symptoms: ['queue'],
    stepMs: STEP,
    asyncCalls,
  });

describe('rankServices with a queue backlog', () => {
  it('blames the consumer whose throughput fell, not the queue that holds the backlog', () => {
    const { suspects } = rank([
      depth(),
      move('worker', 'messages_processed', 'traffic', -16, 50, 10),
      latency('worker', 60, T, 0.04, 0.34),
    ]);
    expect(suspects[0]?.service).toBe('worker');
    const queue = suspects.find((s) => s.service === 'queue');
    expect(queue?.reason).toContain('likely downstream of worker');
    expect(queue?.confidence).toBeLessThan(0.7);
    expect(suspects[0]?.against.join(' ')).not.toContain('does not wait on it');
  });

  it('blames the producer whose traffic surged when the consumer is healthy', () => {
    const { suspects } = rank([depth(), move('orders', 'requests', 'traffic', 25, 50, 400)]);
    expect(suspects[0]?.service).toBe('orders');
    expect(suspects.find((s) => s.service === 'queue')?.reason).toContain('likely downstream of orders');
  });

  it('finds the consumer through a call cut as fire-and-forget (consuming does not wait on the broker)', () => {
    const cut: Topology = {
      services: topology.services.map((s) => (s.name === 'worker' ? { ...s, calls: ['db'] } : s)),
    };
    const { suspects } = rank([depth(), move('worker', 'messages_processed', 'traffic', -16, 50, 10)], cut, [
      ['worker', 'queue'],
    ]);
    expect(suspects[0]?.service).toBe('worker');
  });

  it('blames a subscriber the broker pushes to, not the broker whose load it no longer takes', () => {
    const push: Topology = {
      services: [
        { name: 'orders', kind: 'service', calls: ['queue'] },
        { name: 'queue', kind: 'queue', calls: ['worker'] },
        { name: 'worker', kind: 'service', calls: [] },
      ],
    };
    const { suspects } = rank([depth(400), move('worker', 'messages_processed', 'traffic', -16, 50, 10)], push);
    expect(suspects[0]?.service).toBe('worker');
    expect(suspects.find((s) => s.service === 'queue')?.likelihood).not.toBe('likely');
  });

  it('never shows a backlog with no cause in sight as likely', () => {
    const { suspects } = rank([depth(400)]);
    expect(suspects[0]?.service).toBe('queue');
    expect(suspects[0]?.likelihood).not.toBe('likely');
  });

  it('keeps a broker that saturated before its backlog grew as the cause', () => {
    const disk = { ...move('queue', 'disk_used_ratio', 'saturation', 80, 0.5, 0.99), changeAt: T - 2 * STEP };
    const { suspects } = rank([depth(), disk, move('worker', 'messages_processed', 'traffic', -16, 50, 10)]);
    expect(suspects[0]?.service).toBe('queue');
  });
});

describe('rankServices with a service that queues its own work', () => {
  it('blames the service whose work queue grew and that slowed, not the caller waiting on it', () => {
    const topo: Topology = {
      services: [
        { name: 'front', kind: 'edge', calls: ['app'] },
        { name: 'app', kind: 'service', calls: [] },
      ],
    };
    const { suspects } = rankServices({
      anomalies: [
        move('app', 'executor_queue_size', 'saturation', 80, 2, 900),
        latency('app', 60, T, 0.05, 0.9),
        latency('front', 40, T, 0.1, 1),
      ],
      templates: [],
      changes: [],
      topology: topo,
      observed: ['front', 'app'],
      symptoms: ['front'],
      stepMs: STEP,
    });
    expect(suspects[0]?.service).toBe('app');
    expect(suspects.find((s) => s.service === 'front')?.reason).toContain('likely downstream of app');
  });
});

describe('classify for queues', () => {
  it('reads a queue depth or consumer lag as saturation, whatever the exporter calls it', () => {
    for (const name of [
      'rabbitmq_queue_messages_ready',
      'kafka_consumergroup_lag',
      'aws_sqs_approximate_number_of_messages_visible_average',
      'celery_queue_length',
    ])
      expect([name, classify(name, {})]).toEqual([name, 'saturation']);
  });
});

// A small in-test EvidenceSource: three services, one of them (payments) broken at the onset by a deploy,
// inventory with a steady error, notifications with an unrelated deploy. Times in minutes from T0.
import type {
  Change,
  EvidenceSource,
  LogEvent,
  MetricSeries,
  SourceCapabilities,
  Topology,
} from '../../../src/evidence/types';

export const T0 = Date.parse('2026-11-27T02:00:00Z');
export const ONSET = T0 + 60 * 60_000;
export const NOW = T0 + 80 * 60_000;
const min = (m: number): number => T0 + m * 60_000;

export interface TinySourceOptions {
  /** Extra text appended to one payments error line (to plant secrets or markers). */
  plant?: string;
  services?: string[];
}

/** Builds the tiny scenario; `reads` counts log reads, to show the analyses are cached. */
export function tinySource(opts: TinySourceOptions = {}): EvidenceSource & { reads: number } {
  const logs: LogEvent[] = [];
  let line = 0;
  const log = (service: string, m: number, level: string, body: string): void => {
    line++;
    logs.push({ ts: min(m), service, origin: `logs/${service}.log`, line, level, text: `${level} ${body}`, body });
  };
  for (let m = 0; m < 80; m++) {
    log('payments', m, 'INFO', `charged order ${1000 + m} in 40ms`);
    log('inventory', m, 'ERROR', `failed to refresh token, retrying attempt ${m % 3} of 3`);
    log('checkout', m, 'INFO', `checkout ok for cart ${m}`);
    if (m >= 60) {
      log(
        'payments',
        m,
        'ERROR',
        `Payment authorization failed for order ${2000 + m}${m === 70 && opts.plant ? ` ${opts.plant}` : ''}`,
      );
      log('payments', m, 'ERROR', `Payment authorization failed for order ${3000 + m}`);
      log('checkout', m, 'WARN', `payments call slow for cart ${m}`);
    }
  }
  const series = (service: string, name: string, f: (m: number) => number): MetricSeries => ({
    name,
    family: name,
    type: 'gauge',
    service,
    labels: { service },
    points: Array.from({ length: 160 }, (_, i) => [T0 + i * 30_000, f(i / 2)] as [number, number]),
  });
  const metrics: MetricSeries[] = [
    series('payments', 'payments_latency_p99_seconds', (m) => (m >= 60 ? 2.2 + (m % 2) * 0.1 : 0.1 + (m % 3) * 0.01)),
    series('checkout', 'checkout_latency_p99_seconds', (m) => (m >= 60 ? 2.5 + (m % 2) * 0.1 : 0.2 + (m % 3) * 0.01)),
    series('inventory', 'inventory_latency_p99_seconds', (m) => 0.05 + (m % 3) * 0.005),
  ];
  const changes: Change[] = [
    { id: 'chg-1', time: ONSET - 40_000, service: 'payments', kind: 'deploy', summary: 'payments v4.2.0' },
    {
      id: 'chg-2',
      time: ONSET - 25 * 60_000,
      service: 'notifications',
      kind: 'deploy',
      summary: 'notifications v1.8.3',
    },
    { id: 'chg-3', time: ONSET + 5 * 60_000, service: 'inventory', kind: 'config', summary: 'inventory pool 10 -> 20' },
  ];
  const topology: Topology = {
    services: [
      { name: 'checkout', kind: 'service', calls: ['payments', 'inventory'] },
      { name: 'payments', kind: 'service', calls: [] },
      { name: 'inventory', kind: 'service', calls: [] },
      { name: 'notifications', kind: 'service', calls: [] },
    ],
  };
  const caps: SourceCapabilities = {
    signals: ['logs', 'metrics', 'changes', 'topology'],
    services: opts.services ?? ['checkout', 'payments', 'inventory', 'notifications'],
    labels: ['service'],
  };
  const source = {
    name: 'files',
    reads: 0,
    capabilities: async () => caps,
    clock: async () => NOW,
    incident: async () => ({ startedAt: NOW - 5 * 60_000 }),
    async *logs(q: { from: number; to: number }) {
      source.reads++;
      for (const e of logs) if (e.ts >= q.from && e.ts <= q.to) yield e;
    },
    metrics: async () => metrics,
    changes: async () => changes,
    topology: async () => topology,
    problems: () => [],
  };
  return source;
}

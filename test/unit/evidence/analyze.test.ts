import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../../src/evidence/analyze';
import { FilesSource } from '../../../src/evidence/sources/files';
import type { EvidenceSource, LogEvent, MetricSeries, TriageReport } from '../../../src/evidence/types';
import { generateScenario, type Fault, type GroundTruth, type RootCause } from '../../../tools/scenario';
import { ids, NOW, ONSET, otlp, T0, type FixtureSpan } from './analyzers/otlp-fixture';

const EXAMPLE = join(__dirname, '../../../examples/scenarios/checkout-latency');

describe('analyze on the committed example (payments v4.2.0 exhausts its connection pool)', () => {
  let report: TriageReport;
  beforeAll(async () => {
    report = await analyze(new FilesSource(EXAMPLE));
  });

  it('ranks payments first with its deploy as the change', () => {
    expect(report.suspects[0]).toMatchObject({ service: 'payments', change: 'chg-1044' });
    expect(report.suspects[0]?.evidence.join('\n')).toMatch(/latency/);
  });

  it('estimates the onset within a scrape of the true one, before the channel opened', () => {
    // README ground truth: onset 03:02:06Z, channel opened 03:08:43Z
    const onset = Date.parse(report.onset);
    expect(Math.abs(onset - Date.parse('2026-11-27T03:02:06Z'))).toBeLessThanOrEqual(15_000);
    expect(report.window.to).toBe('2026-11-27T03:08:43.000Z');
  });

  it('names every red herring and ranks none of them first', () => {
    const rh = report.red_herrings;
    expect(
      rh.some((h) => h.kind === 'steady_error' && h.service === 'inventory' && /refresh token|cache miss/.test(h.what)),
    ).toBe(true);
    expect(rh.some((h) => h.kind === 'unrelated_change' && h.what.includes('notifications v1.8.3'))).toBe(true);
    expect(
      rh.some((h) => h.kind === 'unrelated_change' && h.service === 'api-gateway' && h.why.includes('after onset')),
    ).toBe(true);
    for (const loud of ['api-gateway', 'checkout', 'web']) {
      expect(rh.some((h) => h.kind === 'downstream_symptom' && h.service === loud && h.why.includes('payments'))).toBe(
        true,
      );
    }
    expect(['inventory', 'notifications', 'api-gateway', 'checkout', 'web']).not.toContain(report.suspects[0]?.service);
  });

  it('writes a digest within its budget that starts with the answer', () => {
    expect(report.digest.length).toBeLessThanOrEqual(3500);
    expect(report.digest).toContain('1. payments');
  });

  it('uses a given onset instead of estimating one', async () => {
    const onset = Date.parse('2026-11-27T03:02:00Z');
    const r = await analyze(new FilesSource(EXAMPLE), { onset });
    expect(r.onset).toBe('2026-11-27T03:02:00.000Z');
    expect(r.window.from).toBe('2026-11-27T02:02:00.000Z');
  });
});

describe('analyze on other generated scenarios', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scout-scenarios-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[RootCause, number]> = [
    ['inventory', 7],
    ['checkout', 1234],
    ['payments', 99],
  ];
  it.each(cases)('finds root cause %s (seed %i) and its deploy', async (rootCause, seed) => {
    const out = join(dir, `${rootCause}-${seed}`);
    const truth: GroundTruth = generateScenario({ seed, rootCause, out });
    const report = await analyze(new FilesSource(out));
    expect(report.suspects[0]?.service).toBe(rootCause);
    expect(report.suspects[0]?.change).toBe(truth.culpritChange);
    expect(Math.abs(Date.parse(report.onset) - truth.timeline.onset)).toBeLessThanOrEqual(30_000);
    const downstream = report.red_herrings.filter((h) => h.kind === 'downstream_symptom').map((h) => h.service);
    expect(downstream.sort()).toEqual([...truth.downstream].sort());
    expect(report.red_herrings.some((h) => h.kind === 'unrelated_change' && h.service === 'notifications')).toBe(true);
  });
});

describe('analyze when an external dependency fails (nothing changed on our side)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scout-external-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[Fault, RootCause, number]> = [
    ['external-outage', 'inventory', 31],
    ['cert-expiry', 'payments', 58],
  ];
  it.each(cases)(
    'blames the dependency outside the topology for a %s behind %s (seed %i)',
    async (fault, rootCause, seed) => {
      const out = join(dir, `${fault}-${seed}`);
      const truth = generateScenario({ seed, rootCause, out, fault });
      const report = await analyze(new FilesSource(out));
      expect(report.suspects[0]?.service).toBe(truth.culprit);
      expect(report.suspects[0]?.change).toBeNull();
      if (fault === 'cert-expiry') expect(report.suspects[0]?.reason).toContain('TLS/certificate');
      expect(report.suspects.find((s) => s.service === rootCause)?.against.join(' ')).toContain(
        `downstream of anomalous ${truth.culprit}`,
      );
    },
  );
});

describe('analyze without metrics', () => {
  const started = Date.parse('2026-11-27T03:00:00Z');
  const logsOnly = (events: LogEvent[], now: number): EvidenceSource => ({
    name: 'memory',
    capabilities: async () => ({ signals: ['logs'], services: ['cart'], labels: [] }),
    clock: async () => now,
    incident: async () => ({ startedAt: now }),
    logs: async function* (q) {
      for (const e of events) if (e.ts >= q.from && e.ts <= q.to) yield e;
    },
    metrics: async () => [],
    changes: async () => [],
    topology: async () => null,
    problems: () => [],
  });
  const info = (n: number): LogEvent[] =>
    Array.from({ length: n }, (_, i) => ({
      ts: started - 3_600_000 + i * 60_000,
      service: 'cart',
      origin: 'logs/cart.log',
      line: i + 1,
      text: `cart updated id=${i}`,
      level: 'info',
    }));

  it('dates a logs-only incident from the error-log surge and ranks from the new errors', async () => {
    const events = info(60);
    for (let i = 0; i < 20; i++)
      events.push({
        ts: started + i * 15_000,
        service: 'cart',
        origin: 'logs/cart.log',
        line: 100 + i,
        text: `ERROR connection refused to db-${i % 3}`,
        level: 'error',
      });
    // The channel opened 10 minutes after the errors began: the onset is when they began, not when people noticed.
    const report = await analyze(logsOnly(events, started + 600_000));
    expect(report.onset).toBe('2026-11-27T03:00:00.000Z');
    expect(report.suspects[0]?.service).toBe('cart');
    expect(report.templates.find((t) => t.template.includes('connection refused'))?.label).toBe('new');
  });

  it('never gives a quiet logs-only incident an empty window, and says why', async () => {
    const report = await analyze(logsOnly(info(60), started));
    expect(Date.parse(report.window.to) - Date.parse(report.onset)).toBe(15 * 60_000);
    expect(report.problems.some((p) => p.problem.includes('no signal moved'))).toBe(true);
    expect(report.templates.some((t) => t.label === 'steady')).toBe(true);
  });
});

describe('analyze with traces', () => {
  it('adds the traces digest and ranks the external dependency where the errors start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scout-traces-'));
    try {
      const call = (id: string, at: number, fail: boolean): FixtureSpan[] => [
        {
          traceId: id,
          spanId: 's1',
          service: 'checkout',
          name: 'POST /checkout',
          startMs: at,
          durationMs: 140,
          error: fail,
        },
        {
          traceId: id,
          spanId: 's2',
          parent: 's1',
          service: 'payments',
          name: 'POST /authorize',
          startMs: at + 5,
          durationMs: 120,
          error: fail,
        },
        {
          traceId: id,
          spanId: 's3',
          parent: 's2',
          service: 'payments',
          name: 'POST',
          kind: 3,
          startMs: at + 10,
          durationMs: 100,
          error: fail,
          attrs: { 'peer.service': 'card-processor', 'http.response.status_code': fail ? 503 : 200 },
        },
      ];
      const spans = [
        ...ids('a', 25).flatMap((id, i) => call(id, T0 + i * 60_000, false)),
        ...ids('b', 25).flatMap((id, i) => call(id, ONSET + i * 60_000, i % 5 !== 0)),
      ];
      mkdirSync(join(dir, 'traces'));
      writeFileSync(join(dir, 'traces', 'export.json'), JSON.stringify(otlp(spans)));
      const report = await analyze(new FilesSource(dir), { onset: ONSET, now: NOW, baselineMinutes: 30 });
      expect(report.traces?.errorOrigins[0]).toMatchObject({
        service: 'card-processor',
        external: true,
        spans: { baseline: 0, incident: 20 },
      });
      expect(report.suspects[0]?.service).toBe('card-processor');
      expect(report.digest).toMatch(/Traces:\n- errors start in external card-processor \(20 failing spans/);
      expect(report.digest).toContain('payments → card-processor (external): errors 0/25 → 20/25');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('analyze when an endpoint fails every call and its caller does not notice', () => {
  // web's availability holds while every call it makes to the flags endpoint fails; payments, which web also
  // calls, starts failing a few of its requests at the same time.
  const now = Date.parse('2026-11-27T03:20:00Z');
  const onset = now - 15 * 60_000;
  const gauge = (service: string, name: string, before: number, after: number): MetricSeries => {
    const points: Array<[number, number]> = [];
    for (let t = now - 3 * 3_600_000; t <= now; t += 300_000) points.push([t, t < onset ? before : after]);
    return { name, family: name, type: 'gauge', service, labels: { service }, points };
  };
  const series = [
    gauge('web', 'availability_percent', 99.9, 99.9),
    gauge('web', 'request_latency_seconds', 0.09, 0.09),
    gauge('payments', 'availability_percent', 100, 98.7),
    gauge('payments', 'request_latency_seconds', 0.03, 0.03),
    gauge('flags-api', 'availability_percent', 100, 0),
    gauge('flags-api', 'requests', 15, 2),
  ];
  const source: EvidenceSource = {
    name: 'memory',
    capabilities: async () => ({ signals: ['metrics'], services: ['web', 'payments', 'flags-api'], labels: [] }),
    clock: async () => now,
    incident: async () => ({ startedAt: now, title: 'web availability SLO violation' }),
    logs: async function* () {},
    metrics: async () => series,
    changes: async () => [],
    topology: async () => ({
      services: [
        { name: 'web', kind: 'service', calls: ['payments', 'flags-api'] },
        { name: 'payments', kind: 'service', calls: [] },
        { name: 'flags-api', kind: 'external', calls: [] },
      ],
    }),
    problems: () => [],
  };

  it('ranks the service whose failures reach web above the endpoint whose failures web absorbs', async () => {
    const report = await analyze(source);
    expect(report.suspects[0]?.service).toBe('payments');
    expect(report.suspects.find((s) => s.service === 'flags-api')?.against.join(' ')).toContain(
      'yet web kept its own success rate',
    );
  });
});

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { openFilesSource } from '../../../../src/evidence/sources/files';
import { EvidenceNotFound } from '../../../../src/evidence/sources/errors';
import type { LogEvent } from '../../../../src/evidence/types';

const T0 = Date.UTC(2026, 10, 27, 3, 0, 0);
const S0 = T0 / 1000;
const iso = (ms: number): string => new Date(ms).toISOString();

async function collect(it: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

async function scenario(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'scout-files-'));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

const PROM = [
  '# TYPE http_requests counter',
  '# HELP http_requests Requests.',
  `http_requests_total{service="api",status="200"} 10 ${S0}`,
  `http_requests_total{service="api",status="200"} 25 ${S0 + 15}`,
  `http_requests_total{service="api",status="500"} 1 ${(S0 + 15) * 1000}`,
  '# TYPE latency_seconds histogram',
  '# UNIT latency_seconds seconds',
  `latency_seconds_bucket{service="api",le="0.5"} 3 ${S0}`,
  `latency_seconds_bucket{service="api",le="+Inf"} 4 ${S0}`,
  `latency_seconds_sum{service="api"} 1.5 ${S0}`,
  `latency_seconds_count{service="api"} 4 ${S0}`,
  '# TYPE db_seconds summary',
  `db_seconds{service="db",quantile="0.99"} NaN ${S0}`,
  `db_seconds_sum{service="db"} +Inf ${S0}`,
  '# TYPE mem_bytes gauge',
  `mem_bytes{service="db",pool="a \\"x\\""} 2.5e3 ${S0 + 30}`,
  `mem_bytes{pool="b"} 1 ${S0}`,
  'this is not a sample',
  `mem_bytes{service="db"} 7`,
  '# EOF',
].join('\n');

const JAVA = [
  'starting (no timestamp yet)',
  `${iso(T0 + 1000)
    .replace('T', ' ')
    .slice(0, 23)}  INFO 1 --- [main] c.e.Api : started`,
  `${iso(T0 + 5000)
    .replace('T', ' ')
    .slice(0, 23)} ERROR 1 --- [exec-1] c.e.Api : request failed`,
  'java.lang.RuntimeException: boom',
  '\tat c.e.Api.handle(Api.java:10)',
  `${iso(T0 + 9000)
    .replace('T', ' ')
    .slice(0, 23)}  INFO 1 --- [exec-2] c.e.Api : request ok`,
].join('\n');

const WORKER = [
  JSON.stringify({ time: iso(T0 + 2000), level: 'warn', msg: 'queue slow' }),
  JSON.stringify({ time: iso(T0 + 7000), level: 'info', msg: 'job done' }),
].join('\n');

const OTLP = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: 't1',
              spanId: 'a',
              startTimeUnixNano: String(BigInt(T0) * 1_000_000n),
              endTimeUnixNano: String(BigInt(T0 + 300) * 1_000_000n),
              status: { code: 2 },
            },
            {
              traceId: 't2',
              spanId: 'c',
              startTimeUnixNano: String(BigInt(T0) * 1_000_000n),
              endTimeUnixNano: String(BigInt(T0 + 100) * 1_000_000n),
              status: {},
            },
          ],
        },
      ],
    },
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'db' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: 't1',
              spanId: 'b',
              parentSpanId: 'a',
              startTimeUnixNano: String(BigInt(T0 + 10) * 1_000_000n),
              endTimeUnixNano: String(BigInt(T0 + 290) * 1_000_000n),
              status: { code: 'STATUS_CODE_ERROR' },
            },
          ],
        },
      ],
    },
  ],
};

describe('files source', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await scenario({
      'incident.yaml': `title: API errors\nchannel: inc-api\nstarted_at: ${iso(T0 + 60_000)}\n`,
      'logs/api.log': JAVA,
      'logs/worker.jsonl': WORKER,
      'metrics/app.prom': PROM,
      'changes.jsonl': [
        JSON.stringify({
          id: 'c1',
          time: iso(T0 + 3000),
          service: 'api',
          kind: 'deploy',
          summary: 'api v2',
          version: 'v2',
          ticket: 'OPS-1',
        }),
        '{not json',
        JSON.stringify({ id: 'c2', time: iso(T0 - 3_600_000), service: 'db', kind: 'config', summary: 'old' }),
        JSON.stringify({ id: 'c3', service: 'db', kind: 'config', summary: 'no time' }),
      ].join('\n'),
      'topology.yaml': 'services:\n  - name: api\n    kind: service\n    calls: [db]\n  - name: db\n    kind: db\n',
      'traces/t.json': JSON.stringify(OTLP),
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('refuses a missing directory with a message naming it', () => {
    expect(() => openFilesSource(path.join(dir, 'nope'))).toThrow(EvidenceNotFound);
    expect(() => openFilesSource(path.join(dir, 'nope'))).toThrow(path.join(dir, 'nope'));
  });

  it('reads the incident and takes its start as the clock', async () => {
    const src = openFilesSource(dir);
    expect(await src.incident()).toEqual({ title: 'API errors', channel: 'inc-api', startedAt: T0 + 60_000 });
    expect(await src.clock()).toBe(T0 + 60_000);
  });

  it('falls back to the last timestamp in the data without incident.yaml', async () => {
    const bare = await scenario({ 'logs/api.log': JAVA, 'metrics/app.prom': PROM });
    try {
      expect(await openFilesSource(bare).clock()).toBe(T0 + 30_000);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  it('lists services from logs, metrics, changes and topology, and metric label names', async () => {
    const caps = await openFilesSource(dir).capabilities();
    expect(caps.services).toEqual(['api', 'db', 'worker']);
    expect(caps.labels).toEqual(['le', 'pool', 'quantile', 'service', 'status']);
    expect(caps.signals).toEqual(['logs', 'metrics', 'changes', 'topology', 'traces']);
  });

  it('streams log events of all files merged by time, with stack traces joined', async () => {
    const events = await collect(openFilesSource(dir).logs({ from: T0, to: T0 + 60_000 }));
    expect(events.map((e) => [e.service, e.body])).toEqual([
      ['api', 'starting (no timestamp yet)'],
      ['api', 'started'],
      ['worker', 'queue slow'],
      ['api', 'request failed'],
      ['worker', 'job done'],
      ['api', 'request ok'],
    ]);
    const failed = events[3] as LogEvent;
    expect(failed).toMatchObject({ origin: 'logs/api.log', line: 3, level: 'error', ts: T0 + 5000 });
    expect(failed.text.split('\n')).toHaveLength(3);
  });

  it('filters logs by time and service', async () => {
    const events = await collect(openFilesSource(dir).logs({ from: T0 + 4000, to: T0 + 8000, services: ['api'] }));
    expect(events.map((e) => e.body)).toEqual(['request failed']);
  });

  it('gives a line without a timestamp the time of its neighbour, as an event of its own', async () => {
    const src = openFilesSource(dir);
    const events = await collect(src.logs({ from: T0, to: T0 + 60_000 }));
    expect(events[0]).toMatchObject({
      origin: 'logs/api.log',
      line: 1,
      ts: T0 + 1000,
      body: 'starting (no timestamp yet)',
    });
    expect(src.problems().filter((p) => p.origin === 'logs/api.log')).toEqual([]);
  });

  it('parses OpenMetrics families, types, units, special values and ms timestamps', async () => {
    const series = await openFilesSource(dir).metrics({ from: T0, to: T0 + 60_000 });
    const by = (name: string, label?: [string, string]) =>
      series.find((s) => s.name === name && (!label || s.labels[label[0]] === label[1]));
    expect(by('http_requests_total', ['status', '200'])).toMatchObject({
      family: 'http_requests',
      type: 'counter',
      service: 'api',
      points: [
        [T0, 10],
        [T0 + 15_000, 25],
      ],
    });
    expect(by('http_requests_total', ['status', '500'])?.points).toEqual([[T0 + 15_000, 1]]);
    expect(by('latency_seconds_bucket', ['le', '+Inf'])).toMatchObject({
      family: 'latency_seconds',
      type: 'histogram',
      unit: 'seconds',
    });
    expect(by('latency_seconds_count')).toMatchObject({ family: 'latency_seconds', type: 'histogram' });
    expect(by('db_seconds')?.points[0]?.[1]).toBeNaN();
    expect(by('db_seconds_sum')).toMatchObject({ type: 'summary', points: [[T0, Infinity]] });
    expect(by('mem_bytes')).toMatchObject({
      type: 'gauge',
      labels: { service: 'db', pool: 'a "x"' },
      points: [[T0 + 30_000, 2500]],
    });
  });

  it('counts malformed metric lines and series without a service label', async () => {
    const src = openFilesSource(dir);
    await src.metrics({ from: T0, to: T0 + 1 });
    const problems = src.problems().filter((p) => p.origin === 'metrics/app.prom');
    expect(problems.map((p) => p.problem).sort()).toEqual([
      'malformed sample value',
      'sample without a timestamp (expected `name{labels} value time`)',
      'series without a service label',
    ]);
  });

  it('names a series without a service label by its job or app label', async () => {
    const text = [
      '# TYPE cpu_percent gauge',
      `cpu_percent{job="billing"} 12 ${S0}`,
      `cpu_percent{app="ledger",pod="ledger-7f"} 30 ${S0}`,
      `cpu_percent{instance="10.0.0.7:9100"} 5 ${S0}`,
    ].join('\n');
    const src = openFilesSource(await scenario({ 'metrics/m.prom': text }));
    const series = await src.metrics({ from: T0, to: T0 + 60_000 });
    expect(series.map((s) => s.service).sort()).toEqual(['billing', 'ledger']);
    expect(src.problems().map((p) => p.problem)).toContain('series without a service label');
  });

  it('keeps one series per name and label set however its samples write the labels', async () => {
    const at = (k: number): number => S0 + 15 * k;
    const text = [
      '# TYPE queue_depth gauge',
      `queue_depth{service="q",name="a}b \\"c\\""} 1 ${at(0)}`,
      `queue_depth{name="a}b \\"c\\"",service="q"} 2 ${at(1)}`,
      `queue_depth{service="q",name="a}b \\"c\\""} 3 ${at(2)}`,
      `queue_depth{service="q",name="a}b"} 9 ${at(1)}`,
      `queue_depth{service="q",name="a}b \\"c\\""} 4 ${at(3)}`,
    ].join('\n');
    const src = openFilesSource(await scenario({ 'metrics/q.prom': text }));
    const series = await src.metrics({ from: T0, to: T0 + 60_000 });
    expect(series.map((s) => [s.labels['name'], s.points.map((p) => p[1])])).toEqual([
      ['a}b "c"', [1, 2, 3, 4]],
      ['a}b', [9]],
    ]);
  });

  it('filters metrics by service and time range', async () => {
    const series = await openFilesSource(dir).metrics({ from: T0 + 10_000, to: T0 + 20_000, services: ['api'] });
    expect(series.map((s) => [s.name, s.labels['status'], s.points.length])).toEqual([
      ['http_requests_total', '200', 1],
      ['http_requests_total', '500', 1],
    ]);
  });

  it('reads changes in range with their extra fields, reporting bad lines', async () => {
    const src = openFilesSource(dir);
    const changes = await src.changes({ from: T0, to: T0 + 60_000 });
    expect(changes).toEqual([
      { id: 'c1', time: T0 + 3000, service: 'api', kind: 'deploy', summary: 'api v2', version: 'v2', ticket: 'OPS-1' },
    ]);
    expect(
      src
        .problems()
        .filter((p) => p.origin === 'changes.jsonl')
        .map((p) => p.line),
    ).toEqual([2, 4]);
  });

  it('reads the topology', async () => {
    expect(await openFilesSource(dir).topology()).toEqual({
      services: [
        { name: 'api', kind: 'service', calls: ['db'] },
        { name: 'db', kind: 'db', calls: [] },
      ],
    });
  });

  it('summarises traces per service with error ratio, latency and call edges', async () => {
    const stats = await openFilesSource(dir).traces({ from: T0 - 1, to: T0 + 60_000 });
    expect(stats).toEqual([
      {
        service: 'api',
        spans: 2,
        errors: 1,
        errorRatio: 0.5,
        p50Ms: 100,
        p99Ms: 300,
        calls: [{ service: 'db', count: 1, errors: 1 }],
      },
      { service: 'db', spans: 1, errors: 1, errorRatio: 1, p50Ms: 280, p99Ms: 280, calls: [] },
    ]);
  });

  it('treats a missing optional file as absent and an invalid one as a problem', async () => {
    const d = await scenario({ 'topology.yaml': 'services: nope\n', 'incident.yaml': 'started_at: yesterday-ish\n' });
    try {
      const src = openFilesSource(d);
      expect(await src.topology()).toBeNull();
      expect(await src.incident()).toEqual({});
      expect(await src.changes({ from: 0, to: Date.now() })).toEqual([]);
      expect(
        src
          .problems()
          .map((p) => p.origin)
          .sort(),
      ).toEqual(['incident.yaml', 'topology.yaml']);
      expect(src.problems().find((p) => p.origin === 'topology.yaml')?.problem).toBe(
        'invalid topology: services: expected a list, got a string',
      );
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });

  it('reads logs in per-service folders, rotated and gzipped files, and names the files it does not read', async () => {
    const line = (ms: number, msg: string): string => `${iso(ms)} ERROR ${msg}\n`;
    const d = await scenario({
      'logs/checkout/checkout-7d9f-a1.log': line(T0 + 1000, 'pod a failed'),
      'logs/checkout/checkout-7d9f-b2.log.1': line(T0 + 2000, 'pod b failed'),
      'logs/web.out': line(T0 + 3000, 'web failed'),
      'logs/README.md': 'notes\n',
      'metrics/notes.md': 'about the metrics\n',
      'metrics/empty.prom': '# EOF\n',
    });
    await writeFile(path.join(d, 'metrics', 'api.prom.gz'), gzipSync(PROM));
    try {
      const src = openFilesSource(d);
      const events = await collect(src.logs({ from: T0, to: T0 + 60_000 }));
      expect(events.map((e) => [e.service, e.text])).toEqual([
        ['checkout', expect.stringContaining('pod a failed')],
        ['checkout', expect.stringContaining('pod b failed')],
        ['web', expect.stringContaining('web failed')],
      ]);
      const metrics = await src.metrics({ from: T0, to: T0 + 60_000 });
      expect(metrics.map((m) => m.service)).toContain('api');
      const problems = src.problems().map((p) => `${p.origin}: ${p.problem}`);
      expect(problems).toEqual(
        expect.arrayContaining([
          'logs/README.md: not read: expected .log, .jsonl, .txt, .out or .err (optionally .gz)',
          'metrics/notes.md: not read: expected OpenMetrics text: .prom (optionally .gz)',
          'metrics/empty.prom: no samples in the file',
        ]),
      );
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });

  it('reports a trace file that is not OTLP/JSON and keeps the others', async () => {
    const d = await scenario({
      'traces/good.json': JSON.stringify(OTLP),
      'traces/bad.json': '{"spans": 3}',
      'traces/broken.json': '{',
      'traces/empty.json': '',
    });
    try {
      const src = openFilesSource(d);
      expect((await src.traces({ from: T0 - 1, to: T0 + 60_000 })).map((t) => t.service)).toEqual(['api', 'db']);
      const said = Object.fromEntries(src.problems().map((p) => [p.origin, p.problem]));
      expect(Object.keys(said).sort()).toEqual(['traces/bad.json', 'traces/broken.json', 'traces/empty.json']);
      // Plain words that say what was expected, not the JSON parser's bare complaint.
      expect(said['traces/empty.json']).toBe('empty file; expected an OTLP/JSON trace export');
      expect(said['traces/broken.json']).toMatch(/^not valid JSON \(.+\); expected an OTLP\/JSON trace export$/);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });

  it('returns spans in the range from a file of one export per line, naming a torn line', async () => {
    const lines = [
      JSON.stringify({ resourceSpans: [OTLP.resourceSpans[0]] }),
      JSON.stringify({ resourceSpans: [OTLP.resourceSpans[1]] }),
      '{"resourceSp',
    ];
    const d = await scenario({ 'traces/collector.json': lines.join('\n') });
    try {
      const src = openFilesSource(d);
      const spans = await src.spans({ from: T0 - 1, to: T0 + 60_000 });
      expect(spans.map((s) => [s.service, s.spanId, s.parentSpanId, s.error])).toEqual([
        ['api', 'a', '', true],
        ['api', 'c', '', false],
        ['db', 'b', 'a', true],
      ]);
      expect(await src.spans({ from: T0 + 1, to: T0 + 60_000 })).toEqual([expect.objectContaining({ spanId: 'b' })]);
      expect(src.problems()).toEqual([expect.objectContaining({ origin: 'traces/collector.json', line: 3 })]);
      // With nothing but traces, the clock is the last span's end.
      expect(await src.clock()).toBe(T0 + 300);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });

  it('keeps at most the span cap in memory, in whole traces, and counts the spans it did not keep', async () => {
    const d = await scenario({ 'traces/t.json': JSON.stringify(OTLP) });
    try {
      const src = openFilesSource(d, { maxSpans: 2 });
      const spans = await src.spans({ from: T0 - 1, to: T0 + 60_000 });
      expect(spans.length).toBeLessThanOrEqual(2);
      // t1 has two spans (a, b), t2 one (c): a trace is kept whole or not at all.
      expect([['a', 'b'], ['c'], []]).toContainEqual(spans.map((s) => s.spanId).sort());
      expect(src.problems()).toEqual([
        {
          origin: 'traces/',
          problem: expect.stringMatching(/^spans over the cap of 2: whole traces sampled \(1 in \d+ kept\)$/),
          count: 3 - spans.length,
        },
      ]);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });

  it("loads the example scenario's trace", async () => {
    const src = openFilesSource(path.join(__dirname, '../../../../examples/scenarios/checkout-latency'));
    const spans = await src.spans({ from: 0, to: Date.UTC(2100, 0, 1) });
    expect(new Set(spans.map((s) => s.service))).toEqual(
      new Set(['web', 'api-gateway', 'checkout', 'inventory', 'payments']),
    );
    expect(spans.find((s) => s.service === 'payments')).toMatchObject({ error: true, timeout: true, httpStatus: 504 });
    expect(src.problems().filter((p) => p.origin.startsWith('traces/'))).toEqual([]);
  });

  it('lets a consumer stop reading a log early', async () => {
    const src = openFilesSource(dir);
    for await (const e of src.logs({ from: T0, to: T0 + 60_000 })) {
      expect(e.service).toBe('api');
      break;
    }
  });
});

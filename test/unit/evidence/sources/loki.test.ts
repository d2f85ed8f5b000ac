import { LokiSource } from '../../../../src/evidence/sources/loki';
import { LokiQueryError } from '../../../../src/evidence/sources/errors';
import type { LogEvent } from '../../../../src/evidence/types';
import { startFakeLoki, type FakeLoki } from '../../../support/loki-fake';

const T0 = Date.UTC(2026, 10, 27, 3, 0, 0);
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();

async function collect(it: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('LokiSource', () => {
  let loki: FakeLoki;
  beforeAll(async () => {
    const api: Array<[string, string]> = [];
    for (let i = 0; i < 25; i++)
      api.push([
        ns(T0 + i * 1000),
        `{"time":"${new Date(T0 + i * 1000).toISOString()}","level":"${i % 5 === 0 ? 'error' : 'info'}","msg":"request ${i} done"}`,
      ]);
    // two entries sharing one timestamp right at a page boundary must both arrive once
    api.push([ns(T0 + 24_000), '{"level":"warn","msg":"same instant"}']);
    loki = await startFakeLoki([
      { labels: { service: 'api', env: 'prod' }, entries: api },
      {
        labels: { service: 'db', env: 'prod' },
        entries: [[ns(T0 + 500), '2026-11-27 03:00:00.500 UTC [42] ERROR:  deadlock detected']],
      },
      { labels: { service: 'web', env: 'prod', level: 'warning' }, entries: [[ns(T0 + 700), 'slow page']] },
    ]);
  });
  afterAll(() => loki.close());

  it('returns every entry in time order across pages, without duplicates', async () => {
    const src = new LokiSource({ url: loki.url, fetch, limit: 10 });
    const before = loki.requests.length;
    const events = await collect(src.logs({ from: T0, to: T0 + 60_000, services: ['api', 'db'] }));
    expect(events).toHaveLength(27);
    expect(events.map((e) => e.ts)).toEqual([...events.map((e) => e.ts)].sort((a, b) => a - b));
    expect(events.filter((e) => e.text.includes('same instant'))).toHaveLength(1);
    expect(new Set(events.map((e) => e.text)).size).toBe(27);
    const pages = loki.requests.slice(before).filter((r) => r.path === '/loki/api/v1/query_range');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    // Error-ish lines first, then the rest: disjoint queries on the same selector.
    expect(pages.map((p) => p.params.get('query'))).toEqual(
      expect.arrayContaining([
        '{service=~"api|db"} |~ "(?i)error|fail|exception|panic|fatal|timeout"',
        '{service=~"api|db"} !~ "(?i)error|fail|exception|panic|fatal|timeout" | detected_level!~"(?i)(err|error|fatal|crit|critical|panic|emerg|alert|warn|warning)" | level!~"(?i)(err|error|fatal|crit|critical|panic|emerg|alert|warn|warning)"',
      ]),
    );
    expect(pages[0]?.params.get('direction')).toBe('forward');
    expect(pages[0]?.params.get('start')).toBe(ns(T0));
  });

  it('pages through entries that share the timestamp at a page boundary', async () => {
    const small = await startFakeLoki([
      {
        labels: { service: 'q' },
        entries: [
          [ns(T0 + 1), 'a'],
          [ns(T0 + 2), 'b'],
          [ns(T0 + 2), 'c'],
          [ns(T0 + 3), 'd'],
        ],
      },
    ]);
    try {
      const events = await collect(new LokiSource({ url: small.url, fetch, limit: 2 }).logs({ from: T0, to: T0 + 10 }));
      expect(events.map((e) => e.text)).toEqual(['a', 'b', 'c', 'd']);
    } finally {
      await small.close();
    }
  });

  it('truncates a line over 64 KiB and caps the ordinary lines of one query, both named in problems, errors kept', async () => {
    const big = await startFakeLoki([
      {
        labels: { service: 'q' },
        entries: [
          [ns(T0 + 1), `2026-11-27 03:00:00.001 ERROR dump ${'x'.repeat(200_000)}`],
          [ns(T0 + 2), 'b'],
          [ns(T0 + 3), 'c'],
          [ns(T0 + 4), 'd'],
        ],
      },
    ]);
    try {
      const src = new LokiSource({ url: big.url, fetch, limit: 2, maxOtherEntries: 2 });
      const events = await collect(src.logs({ from: T0, to: T0 + 10 }));
      expect(events.map((e) => e.text.length)).toEqual([65_536, 1, 1]);
      expect(events[0]?.level).toBe('error');
      expect(src.problems()).toEqual([
        { origin: 'loki', problem: 'line longer than 64 KiB, truncated', count: 1 },
        { origin: 'loki', problem: 'more than 2 other lines in one query, the rest not read', count: 1 },
      ]);
      // A second read of the same window does not double the counts.
      await collect(src.logs({ from: T0, to: T0 + 10 }));
      expect(src.problems().map((p) => p.count)).toEqual([1, 1]);
    } finally {
      await big.close();
    }
  });

  it('maps entries to events with service, level and header-stripped body', async () => {
    const src = new LokiSource({ url: loki.url, fetch });
    const events = await collect(src.logs({ from: T0, to: T0 + 1000 }));
    const db = events.find((e) => e.service === 'db');
    expect(db).toMatchObject({ ts: T0 + 500, level: 'error', body: 'deadlock detected' });
    expect(events.find((e) => e.service === 'api')).toMatchObject({ ts: T0, level: 'error', body: 'request 0 done' });
    // level from the stream label when the line has none
    expect(events.find((e) => e.service === 'web')?.level).toBe('warn');
  });

  it('honours the time range (end inclusive at ms resolution)', async () => {
    const src = new LokiSource({ url: loki.url, fetch });
    const events = await collect(src.logs({ from: T0 + 2000, to: T0 + 4000, services: ['api'] }));
    expect(events.map((e) => e.ts)).toEqual([T0 + 2000, T0 + 3000, T0 + 4000]);
  });

  it('lists services and labels as capabilities', async () => {
    const caps = await new LokiSource({ url: loki.url, fetch }).capabilities();
    expect(caps).toEqual({ signals: ['logs'], services: ['api', 'db', 'web'], labels: ['env', 'level', 'service'] });
  });

  it("turns Loki's plain-text 400 into a typed error carrying its message", async () => {
    const src = new LokiSource({ url: loki.url, fetch, serviceLabel: 'bad label' });
    const err = await collect(src.logs({ from: T0, to: T0 + 1000 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LokiQueryError);
    expect((err as LokiQueryError).status).toBe(400);
    expect((err as LokiQueryError).userMessage).toMatch(/parse error/);
  });

  it('reports an unreachable Loki as a typed error', async () => {
    const src = new LokiSource({ url: 'http://127.0.0.1:1', fetch });
    await expect(collect(src.logs({ from: T0, to: T0 + 1 }))).rejects.toBeInstanceOf(LokiQueryError);
  });
});

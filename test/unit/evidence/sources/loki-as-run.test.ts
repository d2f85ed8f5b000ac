// Loki as teams run it: multi-tenant behind a gateway with basic auth, Loki 3's `service_name`
// label, error lines kept whatever the flood of ordinary ones, and a timeout on a Loki that hangs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LokiSource } from '../../../../src/evidence/sources/loki';
import { LokiQueryError } from '../../../../src/evidence/sources/errors';
import type { LogEvent } from '../../../../src/evidence/types';
import { startFakeLoki, type FakeStream } from '../../../support/loki-fake';

const T0 = Date.UTC(2026, 10, 27, 3, 0, 0);
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();

async function collect(it: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

/** Loki 3 labels: `service_name` (derived at ingestion) and `detected_level`. */
function checkout(): FakeStream[] {
  const info: Array<[string, string]> = Array.from({ length: 12 }, (_, i) => [
    ns(T0 + i * 1000),
    `GET /cart/${i} 200 12ms`,
  ]);
  return [
    { labels: { service_name: 'checkout', detected_level: 'info' }, entries: info },
    {
      labels: { service_name: 'checkout', detected_level: 'error' },
      entries: [[ns(T0 + 5500), 'upstream payments reset the connection']],
    },
    {
      labels: { service_name: 'checkout', detected_level: 'info' },
      entries: [[ns(T0 + 7500), 'payment TIMEOUT after 2000ms']],
    },
    { labels: { service_name: 'search', detected_level: 'info' }, entries: [[ns(T0 + 100), 'indexed 3 docs']] },
  ];
}

describe('Loki as it is run', () => {
  it('sends the tenant and basic auth, finds Loki 3 service_name, and reads what that tenant holds', async () => {
    const loki = await startFakeLoki([], {
      tenants: { 'team-a': checkout(), 'team-b': [] },
      basic: { username: '12345', password: 'glc_secret_9f' },
    });
    try {
      const src = new LokiSource({
        url: loki.url,
        fetch,
        tenant: 'team-a',
        basic: { username: '12345', password: 'glc_secret_9f' },
      });
      expect((await src.capabilities()).services).toEqual(['checkout', 'search']);
      const events = await collect(src.logs({ from: T0, to: T0 + 60_000, services: ['checkout'] }));
      expect(events).toHaveLength(14);
      expect(new Set(events.map((e) => e.service))).toEqual(new Set(['checkout']));
      expect(events.map((e) => e.ts)).toEqual([...events.map((e) => e.ts)].sort((a, b) => a - b));
      for (const r of loki.requests) expect(r.headers['x-scope-orgid']).toBe('team-a');
      const refused = new LokiSource({
        url: loki.url,
        fetch,
        tenant: 'team-a',
        basic: { username: '12345', password: 'wrong-pass-77' },
      });
      const err = await refused.capabilities().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'loki_error', status: 401 });
      expect(String(err) + JSON.stringify(err)).not.toContain('wrong-pass-77');
    } finally {
      await loki.close();
    }
  });

  it('keeps every error line when the ordinary lines overflow their cap, and says what was cut', async () => {
    const loki = await startFakeLoki(checkout());
    try {
      const src = new LokiSource({ url: loki.url, fetch, maxOtherEntries: 3, limit: 2 });
      const events = await collect(src.logs({ from: T0, to: T0 + 60_000, services: ['checkout'] }));
      const texts = events.map((e) => e.text);
      // By the line (TIMEOUT) and by the level label alone (the reset): both read first, in their own queries.
      expect(texts).toEqual(
        expect.arrayContaining(['payment TIMEOUT after 2000ms', 'upstream payments reset the connection']),
      );
      expect(texts.filter((t) => t.startsWith('GET '))).toHaveLength(3);
      expect(src.problems()).toContainEqual({
        origin: 'loki',
        problem: 'more than 3 other lines in one query, the rest not read',
        count: 1,
      });
    } finally {
      await loki.close();
    }
  });

  it('gives up on a Loki that does not answer within the timeout, with a typed error saying so', async () => {
    const hang = createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
      const err = await collect(new LokiSource({ url, fetch, timeoutMs: 300 }).logs({ from: T0, to: T0 + 1 })).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LokiQueryError);
      expect((err as LokiQueryError).userMessage).toContain('timed out after 300 ms');
    } finally {
      hang.closeAllConnections();
      await new Promise<void>((r) => hang.close(() => r()));
    }
  });
});

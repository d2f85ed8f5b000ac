import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openFilesSource } from '../../../../src/evidence/sources/files';
import type { LogEvent, ParseProblem } from '../../../../src/evidence/types';

const T0 = Date.UTC(2026, 10, 27, 3, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString();
const docker = (log: string, ms: number): string => JSON.stringify({ log, stream: 'stdout', time: iso(ms) });

async function read(files: Record<string, string>): Promise<{ events: LogEvent[]; problems: ParseProblem[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'scout-envelope-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), text);
    }
    const source = openFilesSource(dir);
    const events: LogEvent[] = [];
    for await (const e of source.logs({ from: T0 - 60_000, to: T0 + 60_000 })) events.push(e);
    return { events, problems: source.problems() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const eventsOf = async (files: Record<string, string>): Promise<LogEvent[]> => (await read(files)).events;

describe('container runtime envelopes in log files', () => {
  it("reads the application's own level and text inside Docker's json-file lines, dated by the runtime", async () => {
    // The application writes a time of day in another zone (11:00 for 03:00 UTC): the runtime's time wins.
    const log = [
      docker('11:00:01.000 INFO  c.e.OrderController#12 order created\n', T0 + 1000),
      docker('11:00:02.000 ERROR c.e.OrderController#40 payment call failed\n', T0 + 2000),
      docker('\tat com.example.Pay.call(Pay.java:7)\n', T0 + 2001),
      docker('11:00:03.000 INFO  c.e.OrderController#12 order created\n', T0 + 3000),
    ].join('\n');
    const events = await eventsOf({ 'logs/orders.log': log });
    expect(events.map((e) => [e.ts, e.level])).toEqual([
      [T0 + 1000, 'info'],
      [T0 + 2000, 'error'],
      [T0 + 3000, 'info'],
    ]);
    expect(events[1]?.body).toContain('payment call failed');
    expect(events[1]?.text).toContain('at com.example.Pay.call(Pay.java:7)');
  });

  it("parses an application's JSON inside the envelope as JSON, keeping its own time", async () => {
    const inner = (msg: string, severity: string, ms?: number): string =>
      JSON.stringify({ message: msg, severity, ...(ms === undefined ? {} : { timestamp: iso(ms) }) }) + '\n';
    const log = [
      docker(inner('cart loaded', 'info', T0 + 500), T0 + 900),
      docker(inner('redis timeout', 'error'), T0 + 1500),
    ].join('\n');
    const events = await eventsOf({ 'logs/cart.log': log });
    expect(events.map((e) => [e.ts, e.level, e.body])).toEqual([
      [T0 + 500, 'info', 'cart loaded'],
      [T0 + 1500, 'error', 'redis timeout'],
    ]);
  });

  it('reads CRI records, joining a partial record with the one that ends its line', async () => {
    const log = [
      `${iso(T0 + 1000)} stdout F 11:00:01.000 INFO  [main] c.e.Cart - cart loaded`,
      `${iso(T0 + 2000)} stderr P 11:00:02.000 ERROR [main] c.e.Cart - redis `,
      `${iso(T0 + 2000)} stderr F timeout after 3 retries`,
      `${iso(T0 + 3000)} stdout F 11:00:03.000 INFO  [main] c.e.Cart - cart saved`,
    ].join('\n');
    const events = await eventsOf({ 'logs/cart.log': log });
    expect(events.map((e) => [e.ts, e.level, e.body])).toEqual([
      [T0 + 1000, 'info', 'cart loaded'],
      [T0 + 2000, 'error', 'redis timeout after 3 retries'],
      [T0 + 3000, 'info', 'cart saved'],
    ]);
  });

  it('keeps a multi-line journald message one event, so a private key in it is not split into lines of its own', async () => {
    const journal = (message: string, ms: number): string =>
      JSON.stringify({ MESSAGE: message, PRIORITY: '3', __REALTIME_TIMESTAMP: String(ms * 1000) });
    const key = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEpAIBAAKCAQEAx0wHmK3yL1nE0ne', '-----END RSA PRIVATE KEY-----'];
    const log = [
      journal(['tls setup failed, key was:', ...key].join('\n'), T0 + 1000),
      journal('tls setup retried', T0 + 2000),
    ].join('\n');
    const events = await eventsOf({ 'logs/edge.log': log });
    expect(events.map((e) => [e.ts, e.level, e.text.split('\n').length])).toEqual([
      [T0 + 1000, 'error', 4],
      [T0 + 2000, 'error', 1],
    ]);
  });

  it('cuts a line of partial records that never ends at 64 KiB, says so, and reads the lines after it', async () => {
    const chunk = 'x'.repeat(16_384);
    const log = [
      ...Array.from({ length: 40 }, () => `${iso(T0 + 1000)} stderr P ${chunk}`),
      `${iso(T0 + 1000)} stderr F end`,
      `${iso(T0 + 2000)} stdout F ERROR payment failed`,
    ].join('\n');
    const { events, problems } = await read({ 'logs/pay.log': log });
    expect(events.map((e) => [e.ts, e.text.length])).toEqual([
      [T0 + 1000, 65_536],
      [T0 + 2000, 'ERROR payment failed'.length],
    ]);
    expect(problems).toContainEqual(
      expect.objectContaining({
        origin: 'logs/pay.log',
        problem: 'line longer than 64 KiB, truncated',
        count: 1,
        line: 1,
      }),
    );
  });

  it('reads Docker records whose newline was trimmed as one line each, not as one line split across them', async () => {
    const log = [
      docker('INFO order 1 created', T0 + 1000),
      docker('ERROR payment 2 failed', T0 + 2000),
      docker('INFO order 3 created', T0 + 3000),
    ].join('\n');
    const events = await eventsOf({ 'logs/orders.log': log });
    expect(events.map((e) => [e.ts, e.text])).toEqual([
      [T0 + 1000, 'INFO order 1 created'],
      [T0 + 2000, 'ERROR payment 2 failed'],
      [T0 + 3000, 'INFO order 3 created'],
    ]);
  });
});

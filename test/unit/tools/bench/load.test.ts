// The ack bench's load generator against a local HTTP server: every request is sent and timed, and
// answers with a Content-Length, chunked answers and answers that close the connection all complete;
// each connection answers one untimed GET before the clock starts.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLoad } from '../../../../tools/bench/load';

let server: http.Server;
let base: string;
const seen: string[] = [];
const primes: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST') {
        primes.push(`${req.method} ${req.url} after ${seen.length} timed requests`);
        res.writeHead(404).end();
        return;
      }
      seen.push(`${req.url} ${req.headers['content-type']} ${body}`);
      if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('part one,');
        res.end('part two');
      } else if (req.url === '/close') {
        res.writeHead(201, { connection: 'close' }).end('bye');
      } else if (req.url === '/empty') {
        res.writeHead(200).end();
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such path');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const request = (i: number) => ({ headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `n=${i}` });

describe('runLoad', () => {
  it.each(['/empty', '/chunked', '/close', '/missing'])(
    'sends every request to %s once and times each answer',
    async (path) => {
      seen.length = 0;
      const r = await runLoad({ url: `${base}${path}`, total: 40, concurrency: 8, make: request });
      expect(r.latenciesMs).toHaveLength(40);
      expect(r.latenciesMs.every((ms) => ms >= 0 && ms < 10_000)).toBe(true);
      const status = { '/empty': '200', '/chunked': '200', '/close': '201', '/missing': '404' }[path] as string;
      expect(r.statuses).toEqual({ [status]: 40 });
      expect(seen.sort()).toEqual(
        Array.from({ length: 40 }, (_, i) => `${path} application/x-www-form-urlencoded n=${i}`).sort(),
      );
    },
  );

  it('opens every connection with one untimed GET before the first timed request', async () => {
    seen.length = 0;
    primes.length = 0;
    const r = await runLoad({ url: `${base}/empty`, total: 40, concurrency: 8, make: request });
    expect(primes).toEqual(Array.from({ length: 8 }, () => 'GET /empty after 0 timed requests'));
    expect(r.latenciesMs).toHaveLength(40);
    expect(r.statuses).toEqual({ 200: 40 });
    expect(seen).toHaveLength(40);
  });

  it('answers 0 for requests whose connection fails', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const r = await runLoad({ url: `http://127.0.0.1:${port}/x`, total: 5, concurrency: 2, make: request });
    expect(r.statuses).toEqual({ 0: 5 });
  });
});

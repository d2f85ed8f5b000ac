// readingFetch against a local HTTP server: callers that read the body get the same status, headers
// and body as from fetch.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readingFetch } from '../../../src/slack/reading-fetch';

let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/empty') res.writeHead(204).end();
      else res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json', 'x-extra': 'yes' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('readingFetch', () => {
  it('returns the status, headers and body of the answer', async () => {
    const ok = await readingFetch(`${url}/answer`, { method: 'POST', body: '{}' });
    expect([ok.status, ok.headers.get('x-extra'), await ok.json()]).toEqual([200, 'yes', { ok: true }]);
    const missing = await readingFetch(`${url}/missing`);
    expect([missing.ok, missing.status]).toEqual([false, 404]);
    const empty = await readingFetch(`${url}/empty`);
    expect([empty.status, await empty.text()]).toEqual([204, '']);
  });
});

// slackFetch against a local HTTP server: what the WebClient and Bolt's respond() read of an answer
// (status, headers, body), the request as the server receives it, keep-alive, abort, redirects,
// network errors, and bodies only fetch can send.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSlackFetch, slackFetch } from '../../../src/slack/slack-fetch';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  port: number;
}

let server: http.Server;
let url: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/drop-reused' && (req.socket as { served?: boolean }).served) {
        seen.push({ method: req.method ?? '', url: 'dropped', headers: req.headers, body: '', port: req.socket.remotePort ?? 0 });
        req.socket.destroy();
        return;
      }
      (req.socket as { served?: boolean }).served = true;
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), port: req.socket.remotePort ?? 0 });
      if (req.url === '/empty') res.writeHead(204).end();
      else if (req.url === '/moved') res.writeHead(302, { location: '/answer' }).end();
      else if (req.url === '/never') return; // no answer: the caller must abort
      else if (req.url === '/utf8') res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('déjà vu ✓');
      else res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json', 'x-extra': 'yes', 'retry-after': '3' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  seen.length = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('slackFetch', () => {
  it('returns the status, headers and body of the answer', async () => {
    const ok = await slackFetch(`${url}/answer`, { method: 'POST', body: '{}' });
    expect([ok.ok, ok.status, ok.headers.get('x-extra'), ok.headers.get('Retry-After'), ok.url, await ok.json()]).toEqual([true, 200, 'yes', '3', `${url}/answer`, { ok: true }]);
    const missing = await slackFetch(new URL(`${url}/missing`));
    expect([missing.ok, missing.status, missing.statusText, await missing.text()]).toEqual([false, 404, 'Not Found', '{"ok":true}']);
    const empty = await slackFetch(`${url}/empty`);
    expect([empty.status, empty.body, await empty.text()]).toEqual([204, null, '']);
    const text = await slackFetch(`${url}/utf8`);
    expect(await text.text()).toBe('déjà vu ✓');
  });

  it('sends the method, headers and body as given, with their length', async () => {
    await slackFetch(`${url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer xoxb-test' },
      body: 'channel=C1&text=d%C3%A9j%C3%A0',
    });
    await slackFetch(`${url}/form`, { method: 'post', body: new URLSearchParams({ a: '1', b: 'two words' }) });
    await slackFetch(`${url}/bytes`, { method: 'POST', body: new Uint8Array([104, 105]) });
    const [form, params, bytes] = seen;
    expect(form).toMatchObject({ method: 'POST', url: '/api/chat.postMessage', body: 'channel=C1&text=d%C3%A9j%C3%A0' });
    expect(form?.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer xoxb-test', 'content-length': '30' });
    expect(params).toMatchObject({ method: 'POST', body: 'a=1&b=two+words' });
    expect(params?.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(bytes).toMatchObject({ body: 'hi' });
  });

  it('keeps the connection for the next request', async () => {
    for (let i = 0; i < 3; i++) await (await slackFetch(`${url}/answer`, { method: 'POST', body: '{}' })).text();
    expect(new Set(seen.map((s) => s.port)).size).toBe(1);
  });

  it('lets a body be read once, unless cloned first', async () => {
    const res = await slackFetch(`${url}/answer`);
    const copy = res.clone();
    expect(await res.text()).toBe('{"ok":true}');
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(TypeError);
    expect(new TextDecoder().decode(await copy.arrayBuffer())).toBe('{"ok":true}');
  });

  it('rejects when aborted, before or during the request', async () => {
    await expect(slackFetch(`${url}/answer`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toHaveLength(0);
    const controller = new AbortController();
    const pending = slackFetch(`${url}/never`, { method: 'POST', body: '{}', signal: controller.signal });
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(slackFetch(`${url}/never`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('gives up on an answer that does not come within its time limit', async () => {
    const patient = createSlackFetch({ timeoutMs: 100 });
    const t0 = performance.now();
    const err: unknown = await patient(`${url}/never`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(((err as TypeError).cause as Error).message).toBe('no answer within 100 ms');
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(await (await patient(`${url}/answer`)).json()).toEqual({ ok: true });
  });

  it('sends a request again on a new connection when a kept one was closed under it', async () => {
    server.closeIdleConnections(); // start from a new connection
    await new Promise((r) => setTimeout(r, 50));
    const first = await slackFetch(`${url}/drop-reused`, { method: 'POST', body: 'one' });
    await first.text();
    const second = await slackFetch(`${url}/drop-reused`, { method: 'POST', body: 'two' });
    expect([second.status, await second.json()]).toEqual([200, { ok: true }]);
    expect(seen.map((s) => [s.url, s.body])).toEqual([['/drop-reused', 'one'], ['dropped', ''], ['/drop-reused', 'two']]);
    expect(seen[2]?.port).not.toBe(seen[0]?.port);
  });

  it('refuses a body on GET and HEAD, as fetch does', async () => {
    await expect(slackFetch(`${url}/answer`, { method: 'get', body: 'x' })).rejects.toThrow(TypeError);
    expect(seen).toHaveLength(0);
  });

  it('does not follow redirects, and rejects one when asked to (as the WebClient asks)', async () => {
    const moved = await slackFetch(`${url}/moved`);
    expect([moved.status, moved.headers.get('location')]).toEqual([302, '/answer']);
    await expect(slackFetch(`${url}/moved`, { method: 'POST', body: '', redirect: 'error' })).rejects.toThrow('fetch failed');
  });

  it('rejects as fetch does when the server cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err: unknown = await slackFetch(`http://127.0.0.1:${port}/api/auth.test`, { method: 'POST', body: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as TypeError).message).toBe('fetch failed');
    expect(((err as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('sends FormData (file uploads) through fetch, read whole the same way', async () => {
    const form = new FormData();
    form.append('file', new Blob(['line 1\n']), 'notes.txt');
    const res = await slackFetch(`${url}/upload`, { method: 'POST', body: form });
    expect([res.status, await res.json()]).toEqual([200, { ok: true }]);
    expect(seen[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen[0]?.body).toContain('filename="notes.txt"');
  });
});

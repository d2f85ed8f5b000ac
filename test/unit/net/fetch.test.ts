// Outbound HTTP honours the configured proxy: a Slack Web API call made by the WebClient we build goes
// through a local forward proxy when HTTP_PROXY is set, and straight to Slack when NO_PROXY covers it.
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createSlackClient } from '../../../src/app';
import { loadConfig, type Config } from '../../../src/config';
import { createFetch } from '../../../src/net/fetch';
import { silentLogger } from '../../../src/logging';

let slack: http.Server;
let proxy: http.Server;
let slackUrl: string;
let proxyUrl: string;
const seenBySlack: string[] = [];
const seenByProxy: string[] = [];

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  slack = http.createServer((req, res) => {
    seenBySlack.push(req.url ?? '');
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, user_id: 'UBOT' }));
  });
  slackUrl = `http://127.0.0.1:${await listen(slack)}/api/`;
  // A minimal forward proxy: absolute-URI requests are relayed, CONNECT is tunnelled.
  proxy = http.createServer((req, res) => {
    seenByProxy.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '/');
    const out = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(out);
  });
  proxy.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    seenByProxy.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const up = net.connect(Number(port), host ?? '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
});

afterAll(async () => {
  for (const s of [slack, proxy]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

function config(env: Record<string, string>): Config {
  return loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slackUrl, ...env });
}

describe('outbound proxy', () => {
  beforeEach(() => {
    seenBySlack.length = 0;
    seenByProxy.length = 0;
  });

  it('sends Slack Web API calls through HTTP_PROXY when one is set', async () => {
    const client = createSlackClient(config({ HTTP_PROXY: proxyUrl }), silentLogger());
    const res = await client.auth.test();
    expect(res.ok).toBe(true);
    expect(seenBySlack).toEqual(['/api/auth.test']);
    expect(seenByProxy).toHaveLength(1);
    expect(seenByProxy[0]).toContain(new URL(slackUrl).host);
  });

  it('goes straight to Slack when NO_PROXY names its host, and when no proxy is set', async () => {
    await createSlackClient(config({ HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' }), silentLogger()).auth.test();
    await createSlackClient(config({}), silentLogger()).auth.test();
    expect(seenBySlack).toEqual(['/api/auth.test', '/api/auth.test']);
    expect(seenByProxy).toEqual([]);
  });

  it('reads the lowercase forms too, the uppercase winning', () => {
    expect(config({ https_proxy: 'http://p:3128', no_proxy: 'internal' }).proxy).toEqual({
      https: 'http://p:3128',
      noProxy: 'internal',
    });
    expect(config({ HTTP_PROXY: 'http://a:1', http_proxy: 'http://b:2' }).proxy).toEqual({ http: 'http://a:1' });
  });
});

describe('fetchVia', () => {
  it("sends a FormData body as multipart, as Node's own fetch does (file uploads)", async () => {
    const seen: Array<{ type: string; body: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ type: String(req.headers['content-type']), body });
        res.writeHead(200).end('ok');
      });
    });
    const port = await listen(server);
    try {
      const form = new FormData();
      form.append('file', new Blob(['line one\nline two']), 'audit.jsonl');
      const res = await createFetch({})(`http://127.0.0.1:${port}/upload`, { method: 'POST', body: form });
      expect(res.status).toBe(200);
      expect(seen[0]?.type).toMatch(/^multipart\/form-data; boundary=/);
      expect(seen[0]?.body).toContain('filename="audit.jsonl"');
      expect(seen[0]?.body).toContain('line one\nline two');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

// The Slack fake's Socket Mode is as strict as Slack: only the app-level token opens a connection and
// it opens nothing else, a URL is good for one connection, and a client frame that breaks RFC 6455
// (unmasked) closes the connection with 1002.
import { connect, type Socket } from 'node:net';
import { startSlackFake, type RunningSlackFake } from '../../../../src/demo/slack-fake';

let slack: RunningSlackFake;

beforeAll(async () => {
  slack = await startSlackFake();
});

afterAll(async () => {
  await slack.close();
});

async function api(method: string, token: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${slack.url}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  return (await res.json()) as Record<string, unknown>;
}

/** Opens a raw TCP connection, sends the upgrade for `url`, and collects what comes back. */
async function upgrade(url: string): Promise<{ socket: Socket; received: () => Buffer }> {
  const u = new URL(url);
  const socket = connect(Number(u.port), u.hostname);
  let buf = Buffer.alloc(0);
  socket.on('data', (c: Buffer) => (buf = Buffer.concat([buf, c])));
  await new Promise((r) => socket.once('connect', r));
  socket.write(
    `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  return { socket, received: () => buf };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Socket Mode in the Slack fake', () => {
  it('opens connections for the app-level token only, and refuses it for other methods', async () => {
    expect(await api('apps.connections.open', slack.fake.botToken)).toEqual({
      ok: false,
      error: 'not_allowed_token_type',
    });
    expect(await api('chat.postMessage', slack.fake.appToken)).toEqual({ ok: false, error: 'not_allowed_token_type' });
    const opened = await api('apps.connections.open', slack.fake.appToken);
    expect(opened).toEqual({
      ok: true,
      url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/socket-mode\/[a-f0-9]+$/),
    });
  });

  it('accepts each URL once, greets with hello, and closes with 1002 on an unmasked frame', async () => {
    const { url } = (await api('apps.connections.open', slack.fake.appToken)) as { url: string };
    const ws = await upgrade(url);
    await until(() => ws.received().includes('"type":"hello"'), 'hello');
    expect(ws.received().toString('latin1')).toMatch(
      /^HTTP\/1\.1 101 Switching Protocols\r\n[\s\S]*Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/,
    );
    const again = await upgrade(url);
    await until(() => again.received().length > 0, 'the answer to a reused URL');
    expect(again.received().toString('latin1')).toMatch(/^HTTP\/1\.1 400 /);
    again.socket.destroy();

    const before = ws.received().length;
    ws.socket.write(Buffer.from([0x81, 0x02, 0x68, 0x69])); // text "hi", not masked
    await until(() => ws.received().length > before, 'the close frame');
    const close = ws.received().subarray(before);
    expect(close[0]).toBe(0x88);
    expect(close.readUInt16BE(2)).toBe(1002);
    ws.socket.destroy();
  });

  it('reads a frame that arrives in the same packet as the upgrade request', async () => {
    const { url } = (await api('apps.connections.open', slack.fake.appToken)) as { url: string };
    const u = new URL(url);
    const socket = connect(Number(u.port), u.hostname);
    let buf = Buffer.alloc(0);
    socket.on('data', (c: Buffer) => (buf = Buffer.concat([buf, c])));
    await new Promise((r) => socket.once('connect', r));
    const mask = [1, 2, 3, 4];
    const ping = Buffer.from([0x89, 0x80 | 2, ...mask, ...[0x6f, 0x6b].map((b, i) => b ^ (mask[i] as number))]); // ping "ok", masked
    socket.write(
      Buffer.concat([
        Buffer.from(
          `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        ),
        ping,
      ]),
    );
    await until(() => buf.includes(Buffer.from([0x8a, 0x02, 0x6f, 0x6b])), 'the pong');
    socket.destroy();
  });

  it('rejects an envelope the app does not ack in time', async () => {
    const { url } = (await api('apps.connections.open', slack.fake.appToken)) as { url: string };
    const ws = await upgrade(url);
    await slack.fake.socketMode.waitConnected();
    await expect(
      slack.fake.socketMode.send('slash_commands', { command: '/triage' }, { timeoutMs: 100 }),
    ).rejects.toThrow(/did not ack envelope/);
    ws.socket.destroy();
  });
});

// Slack's Socket Mode, faked: `apps.connections.open` (app-level token only) hands out a ws:// URL on
// the fake's own port, the app's SocketModeClient connects, gets `hello`, and then receives envelopes
// (`events_api`, `slash_commands`, `interactive`) that it must acknowledge with their `envelope_id`
// over the socket, as Slack requires within 3 seconds. A minimal RFC 6455 server: text frames, ping →
// pong, close; client frames must be masked and unfragmented (what undici's WebSocket sends), and a
// frame that is not is answered with close code 1002, as a strict server would.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const PATH = '/socket-mode/';

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

export interface SocketAck {
  /** The `payload` the app sent with its ack (a command's or click's immediate answer), if any. */
  payload: unknown;
  /** From sending the envelope to receiving its ack. */
  ms: number;
}

interface Connection {
  socket: Duplex;
  buffered: Buffer;
}

/** The Socket Mode side of one fake workspace. */
export class SocketModeServer {
  /** Ticket → issued by apps.connections.open, usable once. */
  private readonly tickets = new Set<string>();
  private readonly connections = new Set<Connection>();
  private readonly pending = new Map<string, { resolve: (ack: SocketAck) => void; sentAt: number }>();
  private readonly waiters: (() => void)[] = [];
  /** Every frame the app sent that was not an ack of a pending envelope (for assertions). */
  readonly strayMessages: unknown[] = [];

  /** A fresh URL for apps.connections.open; `origin` is the fake's http origin. */
  issueUrl(origin: string): string {
    const ticket = randomBytes(8).toString('hex');
    this.tickets.add(ticket);
    return `${origin.replace(/^http/, 'ws')}${PATH}${ticket}`;
  }

  /** How many apps are connected and have been sent `hello`. */
  get connected(): number {
    return this.connections.size;
  }

  /** Resolves once at least one app is connected. */
  async waitConnected(timeoutMs = 10_000): Promise<void> {
    if (this.connections.size > 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Socket Mode connection within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Sends one envelope to a connected app and resolves with its ack; rejects when none comes within
   * `timeoutMs` (Slack would then retry, or tell the user the app did not respond).
   */
  async send(
    type: EnvelopeType,
    payload: unknown,
    o: { retryAttempt?: number; retryReason?: string; timeoutMs?: number } = {},
  ): Promise<SocketAck> {
    // The newest connection: after a `disconnect` the old one may linger until the app closes it.
    const conn = [...this.connections].at(-1);
    if (!conn) throw new Error('no app is connected over Socket Mode');
    const envelopeId = randomBytes(16).toString('hex');
    const envelope = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      ...(type === 'events_api' ? { retry_attempt: o.retryAttempt ?? 0, retry_reason: o.retryReason ?? '' } : {}),
    };
    const timeoutMs = o.timeoutMs ?? 10_000;
    const acked = new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`the app did not ack envelope ${envelopeId} (${type}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelopeId, {
        sentAt: performance.now(),
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
      });
    });
    writeFrame(conn.socket, 0x1, Buffer.from(JSON.stringify(envelope), 'utf8'));
    return acked;
  }

  /** The http server's `upgrade` handler. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer = Buffer.alloc(0)): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.pathname.startsWith(PATH) ? url.pathname.slice(PATH.length) : '';
    const key = req.headers['sec-websocket-key'];
    if (!this.tickets.delete(ticket) || typeof key !== 'string' || req.headers.upgrade?.toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const conn: Connection = { socket, buffered: Buffer.alloc(0) };
    this.connections.add(conn);
    socket.on('data', (chunk: Buffer) => this.receive(conn, chunk));
    const drop = (): void => void this.connections.delete(conn);
    socket.on('close', drop);
    socket.on('error', drop);
    writeFrame(
      socket,
      0x1,
      Buffer.from(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake', approximate_connection_time: 18060 },
          connection_info: { app_id: 'A0FAKEAPP1' },
        }),
      ),
    );
    for (const w of this.waiters.splice(0)) w();
    // Bytes that came in the same packet as the upgrade request are the first frame's.
    if (head.length > 0) this.receive(conn, head);
  }

  /** Tells the app to reconnect, as Slack does before it recycles a connection. */
  sendDisconnect(reason = 'refresh_requested'): void {
    for (const c of this.connections)
      writeFrame(
        c.socket,
        0x1,
        Buffer.from(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake' } })),
      );
  }

  /** Closes every connection. */
  close(): void {
    for (const c of this.connections) c.socket.destroy();
    this.connections.clear();
  }

  private receive(conn: Connection, chunk: Buffer): void {
    conn.buffered = conn.buffered.length === 0 ? chunk : Buffer.concat([conn.buffered, chunk]);
    for (;;) {
      const frame = readFrame(conn.buffered);
      if (frame === null) return;
      if ('error' in frame) {
        writeFrame(conn.socket, 0x8, closePayload(1002, frame.error));
        conn.socket.end();
        return;
      }
      conn.buffered = conn.buffered.subarray(frame.length);
      if (frame.opcode === 0x9) writeFrame(conn.socket, 0xa, frame.payload);
      else if (frame.opcode === 0x8) {
        writeFrame(conn.socket, 0x8, frame.payload.subarray(0, 2));
        conn.socket.end();
        return;
      } else if (frame.opcode === 0x1) this.onText(frame.payload.toString('utf8'));
    }
  }

  private onText(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.strayMessages.push(text);
      return;
    }
    const id = typeof msg === 'object' && msg !== null ? (msg as { envelope_id?: unknown }).envelope_id : undefined;
    const waiting = typeof id === 'string' ? this.pending.get(id) : undefined;
    if (!waiting || typeof id !== 'string') {
      this.strayMessages.push(msg);
      return;
    }
    this.pending.delete(id);
    waiting.resolve({ payload: (msg as { payload?: unknown }).payload, ms: performance.now() - waiting.sentAt });
  }
}

type Frame = { opcode: number; payload: Buffer; length: number } | { error: string };

/** One complete client frame from the start of `buf`, null when more bytes are needed. */
function readFrame(buf: Buffer): Frame | null {
  if (buf.length < 2) return null;
  const b0 = buf[0] as number;
  const b1 = buf[1] as number;
  if ((b0 & 0x80) === 0 || (b0 & 0x0f) === 0) return { error: 'fragmented frames are not supported' };
  if ((b1 & 0x80) === 0) return { error: 'client frames must be masked' };
  let len = b1 & 0x7f;
  let at = 2;
  if (len === 126) {
    if (buf.length < 4) return null;
    len = buf.readUInt16BE(2);
    at = 4;
  } else if (len === 127) {
    if (buf.length < 10) return null;
    const big = buf.readBigUInt64BE(2);
    if (big > 16n * 1024n * 1024n) return { error: 'frame too large' };
    len = Number(big);
    at = 10;
  }
  if (buf.length < at + 4 + len) return null;
  const mask = buf.subarray(at, at + 4);
  const payload = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) payload[i] = (buf[at + 4 + i] as number) ^ (mask[i & 3] as number);
  return { opcode: b0 & 0x0f, payload, length: at + 4 + len };
}

/** Writes one unmasked, final server frame. */
function writeFrame(socket: Duplex, opcode: number, payload: Buffer): void {
  if (socket.destroyed || !socket.writable) return;
  let head: Buffer;
  if (payload.length < 126) head = Buffer.from([0x80 | opcode, payload.length]);
  else if (payload.length < 65536) {
    head = Buffer.alloc(4);
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(payload.length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  socket.write(Buffer.concat([head, payload]));
}

function closePayload(code: number, reason: string): Buffer {
  const b = Buffer.alloc(2 + Buffer.byteLength(reason));
  b.writeUInt16BE(code, 0);
  b.write(reason, 2);
  return b;
}

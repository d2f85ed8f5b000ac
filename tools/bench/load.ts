// A bounded closed-loop load generator: `total` requests, at most `concurrency` in flight. The ack
// bench runs it in a process of its own (startLoadGenerator), so the clock that times each ack shares
// its event loop with nothing else: not with the Slack fake, which serves the app's Web API calls and
// response_url posts in the parent, nor with the parent's garbage collection.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import { z } from 'zod';

export interface LoadRequest {
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  latenciesMs: number[];
  statuses: Record<string, number>;
  wallMs: number;
}

/**
 * Sends `total` POSTs to `url`, `concurrency` at a time, each connection sending its next request when
 * the previous answer is complete (HTTP/1.1 keep-alive, no pipelining), on connections opened and
 * answered once before the clock starts (see `prime`). Requests are serialised to
 * bytes before the clock starts and answers are read with a minimal parser (status line, then
 * Content-Length or chunked), so the generator spends a few microseconds per request: on a 2-core
 * machine Node's http client would take a core's worth of CPU at these rates and its own queueing
 * would be part of every latency.
 */
export async function runLoad(opts: {
  url: string;
  total: number;
  concurrency: number;
  make: (i: number) => LoadRequest;
}): Promise<LoadResult> {
  const target = new URL(opts.url);
  const port = Number(target.port || 80);
  const wire = Array.from({ length: opts.total }, (_, i) => serialise(target, opts.make(i)));
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  // Every connection is open, accepted and answered once before the clock starts, so what is timed is
  // the app's answer to a request on an established connection, as with a client that keeps its
  // connections (see `prime`).
  const primed = await Promise.all(
    Array.from({ length: Math.min(opts.concurrency, opts.total) }, () => prime(target, port)),
  );
  const started = performance.now();
  const connection = async (first: Connection | undefined): Promise<void> => {
    let conn = first;
    while (next < opts.total) {
      const i = next++;
      conn ??= await Connection.open(target.hostname, port);
      const t0 = performance.now();
      const status = await conn.exchange(wire[i] as Buffer);
      latenciesMs.push(performance.now() - t0);
      statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
      if (status === 0 || conn.closed) {
        conn.destroy();
        conn = undefined;
      }
    }
    conn?.destroy();
  };
  await Promise.all(primed.map(connection));
  return { latenciesMs, statuses, wallMs: performance.now() - started };
}

/**
 * Opens a connection and sends it one untimed `GET` of the URL's path (both the app and bare Bolt answer
 * 404 without running any middleware); undefined when the connection failed or was closed after that
 * answer (the timed loop then opens a new one). Why: a Node server accepts new connections between the
 * requests of those it already serves, and in some runs it took them about one per event-loop turn,
 * 5 ms apart; the first request on the fiftieth connection then waited up to 400 ms for the accept,
 * with the server answering each request within 10 ms. Fifty first requests are 2.5% of a 2,000-request
 * run, so that wait alone decided a run's p99, for either app, in whichever runs it happened.
 */
async function prime(url: URL, port: number): Promise<Connection | undefined> {
  const conn = await Connection.open(url.hostname, port);
  const status = await conn.exchange(
    Buffer.from(
      `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n\r\n`,
      'latin1',
    ),
  );
  if (status !== 0 && !conn.closed) return conn;
  conn.destroy();
  return undefined;
}

function serialise(url: URL, req: LoadRequest): Buffer {
  const body = Buffer.from(req.body, 'utf8');
  const headers = Object.entries(req.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n${headers}Content-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** One keep-alive connection; `exchange` writes a request and resolves with the status once the answer is complete (0: the connection failed). */
class Connection {
  closed = false;
  private buf: Buffer = Buffer.alloc(0);
  private waiter: ((status: number) => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.parse();
    });
    const fail = (): void => {
      this.closed = true;
      this.finish(0);
    };
    socket.on('error', fail);
    socket.on('close', fail);
  }

  /** Resolves once connected, or failed (then `closed` is set and exchanges answer 0). */
  static open(host: string, port: number): Promise<Connection> {
    return new Promise((resolve) => {
      const conn = new Connection(net.connect({ host, port }));
      conn.socket.once('connect', () => resolve(conn));
      conn.socket.once('error', () => resolve(conn));
    });
  }

  exchange(request: Buffer): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.socket.write(request);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private finish(status: number): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.(status);
  }

  private parse(): void {
    const headerEnd = this.buf.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const head = this.buf.toString('latin1', 0, headerEnd);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let end: number;
    if (length) {
      end = headerEnd + 4 + Number(length[1]);
      if (this.buf.length < end) return;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const last = this.buf.indexOf('\r\n0\r\n\r\n', headerEnd);
      const empty = this.buf.indexOf('0\r\n\r\n', headerEnd + 4) === headerEnd + 4;
      if (!empty && last < 0) return;
      end = empty ? headerEnd + 9 : last + 7;
    } else {
      end = headerEnd + 4;
    }
    if (/\r\nconnection:\s*close/i.test(head)) this.closed = true;
    this.buf = this.buf.subarray(end);
    this.finish(status);
  }
}

/** The q-th percentile (0..100) by nearest rank. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** A load generator in its own process; `run` sends it the prepared requests and waits for the latencies. */
export interface LoadGenerator {
  run(opts: { url: string; concurrency: number; requests: LoadRequest[] }): Promise<LoadResult>;
  stop(): Promise<void>;
}

const runMessage = z.object({
  type: z.literal('run'),
  url: z.string(),
  concurrency: z.number().int().min(1),
  requests: z.array(z.object({ headers: z.record(z.string(), z.string()), body: z.string() })),
});
const doneMessage = z.object({
  type: z.literal('done'),
  latenciesMs: z.array(z.number()),
  statuses: z.record(z.string(), z.number()),
  wallMs: z.number(),
});

/** Forks this file as a load generator (the compiled bench only: dist-tools/tools/bench/load.js). */
export async function startLoadGenerator(): Promise<LoadGenerator> {
  if (!__filename.endsWith('.js'))
    throw new Error('run the compiled bench (npm run bench): the load generator is dist-tools/tools/bench/load.js');
  const child = fork(__filename, ['--load-generator'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  return {
    async run({ url, concurrency, requests }) {
      const answer = new Promise<LoadResult>((resolve, reject) => {
        const onMessage = (m: unknown): void => {
          child.off('exit', onExit);
          const parsed = doneMessage.safeParse(m);
          if (parsed.success)
            resolve({
              latenciesMs: parsed.data.latenciesMs,
              statuses: parsed.data.statuses,
              wallMs: parsed.data.wallMs,
            });
          else reject(new Error(`unexpected message from the load generator: ${JSON.stringify(m).slice(0, 200)}`));
        };
        const onExit = (code: number | null): void => {
          child.off('message', onMessage);
          reject(new Error(`the load generator exited (${code}) during a run`));
        };
        child.once('message', onMessage);
        child.once('exit', onExit);
      });
      child.send({ type: 'run', url, concurrency, requests });
      return answer;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.disconnect();
      await exited;
    },
  };
}

if (require.main === module && process.argv[2] === '--load-generator') {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: unknown) => {
    const { url, concurrency, requests } = runMessage.parse(m);
    void runLoad({ url, total: requests.length, concurrency, make: (i) => requests[i] as LoadRequest }).then((r) => {
      process.send?.({ type: 'done', ...r });
    });
  });
}

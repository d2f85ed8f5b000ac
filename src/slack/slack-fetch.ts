// The fetch Bolt and its WebClient use (clientOptions.fetch): Slack's Web API calls and the response_url
// answers of respond(), over node:http(s) with keep-alive agents, each answer read whole into a small
// Response-like object. Why not the global fetch: in Node 20 every fetch builds several web streams (the
// request body, the response body and its tee), and each stream is backed by a native object with a weak
// handle. The work after an ack held them across young-generation collections, so they were promoted,
// and the next mark-compact had to visit every one of them in its pause: with fetch, our app allocated
// about 230 KB per `/triage status` (48 KB of it in fetch) and a mark-compact during a burst of acks
// paused 15-25 ms, 8 ms of it on those weak handles (npm run bench, `--trace-gc-nvp`; BENCHMARKS.md).
// Slack's answers are small JSON documents, so holding one whole costs nothing. Bodies other than text
// and bytes (FormData, streams, file uploads) go to the global fetch, read whole the same way.
//
// What differs from fetch, on purpose: redirects are not followed (Slack's Web API and response_urls
// do not redirect; `redirect: 'error'`, which the WebClient asks for, rejects on one as fetch does); no
// Accept-Encoding is sent, so answers come uncompressed; a request has 30 s in all (see
// REQUEST_TIMEOUT_MS); and a request whose kept connection the server closed under it is sent once more.
import * as http from 'node:http';
import * as https from 'node:https';

/** Idle keep-alive connections are closed after this long (undici's default is 4 s as well). */
const IDLE_TIMEOUT_MS = 4_000;

const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_TIMEOUT_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_TIMEOUT_MS }),
};

const NULL_BODY = new Set([101, 204, 205, 304]);

/** An answer read whole: what the WebClient and respond() read of a Response (status, headers, body). */
class ReadResponse {
  readonly type = 'basic';
  readonly redirected = false;
  private used = false;

  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    readonly url: string,
    private readonly bytes: Buffer,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  /** A stream of the body, for callers that want one (built only when asked for). */
  get body(): ReadableStream<Uint8Array> | null {
    return NULL_BODY.has(this.status) ? null : new Response(this.bytes).body;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.consume();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return this.consume().toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async blob(): Promise<Blob> {
    return new Blob([this.consume()], { type: this.headers.get('content-type') ?? '' });
  }

  clone(): ReadResponse {
    if (this.used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new ReadResponse(this.status, this.statusText, this.headers, this.url, this.bytes);
  }

  private consume(): Buffer {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return this.bytes;
  }
}

/** The request body as bytes, or undefined when it is of a kind only fetch sends (FormData, Blob, stream). */
function bodyBytes(body: RequestInit['body']): Buffer | null | undefined {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8');
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  return undefined;
}

/** Methods fetch writes in upper case whatever case they are given in (others are sent as given). */
const NORMALISED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/**
 * The longest one request may take, connection included, when its caller sets no shorter limit (an
 * AbortSignal). Slack answers in well under a second; fetch's own limits (10 s to connect, 300 s for
 * headers) would hold a WebClient slot or a follow-up for minutes. The WebClient retries a request
 * that failed this way with its retry policy.
 */
const REQUEST_TIMEOUT_MS = 30_000;

/** fetch for Slack: see the top of this file. Resolves with the answer read whole. */
export const slackFetch = createSlackFetch();

/** slackFetch with another time limit per request (tests). */
export function createSlackFetch(opts: { timeoutMs?: number } = {}): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  const timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  return (input, init = {}) => fetchWhole(input, init, timeoutMs);
}

async function fetchWhole(input: string | URL | Request, init: RequestInit, timeoutMs: number): Promise<Response> {
  const bytes = bodyBytes(init.body);
  const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : undefined;
  if (bytes === undefined || url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) return readWhole(input, init);
  const given = init.method ?? 'GET';
  const method = NORMALISED_METHODS.has(given.toUpperCase()) ? given.toUpperCase() : given;
  if (bytes !== null && (method === 'GET' || method === 'HEAD')) throw new TypeError('Request with GET/HEAD method cannot have body.');
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  if (bytes !== null) {
    headers['content-length'] = String(bytes.length);
    if (typeof init.body === 'string' && headers['content-type'] === undefined) headers['content-type'] = 'text/plain;charset=UTF-8';
    if (init.body instanceof URLSearchParams && headers['content-type'] === undefined) headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
  }
  const request = { url, method, headers, body: bytes, signal: init.signal ?? undefined, timeoutMs };
  let answer: ReadResponse;
  try {
    answer = await send(request);
  } catch (err) {
    // A kept connection the server closed as we reused it: the request never reached it, so it is sent
    // once more on a new connection (what Node's documentation advises for keep-alive clients).
    if (!(err instanceof StaleConnection)) throw err;
    answer = await send(request);
  }
  if (answer.status >= 300 && answer.status < 400 && answer.headers.has('location') && init.redirect === 'error') {
    throw new TypeError('fetch failed', { cause: new Error(`unexpected redirect to ${answer.headers.get('location')}`) });
  }
  return answer as unknown as Response;
}

interface Outgoing {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
  signal: AbortSignal | undefined;
  timeoutMs: number;
}

/** The server reset a reused keep-alive connection before any answer came: safe to send again. */
class StaleConnection extends TypeError {}

function send({ url, method, headers, body, signal, timeoutMs }: Outgoing): Promise<ReadResponse> {
  signal?.throwIfAborted();
  return new Promise<ReadResponse>((resolve, reject) => {
    let answered = false;
    const req = (url.protocol === 'https:' ? https : http).request(url, { method, headers, agent: agents[url.protocol as 'http:' | 'https:'] }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const h = new Headers();
          const raw = res.rawHeaders;
          for (let i = 0; i + 1 < raw.length; i += 2) h.append(raw[i] as string, raw[i + 1] as string);
          resolve(new ReadResponse(res.statusCode ?? 0, res.statusMessage ?? '', h, url.href, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
        } catch (err) {
          reject(new TypeError('fetch failed', { cause: err }));
        }
      });
      res.on('error', (err) => reject(new TypeError('fetch failed', { cause: err })));
    });
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    deadline.unref();
    const onAbort = (): void => {
      req.destroy();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const stale = req.reusedSocket && !answered && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      reject(stale ? new StaleConnection('fetch failed', { cause: err }) : new TypeError('fetch failed', { cause: err }));
    });
    req.end(body ?? undefined);
  });
}

/** The global fetch, with the body read whole before returning (as the fast path does). */
async function readWhole(input: string | URL | Request, init: RequestInit): Promise<Response> {
  const res = await fetch(input, init);
  const body = NULL_BODY.has(res.status) ? null : await res.arrayBuffer();
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

// Global middleware, first in the chain: every command and click is acked before any other work
// (no store round trip, no Slack call comes before the ack), and the rest of the request runs later
// as a second pass through Bolt, when the follow-up queue gives it a turn. Slack wants the ack within
// 3 s and retries or shows an error otherwise; the answer may come later through response_url
// (valid 30 minutes). Without this, at 50 concurrent requests the work after each ack (store reads,
// Slack calls, the response_url POST) ran on the same event loop between acks and delayed every
// later ack: the ack p99 grew 2-6x against a bare Bolt app (see BENCHMARKS.md). Events are acked by
// Bolt itself before any middleware, so for them only the queueing applies.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, type AnyMiddlewareArgs, type Middleware, type ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../logging';
import { requestKind } from './dedupe';

export interface FollowUpOptions {
  /**
   * A burst: more requests than this waiting for their answer, or arrived within the last
   * 50-100 ms. Follow-ups wait until it is over (but at most maxDelayMs).
   */
  burstAbove?: number;
  /** The longest a follow-up waits for a burst to be acked; then it runs even while requests keep coming. */
  maxDelayMs?: number;
  /** How many follow-ups run at once; the rest wait. */
  maxRunning?: number;
  /**
   * A follow-up running longer than this stops counting against maxRunning: one that waits on Slack or
   * the store while the loop is busy with investigations (a kickoff), or runs an approved action, must
   * not hold back the rest for long.
   */
  slowAfterMs?: number;
  /** A queue this long starts its oldest at once: under sustained overload the backlog stays bounded. */
  maxWaiting?: number;
}

/** Width of one arrival bucket; a burst is judged over the current and the previous one. */
const ARRIVAL_WINDOW_MS = 50;

interface Waiting {
  start: () => void;
  at: number;
}

/**
 * Decides when the work after an ack may run. Acks come first: during a burst (more than `burstAbove`
 * requests waiting for their answer, as the HTTP receiver reports them through trackPendingAcks, or
 * arrived in the last 50-100 ms) a follow-up starts only once it has waited `maxDelayMs`. Counting
 * arrivals too keeps the first requests of a burst, which find few others waiting, from starting
 * work that then competes with the rest of the burst's acks. A request or two is no burst: a loop
 * busy with investigations answers a trickle of commands slowly, and holding the work of a
 * channel_created behind them delayed every kickoff of the 20-incident storm by a second. At most
 * `maxRunning` run at once (32: the storm's 20 kickoffs start together), so a burst of 2,000 clicks
 * does not become 2,000 concurrent Slack calls and response_url posts, which Slack would throttle.
 * In Socket Mode no acks are tracked and only the concurrency limit applies.
 */
export class FollowUpQueue {
  private readonly waiting: Waiting[] = [];
  private pendingAcks = 0;
  /** Arrivals in the current and the previous ARRIVAL_WINDOW_MS bucket. */
  private bucket = 0;
  private bucketCount = 0;
  private previousCount = 0;
  private running = 0;
  private immediate: NodeJS.Immediate | undefined;
  private timeout: NodeJS.Timeout | undefined;
  private readonly burstAbove: number;
  private readonly maxDelayMs: number;
  private readonly maxRunning: number;
  private readonly slowAfterMs: number;
  private readonly maxWaiting: number;

  constructor(opts: FollowUpOptions = {}) {
    this.burstAbove = opts.burstAbove ?? 8;
    this.maxDelayMs = opts.maxDelayMs ?? 1_000;
    this.maxRunning = opts.maxRunning ?? 32;
    this.slowAfterMs = opts.slowAfterMs ?? 1_000;
    this.maxWaiting = opts.maxWaiting ?? 10_000;
  }

  /** How many follow-ups wait for their turn. */
  get length(): number {
    return this.waiting.length;
  }

  /** A request arrived; until `requestAnswered`, follow-ups give way to it. */
  requestArrived(): void {
    this.pendingAcks += 1;
    this.roll(performance.now());
    this.bucketCount += 1;
  }

  /** A request got its HTTP answer (for commands and clicks: the ack). */
  requestAnswered(): void {
    this.pendingAcks = Math.max(0, this.pendingAcks - 1);
    if (this.pendingAcks === this.burstAbove && this.waiting.length > 0) this.schedule(0);
  }

  /** Runs `work` when its turn comes; resolves or rejects with it. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.running += 1;
        let counted = true;
        const release = (): void => {
          if (!counted) return;
          counted = false;
          clearTimeout(slow);
          this.running -= 1;
          if (this.waiting.length > 0) this.schedule(0);
        };
        const slow = setTimeout(release, this.slowAfterMs);
        // A work function that throws before returning its promise must not escape the pump (uncaught).
        let running: Promise<T>;
        try {
          running = work();
        } catch (err) {
          running = Promise.reject(err);
        }
        running.then(resolve, reject).finally(release);
      };
      this.waiting.push({ start, at: performance.now() });
      if (this.waiting.length > this.maxWaiting) this.waiting.shift()?.start();
      this.schedule(0);
    });
  }

  private roll(now: number): void {
    const bucket = Math.floor(now / ARRIVAL_WINDOW_MS);
    if (bucket === this.bucket) return;
    this.previousCount = bucket === this.bucket + 1 ? this.bucketCount : 0;
    this.bucketCount = 0;
    this.bucket = bucket;
  }

  private inBurst(now: number): boolean {
    this.roll(now);
    return this.pendingAcks > this.burstAbove || this.bucketCount + this.previousCount > this.burstAbove;
  }

  private schedule(delayMs: number): void {
    if (this.immediate) return;
    if (delayMs <= 0) {
      clearTimeout(this.timeout);
      this.timeout = undefined;
      this.immediate = setImmediate(this.pump);
    } else if (!this.timeout) {
      this.timeout = setTimeout(this.pump, delayMs);
    }
  }

  // One follow-up per event-loop turn, so acks that arrive meanwhile are not held up by a run of them.
  private readonly pump = (): void => {
    this.immediate = undefined;
    clearTimeout(this.timeout);
    this.timeout = undefined;
    const head = this.waiting[0];
    // A finishing follow-up reschedules when it frees a slot.
    if (!head || this.running >= this.maxRunning) return;
    const now = performance.now();
    const waited = now - head.at;
    if (waited < this.maxDelayMs && this.inBurst(now)) {
      // Look again when the arrival window has moved on (requestAnswered also reschedules), and at the latest when the wait is up.
      this.schedule(Math.min(ARRIVAL_WINDOW_MS, this.maxDelayMs - waited));
      return;
    }
    this.waiting.shift();
    head.start();
    if (this.waiting.length > 0) this.schedule(0);
  };
}

/** Wraps the HTTP receiver's request listener so the queue knows which requests still wait for an answer. */
export function trackPendingAcks(receiver: { requestListener: RequestListener }, queue: FollowUpQueue): void {
  const inner = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    queue.requestArrived();
    let answered = false;
    const done = (): void => {
      if (answered) return;
      answered = true;
      queue.requestAnswered();
    };
    res.once('finish', done);
    res.once('close', done);
    inner(req, res);
  };
}

/** Context key of the second pass: the same request, dispatched again when its follow-up's turn comes. */
export const FOLLOW_UP = 'scoutFollowUp';

/** Context key of the request's bytes as the HTTP receiver read them (see requestBytes). */
const REQUEST_BYTES = 'scoutRequestBytes';

interface RequestBytes {
  bytes: Buffer;
  contentType: string | undefined;
}

/**
 * HTTPReceiver `customPropertiesExtractor`: hands each request's bytes to ackFirst, which keeps them
 * instead of the parsed body until the second pass. A Buffer lives outside the JavaScript heap, so a
 * burst's waiting follow-ups are not copied by every young-generation collection during the acks (a
 * click's parsed body, the whole message with its blocks, is hundreds of small objects): in 10-run
 * ack benches (three each way) our collections during 2,000 clicks took 28-31 ms (median per run)
 * against 39-42 ms while the parsed bodies waited; bare Bolt's took 24-32 ms.
 */
export function requestBytes(req: { rawBody?: Buffer; headers: Record<string, string | string[] | undefined> }): Record<string, unknown> {
  if (!Buffer.isBuffer(req.rawBody)) return {};
  const contentType = req.headers['content-type'];
  const bytes: RequestBytes = { bytes: req.rawBody, contentType: typeof contentType === 'string' ? contentType : undefined };
  return { [REQUEST_BYTES]: bytes };
}

/** The body for the second pass: parsed again from the bytes, exactly as Bolt's receiver parsed it the first time. */
function secondPassBody(held: RequestBytes): ReceiverEvent['body'] {
  const req = { rawBody: held.bytes, headers: { 'content-type': held.contentType } };
  return HTTPModuleFunctions.parseHTTPRequestBody(req as unknown as Parameters<typeof HTTPModuleFunctions.parseHTTPRequestBody>[0]) as ReceiverEvent['body'];
}

/**
 * Acks commands and clicks at once (empty ack; later ack calls are no-ops) and ends this pass through
 * Bolt there; events Bolt has acked already. The rest of the request (dedupe, listener, answer) runs as
 * a second pass of the same body through `redispatch` (the app's processEvent) when the queue says so.
 * Waiting between the two passes are only the request's bytes (the parsed body in Socket Mode), not the
 * HTTP request, response and Bolt's listener arguments, so a burst of 2,000 requests held for a second
 * holds little memory.
 */
export function ackFirst(queue: FollowUpQueue, redispatch: (event: ReceiverEvent) => Promise<void>, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const kind = requestKind(args.body);
    if (args.context[FOLLOW_UP] === true || kind === 'other') {
      await args.next();
      return;
    }
    if ((kind === 'command' || kind === 'action') && 'ack' in args && typeof args.ack === 'function') {
      await (args.ack as () => Promise<void>)();
    }
    // Over HTTP only the request's bytes wait (requestBytes); in Socket Mode, the parsed body.
    const held = args.context[REQUEST_BYTES] as RequestBytes | undefined;
    const body = held ? undefined : (args.body as ReceiverEvent['body']);
    const { retryNum, retryReason } = args.context;
    void queue
      .run(() =>
        redispatch({
          body: body ?? secondPassBody(held as RequestBytes), ack: async () => undefined, customProperties: { [FOLLOW_UP]: true },
          ...(retryNum !== undefined ? { retryNum } : {}), ...(retryReason !== undefined ? { retryReason } : {}),
        }),
      )
      .catch((err: unknown) => logger.error({ err, kind }, 'the work after an ack failed'));
  };
}

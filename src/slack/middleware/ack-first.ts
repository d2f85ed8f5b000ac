// Global middleware, first in the chain: every command and click is acked before any other work
// (no store round trip, no Slack call comes before the ack), and the work after the ack waits its
// turn in a follow-up queue that yields to acks. Slack wants the ack within 3 s and retries or
// shows an error otherwise; the answer may come later through response_url (valid 30 minutes).
// Without the queue, at 50 concurrent requests the work after each ack (store reads, Slack calls,
// the response_url POST) runs on the same event loop between acks and delays every later ack: the
// ack p99 grew 2-6x against a bare Bolt app (see BENCHMARKS.md). Events are acked by Bolt itself
// before any middleware, so for them only the queueing applies.
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { requestKind } from './dedupe';

export interface FollowUpOptions {
  /** While requests keep arriving and the loop is saturated, at most one follow-up starts per this many ms. */
  minGapMs?: number;
  /** Event-loop utilisation (0..1, over the last ~25 ms) above which the loop counts as saturated. */
  saturatedAbove?: number;
  /** A queue this long starts follow-ups regardless: under sustained overload the backlog stays bounded. */
  maxWaiting?: number;
}

/** Decides when the work after an ack may run: at once when the app is quiet, paced while acks are flowing. */
export class FollowUpQueue {
  private readonly waiting: Array<() => void> = [];
  private arrivals = 0;
  private lastRelease = -Infinity;
  private timer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private readonly minGapMs: number;
  private readonly saturatedAbove: number;
  private readonly maxWaiting: number;
  private eluMark = performance.eventLoopUtilization();
  private utilization = 0;

  constructor(opts: FollowUpOptions = {}) {
    this.minGapMs = opts.minGapMs ?? 10;
    this.saturatedAbove = opts.saturatedAbove ?? 0.8;
    this.maxWaiting = opts.maxWaiting ?? 10_000;
  }

  /** How many follow-ups wait for their turn. */
  get length(): number {
    return this.waiting.length;
  }

  /** Records that a request was acked (the app is busy acking). */
  arrived(): void {
    this.arrivals += 1;
  }

  /** Resolves when this follow-up may run. */
  turn(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.waiting.length > this.maxWaiting) this.release(performance.now());
      this.schedule(0);
    });
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = delayMs > 0 ? setTimeout(this.pump, delayMs) : setImmediate(this.pump);
  }

  private release(now: number): void {
    this.waiting.shift()?.();
    this.lastRelease = now;
  }

  /** Event-loop utilisation over the last window of at least 25 ms. */
  private loopUtilization(): number {
    const delta = performance.eventLoopUtilization(this.eluMark);
    if (delta.idle + delta.active >= 25) {
      this.utilization = delta.utilization;
      this.eluMark = performance.eventLoopUtilization();
    }
    return this.utilization;
  }

  // One follow-up per event-loop turn, unless requests arrived since the last turn while the loop is
  // saturated: then one per minGapMs, so acks keep most of the loop and follow-ups are never starved.
  // A loop with spare time runs follow-ups at once, whatever the request rate.
  private readonly pump = (): void => {
    this.timer = undefined;
    const busy = this.arrivals > 0 && this.loopUtilization() > this.saturatedAbove;
    this.arrivals = 0;
    const now = performance.now();
    const wait = busy ? this.lastRelease + this.minGapMs - now : 0;
    if (wait <= 0) this.release(now);
    if (this.waiting.length > 0) this.schedule(Math.max(0, wait));
  };
}

/** Acks commands and clicks at once (empty ack; later ack calls are no-ops), then queues the rest. */
export function ackFirst(queue: FollowUpQueue): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const kind = requestKind(args.body);
    if ((kind === 'command' || kind === 'action') && 'ack' in args && typeof args.ack === 'function') {
      await (args.ack as () => Promise<void>)();
    }
    queue.arrived();
    await queue.turn();
    await args.next();
  };
}

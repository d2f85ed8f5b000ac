// The work after an ack: listeners ack Slack at once and hand the rest here. A plain bounded queue:
// at most `concurrency` jobs run at once (so a burst of clicks does not become as many concurrent
// Slack and store calls), at most `maxWaiting` wait; beyond that new work is refused and reported,
// because an unbounded backlog would only move the failure to the process's memory.
import { StoreUnavailable } from '../store/errors';

export interface WorkQueueOptions {
  concurrency?: number;
  maxWaiting?: number;
  /** Called with what a job threw (after its retries) or with the refusal of a job the full queue could not take. */
  onError: (err: unknown, label: string) => void;
  /** How long a job failing with StoreUnavailable keeps being retried; 0 = not retried. */
  storeRetryForMs?: number;
  /** First delay between retries; doubled up to 5 s. */
  retryDelayMs?: number;
}

/** Thrown (to onError) for a job refused because the queue is full. */
export class QueueFull extends Error {
  constructor(label: string) {
    super(`the work queue is full; ${label} was dropped`);
    this.name = 'QueueFull';
  }
}

interface Job {
  label: string;
  work: () => Promise<void>;
  retryStore: boolean;
  firstAt: number;
  delayMs: number;
}

/** Runs queued jobs in arrival order, `concurrency` at a time. */
export class WorkQueue {
  private readonly waiting: Job[] = [];
  private running = 0;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly concurrency: number;
  private readonly maxWaiting: number;
  private readonly storeRetryForMs: number;
  private readonly retryDelayMs: number;

  constructor(private readonly opts: WorkQueueOptions) {
    this.concurrency = opts.concurrency ?? 16;
    this.maxWaiting = opts.maxWaiting ?? 10_000;
    this.storeRetryForMs = opts.storeRetryForMs ?? 0;
    this.retryDelayMs = opts.retryDelayMs ?? 250;
  }

  /** Jobs waiting or running (retries waiting for their delay included). */
  get size(): number {
    return this.waiting.length + this.running + this.timers.size;
  }

  /**
   * Queues `work`; false when the queue is full (onError has been told). With `retryWhileStoreDown`,
   * a job that fails with StoreUnavailable is run again later, until `storeRetryForMs` has passed.
   */
  push(label: string, work: () => Promise<void>, opts: { retryWhileStoreDown?: boolean } = {}): boolean {
    if (this.waiting.length >= this.maxWaiting) {
      this.opts.onError(new QueueFull(label), label);
      return false;
    }
    this.waiting.push({
      label,
      work,
      retryStore: opts.retryWhileStoreDown === true,
      firstAt: Date.now(),
      delayMs: this.retryDelayMs,
    });
    this.pump();
    return true;
  }

  /** Resolves when nothing waits or runs (tests, shutdown). */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops retries still waiting for their delay (shutdown). */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.settle();
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const job = this.waiting.shift();
      if (!job) break;
      this.running += 1;
      // Started from the check phase, after the poll phase has read the requests that are waiting:
      // a burst's acks are not queued behind the work of the requests before them.
      setImmediate(() => {
        void this.runJob(job).finally(() => {
          this.running -= 1;
          this.pump();
          this.settle();
        });
      });
    }
  }

  private async runJob(job: Job): Promise<void> {
    try {
      await job.work();
    } catch (err) {
      if (
        job.retryStore &&
        err instanceof StoreUnavailable &&
        Date.now() - job.firstAt + job.delayMs <= this.storeRetryForMs
      ) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.waiting.push({ ...job, delayMs: Math.min(job.delayMs * 2, 5_000) });
          this.pump();
        }, job.delayMs);
        this.timers.add(timer);
        return;
      }
      this.opts.onError(err, job.label);
    }
  }

  private settle(): void {
    if (this.size > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

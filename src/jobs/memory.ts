// MemoryQueue: the JobQueue port in-process (embedded default, tests). Same semantics as BullmqQueue:
// data travels as JSON, jobIds dedupe while a job exists (waiting, delayed, active, or finished within
// the retention window), at most `concurrency` handlers run at once, failures retry with backoff.
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../domain/time';
import { DrainTimeout } from './errors';
import type { JobHandler, JobOptions, JobQueue } from './port';
import {
  assertJobId,
  backoffDelay,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_RETENTION_MS,
  MAX_KEPT_JOBS,
} from './settings';

export interface MemoryQueueOptions {
  name: string;
  logger?: Logger;
  /** Decides when a finished job stops deduping its jobId. */
  clock?: Clock;
  retentionMs?: number;
  backoffMs?: number;
  defaultAttempts?: number;
}

interface MemoryJob {
  id: string;
  json: string;
  attempts: number;
  started: number;
  state: 'delayed' | 'waiting' | 'active' | 'completed' | 'failed';
  finishedAt?: number;
}

/** In-process job runner; jobs are lost when the process exits. */
export class MemoryQueue<T> implements JobQueue<T> {
  readonly kind = 'memory' as const;
  private readonly jobs = new Map<string, MemoryJob>();
  private readonly waiting: MemoryJob[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private readonly idleWaiters = new Set<() => void>();
  private readonly controller = new AbortController();
  private readonly clock: Clock;
  private readonly retentionMs: number;
  private readonly backoffMs: number;
  private readonly defaultAttempts: number;
  private handler: JobHandler<T> | undefined;
  private concurrency = 0;
  /** Jobs not yet completed or failed for good. */
  private unfinished = 0;
  private closed = false;

  constructor(private readonly options: MemoryQueueOptions) {
    this.clock = options.clock ?? systemClock;
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
    this.defaultAttempts = options.defaultAttempts ?? DEFAULT_ATTEMPTS;
  }

  async add(data: T, opts: JobOptions): Promise<boolean> {
    if (this.closed) throw new Error(`queue ${this.options.name} is closed`);
    assertJobId(opts.jobId);
    this.forgetOldJobs();
    if (this.jobs.has(opts.jobId)) return false;
    const json = JSON.stringify(data);
    if (json === undefined) throw new TypeError('job data must be JSON-serialisable');
    const job: MemoryJob = {
      id: opts.jobId,
      json,
      attempts: Math.max(1, opts.attempts ?? this.defaultAttempts),
      started: 0,
      state: 'waiting',
    };
    this.jobs.set(job.id, job);
    this.unfinished += 1;
    if (opts.delayMs !== undefined && opts.delayMs > 0) this.delay(job, opts.delayMs);
    else this.enqueue(job);
    return true;
  }

  process(handler: JobHandler<T>, concurrency: number): void {
    if (this.handler) throw new Error(`queue ${this.options.name} already has a handler`);
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    this.handler = handler;
    this.concurrency = concurrency;
    this.pump();
  }

  drain(timeoutMs: number = DEFAULT_DRAIN_TIMEOUT_MS): Promise<void> {
    if (this.unfinished === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.idleWaiters.delete(done);
        reject(
          new DrainTimeout(`queue ${this.options.name} still had ${this.unfinished} job(s) after ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.idleWaiters.add(done);
    });
  }

  /** Idempotent: stops starting jobs and waits for running handlers. */
  async close(): Promise<void> {
    this.closed = true;
    this.controller.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // Running handlers were told to stop through the signal; wait for them to return.
    await Promise.allSettled([...this.running]);
  }

  private enqueue(job: MemoryJob): void {
    job.state = 'waiting';
    this.waiting.push(job);
    this.pump();
  }

  private delay(job: MemoryJob, ms: number): void {
    job.state = 'delayed';
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(job);
    }, ms);
    this.timers.add(timer);
  }

  private pump(): void {
    const handler = this.handler;
    if (!handler || this.closed) return;
    while (this.running.size < this.concurrency) {
      const job = this.waiting.shift();
      if (!job) return;
      const run = this.run(job, handler).finally(() => {
        this.running.delete(run);
        this.pump();
      });
      this.running.add(run);
    }
  }

  private async run(job: MemoryJob, handler: JobHandler<T>): Promise<void> {
    job.state = 'active';
    job.started += 1;
    try {
      const data = JSON.parse(job.json) as T;
      await handler(data, { id: job.id, attempt: job.started, signal: this.controller.signal });
      this.settle(job, 'completed');
    } catch (err) {
      const willRetry = job.started < job.attempts && !this.closed;
      this.options.logger?.warn(
        { err, jobId: job.id, attempt: job.started, willRetry, queue: this.options.name },
        'job failed',
      );
      if (willRetry) this.delay(job, backoffDelay(this.backoffMs, job.started));
      else this.settle(job, 'failed');
    }
  }

  private settle(job: MemoryJob, state: 'completed' | 'failed'): void {
    job.state = state;
    job.finishedAt = this.clock.now().getTime();
    this.unfinished -= 1;
    if (this.unfinished === 0) for (const wake of [...this.idleWaiters]) wake();
  }

  /** Finished jobs stop deduping after the retention window, and at most MAX_KEPT_JOBS are kept. */
  private forgetOldJobs(): void {
    const cutoff = this.clock.now().getTime() - this.retentionMs;
    const finished: MemoryJob[] = [];
    for (const job of this.jobs.values()) {
      if (job.finishedAt === undefined) continue;
      if (job.finishedAt <= cutoff) this.jobs.delete(job.id);
      else finished.push(job);
    }
    if (finished.length > MAX_KEPT_JOBS) {
      finished.sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
      for (const job of finished.slice(0, finished.length - MAX_KEPT_JOBS)) this.jobs.delete(job.id);
    }
  }
}

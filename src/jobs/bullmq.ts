// BullmqQueue: the JobQueue port on BullMQ. A worker holds a lock per active job and renews it; when
// its process dies the lock lapses, another worker's stalled check moves the job back to wait, and
// it runs again there (ctx.attempt counts that run).
import { randomUUID } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { StoreUnavailable } from '../store/errors';
import type { WriteFence } from '../store/fence';
import { createKeys } from '../store/keys';
import { DrainTimeout } from './errors';
import type { JobHandler, JobOptions, JobQueue } from './port';
import {
  assertJobId,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_RETENTION_MS,
  MAX_KEPT_JOBS,
} from './settings';

export interface BullmqQueueOptions {
  name: string;
  /** From connectRedis(url, logger, { purpose: 'queue' }); BullMQ needs `maxRetriesPerRequest: null`. `close` quits it. */
  connection: Redis;
  /** Confirms `add` on the replicas (Sentinel), so a failover cannot discard a job that was accepted. */
  fence?: WriteFence;
  /** Store key prefix; BullMQ keys go under `keys.bullPrefix()`. */
  prefix: string;
  logger?: Logger;
  /** How long a worker's job lock lives without renewal: the time until a crashed worker's job is picked up again. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs; defaults to lockDurationMs, as BullMQ does. */
  stalledIntervalMs?: number;
  /** How many times one job may be orphaned by a dying worker before it fails. */
  maxStalledCount?: number;
  backoffMs?: number;
  defaultAttempts?: number;
  /** Finished jobs are kept (and keep deduping their jobId) this long. */
  retentionMs?: number;
}

const DEFAULT_LOCK_DURATION_MS = 30_000;
const DRAIN_POLL_MS = 50;
const ERROR_LOG_INTERVAL_MS = 60_000;
/** In-process re-runs of a job after a Redis outage, and how long each waits for Redis to return. */
const MAX_OUTAGE_RERUNS = 5;
const OUTAGE_WAIT_MS = 120_000;
const OUTAGE_POLL_MS = 250;

/** JobQueue on Redis via BullMQ: survives restarts, shares work across replicas. */
export class BullmqQueue<T> implements JobQueue<T> {
  readonly kind = 'bullmq' as const;
  private readonly queue: Queue;
  private readonly bullPrefix: string;
  private readonly controller = new AbortController();
  private worker: Worker | undefined;
  private closing: Promise<void> | undefined;
  private readonly lastErrors = new Map<string, number>();

  constructor(private readonly options: BullmqQueueOptions) {
    this.bullPrefix = createKeys(options.prefix).bullPrefix();
    const retentionSeconds = Math.ceil((options.retentionMs ?? DEFAULT_RETENTION_MS) / 1000);
    this.queue = new Queue(options.name, {
      connection: options.connection,
      prefix: this.bullPrefix,
      defaultJobOptions: {
        attempts: options.defaultAttempts ?? DEFAULT_ATTEMPTS,
        backoff: { type: 'exponential', delay: options.backoffMs ?? DEFAULT_BACKOFF_MS },
        // Finished jobs stay for the retention window because BullMQ dedupes a jobId only while the
        // job exists: removing on completion would let a retried Slack event start a second run.
        removeOnComplete: { age: retentionSeconds, count: MAX_KEPT_JOBS },
        removeOnFail: { age: retentionSeconds, count: MAX_KEPT_JOBS },
      },
    });
    this.queue.on('error', (err: Error) => this.logError(err, 'job queue error'));
  }

  async add(data: T, opts: JobOptions): Promise<boolean> {
    assertJobId(opts.jobId);
    // BullMQ silently ignores a duplicate jobId and does not say so; a fresh job name per add tells
    // us afterwards whether the stored job is ours.
    const marker = randomUUID();
    const add = () =>
      this.queue.add(marker, data, {
        jobId: opts.jobId,
        ...(opts.attempts !== undefined ? { attempts: Math.max(1, opts.attempts) } : {}),
        ...(opts.delayMs !== undefined && opts.delayMs > 0 ? { delay: opts.delayMs } : {}),
      });
    // Repeatable: BullMQ ignores a second add of the same jobId, so making it again after a failover is safe.
    await (this.options.fence ? this.options.fence.write('add', add, { repeatable: true }) : add());
    const stored = await this.queue.getJob(opts.jobId);
    // Gone already means it was ours and finished and was removed (only when retention is ~0).
    return stored === undefined || stored.name === marker;
  }

  process(handler: JobHandler<T>, concurrency: number): void {
    if (this.worker) throw new Error(`queue ${this.options.name} already has a handler`);
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    const lockDuration = this.options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
    const signal = this.controller.signal;
    const logger = this.options.logger?.child({ queue: this.options.name });
    this.worker = new Worker(
      this.options.name,
      async (job: Job) => {
        const data = job.data as T;
        // Which replica runs which job (and which attempt) is what an operator asks after a crash.
        logger?.info({ jobId: job.id, attempt: job.attemptsStarted }, 'job started');
        // A Redis outage fails the handler's store calls at once; BullMQ's own retries (seconds apart)
        // would all be spent inside one restart. Handlers are safe to re-run, so wait for Redis and
        // run again here, without spending an attempt, a bounded number of times.
        for (let rerun = 0; ; rerun += 1) {
          try {
            await handler(data, { id: job.id ?? '', attempt: job.attemptsStarted, signal });
            return;
          } catch (err) {
            if (!(err instanceof StoreUnavailable) || rerun >= MAX_OUTAGE_RERUNS || signal.aborted) throw err;
            logger?.warn(
              { jobId: job.id, error: err.message },
              'store unreachable mid-job; running it again once Redis answers',
            );
            await this.untilReachable(signal);
            // The store has its own connection, which may come back a little after the queue's.
            await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** rerun).unref());
          }
        }
      },
      {
        connection: this.options.connection,
        prefix: this.bullPrefix,
        concurrency,
        lockDuration,
        stalledInterval: this.options.stalledIntervalMs ?? lockDuration,
        maxStalledCount: this.options.maxStalledCount ?? 2,
      },
    );
    this.worker.on('failed', (job: Job | undefined, err: Error) =>
      logger?.warn({ err, jobId: job?.id, attempt: job?.attemptsStarted }, 'job failed'),
    );
    this.worker.on('stalled', (jobId: string) =>
      logger?.warn(
        { jobId },
        'job stalled (its worker stopped renewing the lock); back to the queue unless it stalled too often',
      ),
    );
    this.worker.on('error', (err: Error) => this.logError(err, 'job worker error'));
  }

  async drain(timeoutMs: number = DEFAULT_DRAIN_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pending = await this.pendingCount();
      if (pending === 0) return;
      if (Date.now() >= deadline) {
        throw new DrainTimeout(`queue ${this.options.name} still had ${pending} job(s) after ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
  }

  /** Idempotent: later calls wait for the first. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.controller.abort();
    // Worker.close waits for active handlers, which the signal asked to wind down. With Redis unreachable
    // it would wait for its fetch loop, which waits for a connection that never comes (SIGTERM hung until
    // SIGKILL): nothing can be handed back to Redis then, so it closes without waiting.
    await this.worker?.close(this.options.connection.status !== 'ready');
    await this.queue.close();
    if (this.options.connection.status === 'ready') await this.options.connection.quit();
    else this.options.connection.disconnect();
  }

  /** Resolves once Redis answers PING again (or after OUTAGE_WAIT_MS, or on close). */
  private async untilReachable(signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + OUTAGE_WAIT_MS;
    while (!signal.aborted && Date.now() < deadline) {
      const pong = await Promise.race([
        this.options.connection.ping().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), OUTAGE_POLL_MS).unref()),
      ]);
      if (pong) return;
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_POLL_MS).unref());
    }
  }

  /** BullMQ repeats a connection error on every reconnect attempt; log each distinct one once a minute. */
  private logError(err: Error, msg: string): void {
    const now = Date.now();
    const last = this.lastErrors.get(err.message);
    if (last !== undefined && now - last < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrors.set(err.message, now);
    if (this.lastErrors.size > 100) this.lastErrors.clear();
    this.options.logger?.warn({ err, queue: this.options.name }, msg);
  }

  private async pendingCount(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }
}

// The job queue port: investigation jobs run on BullMQ (Redis) or in-process, with the same semantics.

export interface JobOptions {
  jobId: string;
  attempts?: number;
  delayMs?: number;
}

export interface JobContext {
  id: string;
  /** 1 on the first run, 2 on the first retry, ... (a run cut short by a crashed worker counts too). */
  attempt: number;
  /** true when the queue wants the handler to wind down (shutdown) */
  signal: AbortSignal;
}

export type JobHandler<T> = (data: T, ctx: JobContext) => Promise<void>;

export interface JobQueue<T> {
  readonly kind: 'bullmq' | 'memory';
  /** Adds a job; a second add with the same jobId while the first exists is ignored (returns false). */
  add(data: T, opts: JobOptions): Promise<boolean>;
  /** Starts processing with at most `concurrency` jobs at once in this process. */
  process(handler: JobHandler<T>, concurrency: number): void;
  /** Resolves when no job is waiting or active (tests, demo). */
  drain(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

// Defaults shared by both queue adapters, so they behave alike.

/** Runs per job when `add` does not say: one retry after a failure or a crashed worker, then a third try. */
export const DEFAULT_ATTEMPTS = 3;
/** First retry delay; doubles per attempt (exponential backoff). */
export const DEFAULT_BACKOFF_MS = 1_000;
/**
 * How long a finished job is kept, and so how long its jobId still dedupes. Slack retries an event
 * for a few minutes and people double-click for seconds; an hour covers both with room to spare.
 */
export const DEFAULT_RETENTION_MS = 60 * 60 * 1_000;
/** Upper bound on kept finished jobs, so a busy hour cannot grow Redis without limit. */
export const MAX_KEPT_JOBS = 5_000;
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/** Delay before attempt `attempt + 1` after `attempt` failed. */
export function backoffDelay(backoffMs: number, attempt: number): number {
  return backoffMs * 2 ** Math.max(0, attempt - 1);
}

/** BullMQ refuses integer-like custom ids (they clash with its own counters); refuse them here too. */
export function assertJobId(jobId: string): void {
  if (jobId === '' || jobId.startsWith('0:') || `${Number.parseInt(jobId, 10)}` === jobId) {
    throw new RangeError(`jobId must be a non-empty, non-integer string, got ${JSON.stringify(jobId)}`);
  }
}

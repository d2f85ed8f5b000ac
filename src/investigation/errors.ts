import { BudgetSpent } from '../domain/errors';

// Errors internal to a round. ScopeDenied and BudgetSpent (src/domain/errors.ts) are the gate's refusals.

/** The round was asked to stop (`/triage stop`, the investigation's wall-clock budget, or shutdown). */
export class RoundStopped extends Error {
  constructor(readonly reason: 'stop' | 'timeout' | 'shutdown') {
    super(`round stopped: ${reason}`);
    this.name = 'RoundStopped';
  }
}

/** Throws when the signal has fired: RoundStopped, or BudgetSpent when a scout's own wall clock ran out. */
export function throwIfStopped(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const r: unknown = signal.reason;
  if (r instanceof RoundStopped || r instanceof BudgetSpent) throw r;
  throw new RoundStopped('shutdown');
}

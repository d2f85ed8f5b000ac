// Pure state transitions of a proposal, run inside store.update so each is one atomic step.
// `pending → approved → running → succeeded/failed`, or `rejected / expired / voided`.
import type { Approval, ExecutionResult, Proposal } from '../domain/types';

export type DecisionOutcome =
  | { kind: 'refused'; reason: string; expired?: boolean }
  | { kind: 'partial'; count: number }
  | { kind: 'approved' }
  | { kind: 'rejected' };

export interface DecisionInput {
  verb: 'approve' | 'reject';
  approval: Approval;
  /** Hash carried by the button value. */
  hash: string;
  now: Date;
  /** Set when the stored proposal failed its integrity check. */
  integrityProblem: string | null;
}

/**
 * Applies one approve/reject click to the current stored proposal. Returns the next value to store
 * (or undefined: unchanged) and what happened. Pure, so the store may retry it on a conflict.
 */
export function decide(current: Proposal | null, input: DecisionInput): { next: Proposal | undefined; outcome: DecisionOutcome } {
  const refuse = (reason: string): { next: undefined; outcome: DecisionOutcome } => ({ next: undefined, outcome: { kind: 'refused', reason } });
  if (!current) return refuse('That proposal does not exist in this channel.');
  if (current.status !== 'pending') return refuse(`This proposal is already ${current.status}${current.statusNote ? ` (${current.statusNote})` : ''}.`);
  if (input.now.getTime() >= Date.parse(current.expiresAt)) {
    const next: Proposal = { ...current, status: 'expired', statusNote: `expired at ${current.expiresAt}` };
    return { next, outcome: { kind: 'refused', reason: 'This proposal has expired; propose it again if it is still needed.', expired: true } };
  }
  if (input.hash !== current.hash) return refuse('This button does not match the proposal as stored (hash mismatch); nothing was run.');
  if (input.integrityProblem) return refuse(`This proposal cannot be trusted: ${input.integrityProblem}. Nothing was run.`);

  if (input.verb === 'reject') {
    return { next: { ...current, status: 'rejected', decidedBy: input.approval, statusNote: `rejected by ${input.approval.name}` }, outcome: { kind: 'rejected' } };
  }
  if (current.approvals.some((a) => a.userId === input.approval.userId)) {
    const left = current.requiredApprovals - current.approvals.length;
    return refuse(`You have already approved this; it needs ${left} more approval${left === 1 ? '' : 's'} from someone else.`);
  }
  const approvals = [...current.approvals, input.approval];
  if (approvals.length < current.requiredApprovals) {
    return { next: { ...current, approvals }, outcome: { kind: 'partial', count: approvals.length } };
  }
  return { next: { ...current, approvals, status: 'approved', decidedBy: input.approval }, outcome: { kind: 'approved' } };
}

/** approved → running, only for the caller that approved it (at most one execution). */
export function startRunning(current: Proposal | null): Proposal | undefined {
  return current?.status === 'approved' ? { ...current, status: 'running' } : undefined;
}

/** approved → voided when the precondition failed right before execution. */
export function voidIt(current: Proposal | null, note: string): Proposal | undefined {
  return current?.status === 'approved' ? { ...current, status: 'voided', statusNote: note } : undefined;
}

/** running → succeeded / failed with the recorded result. */
export function finish(current: Proposal | null, result: ExecutionResult): Proposal | undefined {
  if (current?.status !== 'running') return undefined;
  return { ...current, status: result.ok ? 'succeeded' : 'failed', result };
}

/** pending → expired once its time has passed (the sweep). */
export function expireIfDue(current: Proposal | null, now: Date): Proposal | undefined {
  if (current?.status !== 'pending' || now.getTime() < Date.parse(current.expiresAt)) return undefined;
  return { ...current, status: 'expired', statusNote: `expired at ${current.expiresAt}` };
}

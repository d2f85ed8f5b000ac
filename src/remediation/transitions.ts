// Pure state transitions of a proposal, run inside store.update so each is one atomic step.
// `pending → approved → running → succeeded/failed`, or `rejected / expired / voided`; the sweep settles
// what a stopped process left `approved` or `running` (settleInterrupted).
import type { ActionRun, ActionSpec } from '../config/actions';
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
export function decide(
  current: Proposal | null,
  input: DecisionInput,
): { next: Proposal | undefined; outcome: DecisionOutcome } {
  const refuse = (reason: string): { next: undefined; outcome: DecisionOutcome } => ({
    next: undefined,
    outcome: { kind: 'refused', reason },
  });
  if (!current) return refuse('That proposal does not exist in this channel.');
  if (current.status !== 'pending')
    return refuse(`This proposal is already ${current.status}${current.statusNote ? ` (${current.statusNote})` : ''}.`);
  if (input.now.getTime() >= Date.parse(current.expiresAt)) {
    const next: Proposal = { ...current, status: 'expired', statusNote: `expired at ${current.expiresAt}` };
    return {
      next,
      outcome: {
        kind: 'refused',
        reason: 'This proposal has expired; propose it again if it is still needed.',
        expired: true,
      },
    };
  }
  if (input.hash !== current.hash)
    return refuse('This button does not match the proposal as stored (hash mismatch); nothing was run.');
  if (input.integrityProblem)
    return refuse(`This proposal cannot be trusted: ${input.integrityProblem}. Nothing was run.`);

  if (input.verb === 'reject') {
    return {
      next: {
        ...current,
        status: 'rejected',
        decidedBy: input.approval,
        statusNote: `rejected by ${input.approval.name}`,
      },
      outcome: { kind: 'rejected' },
    };
  }
  if (current.approvals.some((a) => a.userId === input.approval.userId)) {
    const left = current.requiredApprovals - current.approvals.length;
    return refuse(
      `You have already approved this; it needs ${left} more approval${left === 1 ? '' : 's'} from someone else.`,
    );
  }
  const approvals = [...current.approvals, input.approval];
  if (approvals.length < current.requiredApprovals) {
    return { next: { ...current, approvals }, outcome: { kind: 'partial', count: approvals.length } };
  }
  return {
    next: { ...current, approvals, status: 'approved', decidedBy: input.approval },
    outcome: { kind: 'approved' },
  };
}

/** approved → running, only for the caller that approved it (at most one execution); `limits` from its own action spec. */
export function startRunning(current: Proposal | null, now: Date, limits: StepLimits): Proposal | undefined {
  if (current?.status !== 'approved') return undefined;
  return {
    ...current,
    status: 'running',
    runningSince: now.toISOString(),
    settleAfter: new Date(now.getTime() + limits.runningMs).toISOString(),
  };
}

/** approved → voided when the precondition failed right before execution. */
export function voidIt(current: Proposal | null, note: string): Proposal | undefined {
  return current?.status === 'approved' ? { ...current, status: 'voided', statusNote: note } : undefined;
}

/**
 * running → succeeded / failed with the recorded result. A run the sweep had already marked interrupted
 * (its process looked gone) gets its real result after all, and a note saying so.
 */
export function recordResult(current: Proposal | null, result: ExecutionResult): Proposal | undefined {
  if (current?.status === 'running') return { ...current, status: result.ok ? 'succeeded' : 'failed', result };
  if (current?.status === 'failed' && current.result?.interrupted) {
    return {
      ...current,
      status: result.ok ? 'succeeded' : 'failed',
      result,
      statusNote: 'its result came after it had been marked interrupted',
    };
  }
  return undefined;
}

/** pending → expired once its time has passed (the sweep). */
export function expireIfDue(current: Proposal | null, now: Date): Proposal | undefined {
  if (current?.status !== 'pending' || now.getTime() < Date.parse(current.expiresAt)) return undefined;
  return { ...current, status: 'expired', statusNote: `expired at ${current.expiresAt}` };
}

/** How long a live process can take for each step, so that a proposal past it was left by one that stopped. */
export interface StepLimits {
  /** approved → running: the precondition's timeout (0 without one) plus the grace. */
  approvedMs: number;
  /** running → finished: the run's timeout plus the grace. */
  runningMs: number;
}

/** Five minutes beyond an action's own timeouts: a slow store or Slack between steps, clocks that differ. */
const STEP_GRACE_S = 300;

/** The limits for an action; without one (no longer in the catalog), the longest timeouts the catalog allows. */
export function stepLimits(action: Pick<ActionSpec, 'run' | 'precondition'> | undefined): StepLimits {
  const timeoutS = (run: ActionRun): number => run.timeoutSeconds();
  const pre = action ? (action.precondition ? timeoutS(action.precondition) : 0) : 3600;
  return {
    approvedMs: (pre + STEP_GRACE_S) * 1000,
    runningMs: ((action ? timeoutS(action.run) : 3600) + STEP_GRACE_S) * 1000,
  };
}

const INTERRUPTED_BEFORE_RUN =
  'the process handling it stopped after the approval and before it ran; nothing was run. Propose it again if it is still needed';
const INTERRUPTED_RUN =
  'interrupted: the process running it stopped before it reported a result, so it may or may not have taken effect. Check before proposing it again';

/**
 * The sweep's answer to a process that died mid-way (a crash, a kill, a lost host), which would leave
 * the card at "running…" for good. An `approved` proposal that has not started running by
 * `approvedMs` after its approval never ran: voided, saying so (its runner, if only slow, then finds it
 * not `approved` and runs nothing). A `running` one past the deadline its runner recorded (its run
 * timeout, after which the executor kills the run, plus the grace) gets a failed result that says the
 * outcome is unknown; should the runner report after all (a paused host), `recordResult` puts the real
 * result in its place. Neither is run again: an approval is for now, not for whenever a process comes
 * back, and a run that may have happened must never happen twice.
 */
export function settleInterrupted(current: Proposal | null, now: Date, limits: StepLimits): Proposal | undefined {
  if (current?.status === 'approved') {
    const since = Date.parse(current.decidedBy?.at ?? current.createdAt);
    if (now.getTime() - since < limits.approvedMs) return undefined;
    return { ...current, status: 'voided', statusNote: INTERRUPTED_BEFORE_RUN };
  }
  if (current?.status === 'running') {
    // The runner's own deadline; without one (written before it existed), from the approval time.
    const since = Date.parse(current.runningSince ?? current.decidedBy?.at ?? current.createdAt);
    const deadline = current.settleAfter ? Date.parse(current.settleAfter) : since + limits.runningMs;
    if (now.getTime() < deadline) return undefined;
    return {
      ...current,
      status: 'failed',
      result: {
        interrupted: true,
        ok: false,
        exitCode: null,
        output: '',
        durationMs: now.getTime() - since,
        error: INTERRUPTED_RUN,
      },
    };
  }
  return undefined;
}

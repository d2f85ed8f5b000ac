// Runs an approved proposal: precondition again, approved → running (atomic), execute, record, show.
import type { Logger } from 'pino';
import type { ActionSpec } from '../config/actions';
import type { AuditRecord, ExecutionResult, Proposal, RenderedAction } from '../domain/types';
import { StoreUnavailable } from '../store/errors';
import type { Store } from '../store/port';
import { renderPrecondition } from './catalog';
import { describeRendered, type Executor } from './executors';
import { recordResult, startRunning, stepLimits, voidIt } from './transitions';
import { proposalDocs } from '../store/kinds';
import { clipText } from '../domain/text';

export interface RunDeps {
  store: Store;
  executor: Executor;
  audit: (r: Omit<AuditRecord, 'at'>) => Promise<void>;
  show: (p: Proposal, what: 'update' | 'outcome') => Promise<void>;
  log: Logger;
  now: () => Date;
}

/**
 * Called only by the caller whose update approved the proposal. The approved → running step is
 * atomic too, so even a second caller reaching here could not execute it twice.
 */
export async function runApproved(
  deps: RunDeps,
  key: string,
  action: ActionSpec,
  approved: Proposal,
): Promise<Proposal> {
  const base = {
    incidentId: approved.incidentId,
    actor: 'system',
    ...(approved.investigationId !== undefined ? { investigationId: approved.investigationId } : {}),
  };
  const pre = renderPrecondition(action, approved.params);
  if (pre && action.precondition) {
    const check = await safeRun(deps, pre, action.precondition);
    await deps.audit({
      ...base,
      kind: 'execution',
      detail: { proposalId: approved.id, phase: 'precondition', ...resultDetail(pre, check) },
    });
    if (!check.ok) {
      const note = `precondition failed: ${check.error ?? `exit ${check.exitCode}`}${check.output ? ` — ${firstLine(check.output)}` : ''}`;
      const { value, changed } = await proposalDocs.in(deps.store).update(key, (cur) => voidIt(cur, note));
      // Settled by the sweep meanwhile: it has told the thread already.
      if (!changed) return value ?? approved;
      const voided = value ?? approved;
      await deps.audit({
        ...base,
        kind: 'decision',
        detail: { proposalId: approved.id, decision: 'voided', reason: note },
      });
      await deps.show(voided, 'update');
      await deps.show(voided, 'outcome');
      return voided;
    }
  }
  // The sweep may have settled it meanwhile (settleInterrupted): then it is not `approved` and does not run.
  const started = await proposalDocs
    .in(deps.store)
    .update(key, (cur) => startRunning(cur, deps.now(), stepLimits(action)));
  if (!started.changed || !started.value) return started.value ?? approved;
  // What started and when, before it runs: if this process dies mid-run, the trail still says what may have happened.
  await deps.audit({
    ...base,
    kind: 'execution',
    detail: { proposalId: approved.id, phase: 'start', actionId: approved.actionId, ...what(approved.rendered) },
  });
  await deps.show(started.value, 'update');

  const result = await safeRun(deps, approved.rendered, action.run);
  // The run has happened: its record must survive a store that is away for a moment (a failover).
  await untilStored(deps, 'the run in the audit trail', () =>
    deps.audit({
      ...base,
      kind: 'execution',
      detail: {
        proposalId: approved.id,
        phase: 'run',
        actionId: approved.actionId,
        ...resultDetail(approved.rendered, result),
      },
    }),
  );
  // Safe to retry: recordResult changes only a proposal still `running`, so a write that did land is not redone.
  const done = await untilStored(deps, 'the result', () =>
    proposalDocs.in(deps.store).update(key, (cur) => recordResult(cur, result)),
  );
  if (done.changed) confirmResult(deps, key, started.value, result);
  // Unchanged only if it is no longer ours to record; show the result we recorded anyway.
  const final =
    done.changed && done.value
      ? done.value
      : { ...started.value, status: result.ok ? ('succeeded' as const) : ('failed' as const), result };
  await deps.show(final, 'update');
  await deps.show(final, 'outcome');
  return final;
}

/** How long the record of a run that happened is retried while the store is unreachable. */
const RECORD_DEADLINE_MS = 60_000;

/** Retries `write` while the store is unreachable (StoreUnavailable), with backoff, up to RECORD_DEADLINE_MS. */
async function untilStored<R>(deps: RunDeps, what: string, write: () => Promise<R>): Promise<R> {
  const deadline = Date.now() + RECORD_DEADLINE_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!(err instanceof StoreUnavailable) || Date.now() >= deadline) throw err;
      deps.log.warn({ err: err.message, attempt }, `state store unreachable while recording ${what}; retrying`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** (attempt - 1), 2_000)));
    }
  }
}

/** When the stored result is read back after it was written (ms after the write). */
const RESULT_CHECKS_MS = [2_000, 7_000, 17_000];

/**
 * Replication is asynchronous: a Sentinel failover in the second after the result was written can
 * discard it (the old primary acknowledged it; the promoted replica never got it), leaving the
 * proposal `running` although it ran. Reads the result back a few times over the next seconds, in
 * the background, and writes it again if the store has lost it (only while the proposal is still
 * this run's: `running` since the same instant).
 */
function confirmResult(deps: RunDeps, key: string, started: Proposal, result: ExecutionResult): void {
  void (async () => {
    let waited = 0;
    for (const at of RESULT_CHECKS_MS) {
      await new Promise((resolve) => setTimeout(resolve, at - waited).unref());
      waited = at;
      try {
        const again = await proposalDocs
          .in(deps.store)
          .update(key, (cur) =>
            cur?.status === 'running' && cur.runningSince === started.runningSince
              ? recordResult(cur, result)
              : undefined,
          );
        if (again.changed)
          deps.log.warn(
            { proposalId: started.id },
            'the stored result of a run had been lost (a Redis failover); written again',
          );
      } catch (err) {
        deps.log.warn({ err, proposalId: started.id }, 'could not read back the stored result of a run');
      }
    }
  })();
}

async function safeRun(deps: RunDeps, rendered: RenderedAction, spec: ActionSpec['run']): Promise<ExecutionResult> {
  try {
    return await deps.executor.run(rendered, spec);
  } catch (err) {
    deps.log.error({ err }, 'executor threw');
    return {
      ok: false,
      exitCode: null,
      output: '',
      durationMs: 0,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

function what(rendered: RenderedAction): Record<string, unknown> {
  return describeRendered(rendered).detail;
}

function resultDetail(rendered: RenderedAction, r: ExecutionResult): Record<string, unknown> {
  return {
    ...what(rendered),
    ok: r.ok,
    exitCode: r.exitCode,
    durationMs: r.durationMs,
    output: r.output.slice(0, 2000),
    ...(r.error ? { error: r.error } : {}),
  };
}

function firstLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim()) ?? '';
  return clipText(line, 200);
}

// Runs an approved proposal: precondition again, approved → running (atomic), execute, record, show.
import type { Logger } from 'pino';
import type { ActionSpec } from '../config/actions';
import type { AuditRecord, ExecutionResult, Proposal, RenderedAction } from '../domain/types';
import type { Store } from '../store/port';
import { renderPrecondition } from './catalog';
import type { Executor } from './executor';
import { finish, startRunning, stepLimits, voidIt } from './transitions';
import { proposalDocs } from '../store/kinds';

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
export async function runApproved(deps: RunDeps, key: string, action: ActionSpec, approved: Proposal): Promise<Proposal> {
  const base = {
    incidentId: approved.incidentId,
    actor: 'system',
    ...(approved.investigationId !== undefined ? { investigationId: approved.investigationId } : {}),
  };
  const pre = renderPrecondition(action, approved.params);
  if (pre && action.precondition) {
    const check = await safeRun(deps, pre, action.precondition);
    await deps.audit({ ...base, kind: 'execution', detail: { proposalId: approved.id, phase: 'precondition', ...resultDetail(pre, check) } });
    if (!check.ok) {
      const note = `precondition failed: ${check.error ?? `exit ${check.exitCode}`}${check.output ? ` — ${firstLine(check.output)}` : ''}`;
      const { value, changed } = await proposalDocs.in(deps.store).update(key, (cur) => voidIt(cur, note));
      // Settled by the sweep meanwhile: it has told the thread already.
      if (!changed) return value ?? approved;
      const voided = value ?? approved;
      await deps.audit({ ...base, kind: 'decision', detail: { proposalId: approved.id, decision: 'voided', reason: note } });
      await deps.show(voided, 'update');
      await deps.show(voided, 'outcome');
      return voided;
    }
  }
  // The sweep may have settled it meanwhile (settleInterrupted): then it is not `approved` and does not run.
  const started = await proposalDocs.in(deps.store).update(key, (cur) => startRunning(cur, deps.now(), stepLimits(action)));
  if (!started.changed || !started.value) return started.value ?? approved;
  // What started and when, before it runs: if this process dies mid-run, the trail still says what may have happened.
  await deps.audit({ ...base, kind: 'execution', detail: { proposalId: approved.id, phase: 'start', actionId: approved.actionId, ...what(approved.rendered) } });
  await deps.show(started.value, 'update');

  const result = await safeRun(deps, approved.rendered, action.run);
  await deps.audit({ ...base, kind: 'execution', detail: { proposalId: approved.id, phase: 'run', actionId: approved.actionId, ...resultDetail(approved.rendered, result) } });
  const done = await proposalDocs.in(deps.store).update(key, (cur) => finish(cur, result));
  // Unchanged only if it is no longer ours to finish; show the result we recorded anyway.
  const final = done.changed && done.value ? done.value : { ...started.value, status: result.ok ? ('succeeded' as const) : ('failed' as const), result };
  await deps.show(final, 'update');
  await deps.show(final, 'outcome');
  return final;
}

async function safeRun(deps: RunDeps, rendered: RenderedAction, spec: ActionSpec['run']): Promise<ExecutionResult> {
  try {
    return await deps.executor.run(rendered, spec);
  } catch (err) {
    deps.log.error({ err }, 'executor threw');
    return { ok: false, exitCode: null, output: '', durationMs: 0, error: err instanceof Error ? err.message : String(err) };
  }
}

function what(rendered: RenderedAction): Record<string, unknown> {
  return rendered.kind === 'command' ? { argv: rendered.argv } : { method: rendered.method, url: rendered.url };
}

function resultDetail(rendered: RenderedAction, r: ExecutionResult): Record<string, unknown> {
  return { ...what(rendered), ok: r.ok, exitCode: r.exitCode, durationMs: r.durationMs, output: r.output.slice(0, 2000), ...(r.error ? { error: r.error } : {}) };
}

function firstLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim()) ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

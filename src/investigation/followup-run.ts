// Runs a follow-up job: one focused scout over the investigation's window, its finding posted in the thread.
import type { Finding, ScoutStatus } from '../domain/types';
import { pickScout } from './followup';
import type { RoundDeps } from './round';
import { runScout } from './scout';
import { StatusBoard } from './status';
import { analysisWindowOf } from './window';
import type { InvestigationJob } from './types';
import { findingDocs, investigationDocs, synthesisDocs } from '../store/kinds';
import { clipText } from '../domain/text';

/** Answers one question in the thread of `job.investigationId`; idempotent by `job.askId`. */
export async function runFollowUp(deps: RoundDeps, job: InvestigationJob): Promise<void> {
  const inv = await investigationDocs.in(deps.store).get(job.investigationId);
  if (!inv || !inv.threadTs || !job.question) return;
  const key = `followup-${job.askId ?? 'x'}`;
  const stored = await findingDocs.in(deps.store).get(`${inv.id}:${key}`);
  if (stored) {
    await deps.notifier.postFinding(inv, stored, key);
    return;
  }
  const synthesis = await synthesisDocs.in(deps.store).get(inv.id);
  const manifest = pickScout(deps.config, job.question, synthesis);
  if (!manifest) return;
  const window = analysisWindowOf(inv.window);
  const ctx = deps.contexts.get(inv.id, deps.source, window);
  const status: ScoutStatus = {
    name: manifest.name,
    state: 'queued',
    toolCalls: 0,
    maxToolCalls: manifest.budget.max_tool_calls,
    inputTokens: 0,
    outputTokens: 0,
    maxOutputTokens: manifest.budget.max_output_tokens,
  };
  // The follow-up's status is not the round's card: a board over a private map, never written.
  const board = new StatusBoard(`${inv.id}:${key}`, new Map([[manifest.name, status]]), {
    store: deps.store,
    notifier: deps.notifier,
    clock: deps.clock,
    logger: deps.logger,
    intervalMs: 3_600_000,
  });
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), manifest.budget.max_seconds * 1000 + 5000);
  timer.unref?.();
  try {
    const finding = await runScout(
      {
        store: deps.store,
        clock: deps.clock,
        logger: deps.logger,
        scoutModel: deps.config.anthropic.scoutModel,
        ...(deps.anthropic ? { anthropic: deps.anthropic } : {}),
      },
      { inv, manifest, ctx, board, signal: ac.signal, focus: job.question },
    );
    if (!finding) return;
    const answer: Finding = { ...finding, summary: `Re: “${clipText(job.question, 120)}” — ${finding.summary}` };
    await findingDocs.in(deps.store).put(`${inv.id}:${key}`, answer);
    await deps.notifier.postFinding(inv, answer, key);
  } finally {
    clearTimeout(timer);
  }
}

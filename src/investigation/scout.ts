// One scout's run: its gate, its brain (Claude when a client is configured, else the fixed plan), the
// fallback to the fixed plan on an LLM fault, the citation check, and its status on the card.
import type Anthropic from '@anthropic-ai/sdk';
import type { ScoutManifest } from '../config';
import { BudgetSpent } from '../domain/errors';
import { redactSecrets } from '../domain/redact';
import type { Clock } from '../domain/time';
import type { Finding, Investigation } from '../domain/types';
import type { Logger } from '../logging';
import type { Store } from '../store/port';
import { StoreUnavailable } from '../store/errors';
import { checkClaims } from './citations';
import { runClaudeScout } from './claude';
import type { EvidenceContext } from './context';
import { runDeterministicScout, type FindingDraft } from './deterministic';
import { RoundStopped } from './errors';
import { ToolGate, wrapUntrusted } from './gate';
import { LlmFault } from './llm';
import type { StatusBoard } from './status';

export interface ScoutRunDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  anthropic?: Anthropic;
  scoutModel: string;
}

export interface ScoutRun {
  inv: Investigation;
  manifest: ScoutManifest;
  ctx: EvidenceContext;
  board: StatusBoard;
  signal: AbortSignal;
  focus?: string;
}

/** Runs a scout to a checked Finding; null when the round was stopped before it reported. */
export async function runScout(deps: ScoutRunDeps, run: ScoutRun): Promise<Finding | null> {
  const { inv, manifest, board } = run;
  const log = deps.logger.child({ investigationId: inv.id, scout: manifest.name });
  const gates: ToolGate[] = [];
  const newGate = (signal: AbortSignal): ToolGate => {
    const g = new ToolGate(manifest, {
      store: deps.store,
      incidentId: inv.incidentId,
      investigationId: inv.id,
      ctx: run.ctx,
      clock: deps.clock,
      signal,
      onUsage: () => board.set(manifest.name, usageOf(gates)),
    });
    gates.push(g);
    return g;
  };
  board.set(manifest.name, { state: 'running', startedAt: deps.clock.now().toISOString() });
  // The scout's own wall-clock budget cuts even a slow LLM call or read short; a round stop passes through.
  const scoutAc = new AbortController();
  const onRoundAbort = (): void => scoutAc.abort(run.signal.reason);
  if (run.signal.aborted) onRoundAbort();
  run.signal.addEventListener('abort', onRoundAbort, { once: true });
  const wall = setTimeout(
    () =>
      scoutAc.abort(new BudgetSpent(`${manifest.name}: wall-clock budget of ${manifest.budget.max_seconds}s spent`)),
    manifest.budget.max_seconds * 1000,
  );
  wall.unref?.();
  const signal = scoutAc.signal;
  try {
    return await runScoutInner(deps, run, signal, log, newGate, gates);
  } finally {
    clearTimeout(wall);
    run.signal.removeEventListener('abort', onRoundAbort);
  }
}

async function runScoutInner(
  deps: ScoutRunDeps,
  run: ScoutRun,
  signal: AbortSignal,
  log: Logger,
  newGate: (signal: AbortSignal) => ToolGate,
  gates: ToolGate[],
): Promise<Finding | null> {
  const { inv, manifest, board } = run;
  let draft: FindingDraft;
  let brain: Finding['brain'] = 'deterministic';
  let fallbackReason: string | undefined;
  let budgetNote: string | undefined;
  let gate = newGate(signal);
  try {
    if (deps.anthropic) {
      brain = 'claude';
      try {
        draft = await runClaudeScout({
          client: deps.anthropic,
          model: manifest.model ?? deps.scoutModel,
          gate,
          brief: briefOf(inv, run.focus),
          signal,
        });
      } catch (err) {
        if (!(err instanceof LlmFault)) throw err;
        fallbackReason = err.reason;
        log.warn({ reason: err.reason }, 'LLM fault: falling back to the deterministic plan');
        brain = 'deterministic';
        // A fresh gate for the plan: ids the model saw stay valid in the store, but the finding cites only the plan's.
        gate = newGate(signal);
        draft = await runDeterministicScout(gate, run.ctx, run.focus);
      }
    } else {
      draft = await runDeterministicScout(gate, run.ctx, run.focus);
    }
  } catch (err) {
    if (err instanceof RoundStopped) {
      board.set(manifest.name, {
        ...usageOf(gates),
        state: 'stopped',
        finishedAt: deps.clock.now().toISOString(),
        note: err.reason === 'timeout' ? 'time budget spent' : 'stopped',
      });
      return null;
    }
    // The store failing (Redis restarting or failing over) is not the scout's fault: the round is run again.
    if (err instanceof StoreUnavailable) throw err;
    if (err instanceof BudgetSpent) {
      budgetNote = err.userMessage;
      draft = { summary: `Stopped early: ${err.userMessage}.`, claims: [], confidence: 0 };
    } else {
      log.error({ err }, 'scout failed');
      board.set(manifest.name, {
        ...usageOf(gates),
        state: 'failed',
        finishedAt: deps.clock.now().toISOString(),
        note: 'failed',
      });
      return null;
    }
  }

  const issued = new Map([...gate.issued]);
  // The model only saw redacted evidence, but what it writes goes to Slack: redact it too.
  const claimsIn = draft.claims.map((c) => ({ ...c, text: redactSecrets(c.text).text }));
  const claims = await checkClaims(claimsIn, issued, {
    onset: run.ctx.window.onset,
    anomalies: () => run.ctx.anomalies(),
    templates: () => run.ctx.templates(),
    traceOrigins: () => run.ctx.traceOrigins(),
  });
  const cited = new Set(claims.flatMap((c) => c.evidence));
  const finding: Finding = {
    investigationId: inv.id,
    scout: manifest.name,
    summary: redactSecrets(draft.summary).text,
    claims,
    confidence: Math.max(0, Math.min(1, draft.confidence)),
    brain,
    ...(fallbackReason ? { fallbackReason } : {}),
    // Evidence the claims cite first, so the post shows what matters within Slack's limits.
    evidence: [...issued.values()].sort(
      (a, b) => Number(cited.has(b.id)) - Number(cited.has(a.id)) || Number(a.id.slice(1)) - Number(b.id.slice(1)),
    ),
  };
  const state = budgetNote ? 'budget_spent' : fallbackReason ? 'fallback' : 'done';
  const note = budgetNote ?? (fallbackReason ? `fell back: ${fallbackReason}` : undefined);
  board.set(manifest.name, {
    ...usageOf(gates),
    state,
    finishedAt: deps.clock.now().toISOString(),
    ...(note ? { note } : {}),
  });
  return finding;
}

function usageOf(gates: readonly ToolGate[]): { toolCalls: number; inputTokens: number; outputTokens: number } {
  return gates.reduce(
    (s, g) => ({
      toolCalls: s.toolCalls + g.usage.toolCalls,
      inputTokens: s.inputTokens + g.usage.inputTokens,
      outputTokens: s.outputTokens + g.usage.outputTokens,
    }),
    { toolCalls: 0, inputTokens: 0, outputTokens: 0 },
  );
}

/** The first user message of a Claude scout: what happened, when, what to look at. */
function briefOf(inv: Investigation, focus?: string): string {
  return [
    `Incident investigation ${inv.id}, round ${inv.round}.`,
    `Window: baseline from ${inv.window.from}, onset ${inv.window.onset}, now ${inv.window.to}.`,
    // What someone typed in the channel is data like the evidence: between the markers, never instructions.
    focus
      ? `A person asked:\n${wrapUntrusted(focus, 'question')}`
      : 'Find what changed at the onset and what was already there before it.',
    'Use your tools, then call report_findings.',
  ].join('\n');
}

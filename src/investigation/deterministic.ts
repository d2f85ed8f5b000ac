// The deterministic brain: each scout runs the plans of the tools it was granted (each tool's `plan` in
// src/investigation/tools/) through its gate, so every claim cites the ids the gate issued; the lead ranks
// with the evidence layer's service ranking.
import type { ToolName } from '../domain/tools';
import type { DraftClaim } from './citations';
import type { EvidenceContext } from './context';
import type { ToolGate } from './gate';
import { TOOLS, type RegisteredPlan, type Tool } from './tools';

export interface FindingDraft {
  summary: string;
  claims: DraftClaim[];
  confidence: number;
}

/** The confidence of a finding no plan step vouched for. */
const BASE_CONFIDENCE = 0.3;

/** The tools whose plan a scout granted these tools runs, in plan order. */
export function plansFor(granted: readonly ToolName[]): Array<Tool & { plan: RegisteredPlan }> {
  const planned = TOOLS.filter(
    (t): t is Tool & { plan: RegisteredPlan } => t.plan !== undefined && granted.includes(t.name),
  );
  const steps = planned.filter((t) => !t.plan.fallback && (t.plan.when?.(granted) ?? true));
  return steps.length ? steps : planned.filter((t) => t.plan.fallback);
}

/** A service named in the focus text that the scout may read, to narrow its calls. */
export function focusService(
  focus: string | undefined,
  services: readonly string[],
  gate: ToolGate,
): string | undefined {
  if (!focus) return undefined;
  const words = new Set(focus.toLowerCase().split(/[^a-z0-9_-]+/));
  return services.find((s) => words.has(s.toLowerCase()) && gate.inScope(s));
}

/** Runs the scout's fixed plan; BudgetSpent and RoundStopped propagate to the runner. */
export async function runDeterministicScout(
  gate: ToolGate,
  ctx: EvidenceContext,
  focus?: string,
): Promise<FindingDraft> {
  const caps = await ctx.source.capabilities();
  const service = focusService(focus, caps.services, gate);
  const env = { ctx, inScope: (s: string) => gate.inScope(s), signals: caps.signals, ...(service ? { service } : {}) };
  const claims: DraftClaim[] = [];
  const summaries: string[] = [];
  let confidence = BASE_CONFIDENCE;
  for (const tool of plansFor(gate.allowedTools())) {
    const out = await tool.plan.run(env, (name, input) => gate.call(name, input));
    claims.push(...out.claims);
    summaries.push(out.summary);
    confidence = Math.max(confidence, out.confidence ?? 0);
  }
  return { summary: summaries.filter(Boolean).join(' '), claims, confidence };
}

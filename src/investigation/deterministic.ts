// The deterministic brain: each scout runs a fixed plan through its gate (so every claim cites the ids
// the gate issued), and the lead ranks with the evidence layer's service ranking.
import type { Evidence } from '../domain/types';
import { formatClock, formatDuration, formatEffect, formatMinute } from '../evidence/analyzers/format';
import { isErrorTemplate } from '../evidence/analyzers/ranking';
import { serviceScores } from '../evidence/analyzers/metrics';
import type { DraftClaim } from './citations';
import type { EvidenceContext } from './context';
import type { GateResult, ToolGate } from './gate';

export interface FindingDraft {
  summary: string;
  claims: DraftClaim[];
  confidence: number;
}

/** Which fixed plans a scout runs, by the tools it was granted. */
type Plan = 'changes' | 'logs' | 'metrics' | 'traces' | 'topology';

export function plansFor(tools: readonly string[]): Plan[] {
  const plans: Plan[] = [];
  if (tools.includes('changes_list')) plans.push('changes');
  if (tools.includes('logs_patterns')) plans.push('logs');
  // A changes scout reads anomalies only to correlate; the metrics plan belongs to scouts without changes.
  if (tools.includes('metrics_anomalies') && !tools.includes('changes_list')) plans.push('metrics');
  if (tools.includes('traces_analysis')) plans.push('traces');
  if (!plans.length && tools.includes('topology')) plans.push('topology');
  return plans;
}

/** A service named in the focus text that the scout may read, to narrow its calls. */
export function focusService(focus: string | undefined, services: readonly string[], gate: ToolGate): string | undefined {
  if (!focus) return undefined;
  const words = new Set(focus.toLowerCase().split(/[^a-z0-9_-]+/));
  return services.find((s) => words.has(s.toLowerCase()) && gate.inScope(s));
}

/** Runs the scout's fixed plan; BudgetSpent and RoundStopped propagate to the runner. */
export async function runDeterministicScout(gate: ToolGate, ctx: EvidenceContext, focus?: string): Promise<FindingDraft> {
  const caps = await ctx.source.capabilities();
  const service = focusService(focus, caps.services, gate);
  const svc = service ? { service } : {};
  const claims: DraftClaim[] = [];
  const summaries: string[] = [];
  let confidence = 0.3;
  for (const plan of plansFor(gate.allowedTools())) {
    if (plan === 'logs') {
      const r = await gate.call('logs_patterns', { ...svc, errors_only: true, limit: 12 });
      const out = await logsClaims(r, ctx);
      claims.push(...out.claims);
      summaries.push(out.summary);
      if (out.strong) confidence = Math.max(confidence, 0.6);
    } else if (plan === 'metrics') {
      const r = await gate.call('metrics_anomalies', { ...svc, limit: 8 });
      const out = await metricsClaims(r, ctx);
      claims.push(...out.claims);
      summaries.push(out.summary);
      if (out.strong) confidence = Math.max(confidence, 0.6);
    } else if (plan === 'changes') {
      const r = await gate.call('changes_list', { ...svc, limit: 8 });
      const out = await changesClaims(r, ctx);
      claims.push(...out.claims);
      summaries.push(out.summary);
      if (out.strong) confidence = Math.max(confidence, 0.65);
    } else if (plan === 'traces') {
      // A source without spans costs no tool call and says nothing.
      if (!caps.signals.includes('traces')) continue;
      const r = await gate.call('traces_analysis', { ...svc, limit: 8 });
      const out = await tracesClaims(r, ctx, (s) => gate.inScope(s));
      claims.push(...out.claims);
      summaries.push(out.summary);
      if (out.strong) confidence = Math.max(confidence, 0.6);
    } else {
      const r = await gate.call('topology', { ...svc });
      claims.push({ text: `Call graph: ${r.evidence.map((e) => e.excerpt).slice(0, 5).join('; ')}`, evidence: r.evidence.slice(0, 5).map((e) => e.id) });
      summaries.push(`${r.evidence.length} services in the call graph`);
    }
  }
  return { summary: summaries.filter(Boolean).join(' '), claims, confidence };
}

interface PlanOut {
  claims: DraftClaim[];
  summary: string;
  strong: boolean;
}

/** Evidence of a gate result by the ref of the item behind it. */
function byRef(r: GateResult): Map<string, Evidence> {
  const m = new Map<string, Evidence>();
  r.evidence.forEach((e, i) => {
    const ref = r.refs?.[i];
    if (ref !== undefined) m.set(ref, e);
  });
  return m;
}

async function logsClaims(r: GateResult, ctx: EvidenceContext): Promise<PlanOut> {
  const ev = byRef(r);
  const stats = (await ctx.templates()).filter((t) => ev.has(t.id) && isErrorTemplate(t));
  const rising = stats.filter((t) => t.label === 'new' || t.label === 'surging');
  const steady = stats.filter((t) => t.label === 'steady');
  const claims: DraftClaim[] = [];
  const byService = new Map<string, typeof rising>();
  for (const t of rising) byService.set(t.service, [...(byService.get(t.service) ?? []), t]);
  const services = [...byService.entries()].sort((a, b) => sum(b[1]) - sum(a[1])).slice(0, 3);
  for (const [service, list] of services) {
    const top = list.slice(0, 2);
    const desc = top
      .map((t) => (t.label === 'new' ? `new "${clip(t.template)}" (${t.incidentCount}× since ${formatClock(t.firstSeen)})` : `surging "${clip(t.template)}" (${t.baselineCount} → ${t.incidentCount})`))
      .join(' and ');
    claims.push({ text: `${service} logs errors that began at the incident: ${desc}.`, evidence: top.map((t) => (ev.get(t.id) as Evidence).id), service });
  }
  for (const t of steady.slice(0, 2)) {
    claims.push({
      text: `${t.service} "${clip(t.template)}" was already frequent before the onset (${t.baselineCount} → ${t.incidentCount}): likely a red herring.`,
      evidence: [(ev.get(t.id) as Evidence).id],
      service: t.service,
    });
  }
  const summary = rising.length
    ? `New or surging errors in ${services.map(([s]) => s).join(', ')}.`
    : 'No new or surging error templates since the onset.';
  return { claims, summary, strong: rising.some((t) => t.label === 'new') };
}

async function metricsClaims(r: GateResult, ctx: EvidenceContext): Promise<PlanOut> {
  const ev = byRef(r);
  const anomalies = (await ctx.anomalies()).filter((a) => ev.has(a.key));
  if (!anomalies.length) return { claims: [], summary: 'No metric moved at the onset.', strong: false };
  const claims: DraftClaim[] = [];
  for (const s of serviceScores(anomalies).slice(0, 3)) {
    const top = s.anomalies.slice(0, 2);
    claims.push({
      text: `${s.service}: ${top.map((a) => `${a.metric} ${formatEffect(a.baseline, a.current, a.unit)}${a.changeAt != null ? `, starting ${formatMinute(a.changeAt)}` : ''}`).join('; ')}.`,
      evidence: top.map((a) => (ev.get(a.key) as Evidence).id),
      service: s.service,
    });
  }
  const timed = anomalies.filter((a) => a.changeAt != null).sort((a, b) => (a.changeAt as number) - (b.changeAt as number));
  const first = timed[0];
  const nextOther = timed.find((a) => first && a.service !== first.service);
  // "Moved first" only when it really led: a tie at the same change point says nothing about order.
  if (first && nextOther && (nextOther.changeAt as number) > (first.changeAt as number)) {
    claims.push({
      text: `${first.service} moved first (${first.metric} at ${formatClock(first.changeAt as number)}); others followed.`,
      evidence: [(ev.get(first.key) as Evidence).id],
      service: first.service,
    });
  }
  return { claims, summary: `Strongest anomalies in ${serviceScores(anomalies).slice(0, 3).map((s) => s.service).join(', ')}.`, strong: true };
}

async function changesClaims(r: GateResult, ctx: EvidenceContext): Promise<PlanOut> {
  const ev = byRef(r);
  const scored = (await ctx.changes()).filter((c) => ev.has(c.change.id));
  const claims: DraftClaim[] = [];
  const best = scored[0];
  const strong = !!best && best.score > 0.05;
  if (best && strong) {
    claims.push({
      text: `${best.change.kind} ${best.change.service} "${clip(best.change.summary)}" at ${formatClock(best.change.time)}, ${formatDuration(best.leadSeconds)} before the onset, is the best-correlated change (score ${best.score.toFixed(2)}): ${best.reason}.`,
      evidence: [(ev.get(best.change.id) as Evidence).id],
      service: best.change.service,
    });
  }
  for (const c of scored.slice(strong ? 1 : 0, 4)) {
    if (c.score > 0.05 && c.score >= (best?.score ?? 0) / 2) continue;
    claims.push({
      text: `Discounted: ${c.change.kind} ${c.change.service} "${clip(c.change.summary)}": ${c.reason}.`,
      evidence: [(ev.get(c.change.id) as Evidence).id],
      service: c.change.service,
    });
  }
  const summary = best && strong ? `Best-correlated change: ${best.change.kind} ${best.change.service}.` : scored.length ? 'No change correlates with the onset.' : 'No changes in the lookback.';
  return { claims, summary, strong };
}

async function tracesClaims(r: GateResult, ctx: EvidenceContext, inScope: (service: string) => boolean): Promise<PlanOut> {
  const ev = byRef(r);
  const t = await ctx.traceReport();
  if (!t) return { claims: [], summary: '', strong: false };
  const claims: DraftClaim[] = [];
  const errorOrigin = t.errorOrigins.find((o) => o.strength > 0 && ev.has(`error_origin:${o.service}`));
  if (errorOrigin) {
    const prop = errorOrigin.propagatedTo.filter(inScope);
    claims.push({
      text: `Traces: errors start in ${errorOrigin.external ? 'external dependency ' : ''}${errorOrigin.service} (${errorOrigin.spans.incident} failing spans whose children succeed since the onset, ${errorOrigin.spans.baseline} before)${prop.length ? `; its failing callers only propagate them (${prop.join(', ')})` : ''}.`,
      evidence: [(ev.get(`error_origin:${errorOrigin.service}`) as Evidence).id],
      service: errorOrigin.service,
    });
  }
  const latencyOrigin = t.latencyOrigins.find((o) => ev.has(`latency_origin:${o.service}`));
  if (latencyOrigin) {
    claims.push({
      text: `Traces: ${latencyOrigin.external ? 'external dependency ' : ''}${latencyOrigin.service} adds the latency: its own time per trace went from ${Math.round(latencyOrigin.baselineMs)}ms to ${Math.round(latencyOrigin.incidentMs)}ms since the onset.`,
      evidence: [(ev.get(`latency_origin:${latencyOrigin.service}`) as Evidence).id],
      service: latencyOrigin.service,
    });
  }
  const named = [errorOrigin, latencyOrigin].filter((o) => o !== undefined).map((o) => o.service);
  const summary = named.length ? `Traces point at ${[...new Set(named)].join(' and ')}.` : 'Traces show no service where errors start or latency grew.';
  return { claims, summary, strong: Math.max(errorOrigin?.strength ?? 0, latencyOrigin?.strength ?? 0) >= 0.5 };
}

function sum(list: Array<{ incidentCount: number }>): number {
  return list.reduce((s, t) => s + t.incidentCount, 0);
}

function clip(s: string, n = 80): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= n ? one : `${one.slice(0, n - 1)}…`;
}

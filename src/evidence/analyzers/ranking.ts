// Service ranking: metric anomalies + new log errors + correlated changes, judged through the call graph.
// A caller's symptoms are usually explained by an anomalous dependency; the dependency is the better suspect
// unless the caller carries its own cause (a new error of its own and a change right before onset).

import type { ChangeScore, RedHerringReport, SeriesAnomaly, Suspect, TemplateStat, Topology } from '../types';
import { formatClock, formatDuration, formatScore, formatValue } from './format';
import { dependencies } from './graph';
import { serviceScores, type ServiceScore } from './metrics';
import type { TraceSignal } from './traces';

export interface RankInput {
  anomalies: SeriesAnomaly[];
  templates: TemplateStat[];
  changes: ChangeScore[];
  topology: Topology | null;
  /** Where traces say errors start and latency is added (own-service evidence). */
  traceSignals?: TraceSignal[];
}

export interface Ranking {
  suspects: Suspect[];
  redHerrings: RedHerringReport[];
}

/** Change score above which a change counts as "right before onset" for the caller exception. */
const OWN_CHANGE = 0.25;
/** Factor applied to a service whose symptoms an anomalous dependency explains. */
const EXPLAINED = 0.3;
/** Score a trace signal of strength 1 adds: about a strong new error of the service's own. */
const TRACE_WEIGHT = 2;
/** Trace error-origin strength at which errors are the service's own, not a dependency's. */
const OWN_TRACE_ORIGIN = 0.3;

/** Whether a template reads as an error (by level, else by wording). */
export function isErrorTemplate(t: Pick<TemplateStat, 'level' | 'template'>): boolean {
  if (t.level) return /err|fatal|crit|panic|severe|alert|emerg|warn/i.test(t.level);
  return /\b(error|exception|fail(ed|ure)?|timeout|timed out|refused|panic|traceback|fatal)\b/i.test(t.template);
}

function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/** One line for an anomaly: `p99 latency 118ms → 2.31s (+19 IQR) from 03:02:10Z`. */
export function describeAnomaly(a: SeriesAnomaly): string {
  const at = a.changeAt != null ? ` from ${formatClock(a.changeAt)}` : '';
  return `${a.metric} ${formatValue(a.baseline, a.unit)} → ${formatValue(a.current, a.unit)} (${formatScore(a.score)})${at}`;
}

function describeTemplate(t: TemplateStat): string {
  const rate = t.label === 'new' ? `new, ${t.incidentCount}× since ${formatClock(t.firstSeen)}` : `${t.baselineCount} → ${t.incidentCount}, ×${t.ratio.toFixed(1)}`;
  return `log "${clip(t.template, 90)}" (${rate})`;
}

interface Acc {
  service: string;
  metric: ServiceScore | undefined;
  errors: TemplateStat[];
  change: ChangeScore | undefined;
  /** The strongest trace signal of its own, if any. */
  trace: TraceSignal | undefined;
  score: number;
  evidence: string[];
  against: string[];
  explainedBy: string[];
  /** The unexplained dependency that best explains this service's symptoms. */
  explainer: string | undefined;
  explains: string[];
}

/** Ranks suspect services and names the red herrings (see file comment for the rules). */
export function rankServices(input: RankInput): Ranking {
  const { anomalies, templates, changes, topology } = input;
  const traces = input.traceSignals ?? [];
  const metric = new Map(serviceScores(anomalies).map((s) => [s.service, s]));
  const errorTemplates = templates.filter(isErrorTemplate);
  const rising = errorTemplates.filter((t) => t.label === 'new' || t.label === 'surging');
  const services = new Set<string>([...metric.keys(), ...rising.map((t) => t.service), ...traces.map((t) => t.service)]);
  const accs = new Map<string, Acc>();
  for (const service of services) {
    const m = metric.get(service);
    const errs = rising.filter((t) => t.service === service).sort((a, b) => b.incidentCount - a.incidentCount);
    const change = changes.find((c) => c.change.service === service && c.score > 0.05);
    // Log evidence saturates: three new error templates say about as much as ten.
    const logScore = Math.min(1.5, errs.reduce((s, t) => s + (t.label === 'new' ? 0.5 : 0.3) * Math.min(1, Math.log10(1 + t.incidentCount)), 0));
    const own = traces.filter((t) => t.service === service);
    const score = (m?.score ?? 0) + logScore + 3 * (change?.score ?? 0) + TRACE_WEIGHT * own.reduce((s, t) => s + t.strength, 0);
    const evidence: string[] = [];
    for (const a of (m?.anomalies ?? []).slice(0, 3)) evidence.push(describeAnomaly(a));
    for (const t of errs.slice(0, 2)) evidence.push(describeTemplate(t));
    if (change) evidence.push(`${change.change.kind} ${change.change.summary} ${formatDuration(change.leadSeconds)} before onset`);
    for (const t of own) evidence.push(t.evidence);
    const trace = [...own].sort((x, y) => y.strength - x.strength)[0];
    accs.set(service, { service, metric: m, errors: errs, change, trace, score, evidence, against: [], explainedBy: [], explainer: undefined, explains: [] });
  }
  const traceOrigin = (a: Acc): boolean => traces.some((t) => t.service === a.service && t.kind === 'error_origin' && t.strength >= OWN_TRACE_ORIGIN);
  const ownCause = (a: Acc): boolean => (a.errors.some((t) => t.label === 'new') && (a.change?.score ?? 0) >= OWN_CHANGE) || traceOrigin(a);
  const isMetricAnomalous = (s: string): boolean => metric.has(s);
  // 1) Which services are explained by an anomalous dependency.
  for (const a of accs.values()) {
    const deps = dependencies(topology, a.service).filter(isMetricAnomalous);
    if (!deps.length) continue;
    if (ownCause(a)) {
      const why = traceOrigin(a) ? 'traces show errors starting in it' : 'has its own new errors and a change right before onset';
      a.against.push(`depends on anomalous ${deps.join(', ')}, but ${why}`);
      continue;
    }
    a.explainedBy = deps;
  }
  // 2) Unexplained services explain their anomalous dependents' symptoms; a dependency whose caller carries its own cause is partly explained by it.
  for (const a of accs.values()) {
    if (a.explainedBy.length) continue;
    const causes = [...accs.values()].filter((c) => c !== a && ownCause(c) && dependencies(topology, c.service).includes(a.service));
    if (causes.length) {
      a.score *= 0.6;
      a.against.push(`its caller ${causes.map((c) => c.service).join(', ')} changed right before onset and has its own new errors`);
    }
  }
  const roots = [...accs.values()].filter((a) => !a.explainedBy.length);
  for (const a of accs.values()) {
    if (!a.explainedBy.length) continue;
    const explainer = roots
      .filter((r) => a.explainedBy.includes(r.service))
      .sort((x, y) => y.score - x.score)[0];
    const by = explainer?.service ?? (a.explainedBy[a.explainedBy.length - 1] as string);
    a.explainer = by;
    a.score *= EXPLAINED;
    a.against.push(`downstream of anomalous ${by}: its symptoms are explained by that dependency`);
    if (explainer) explainer.explains.push(a.service);
  }
  for (const r of roots) {
    if (!r.explains.length) continue;
    r.score += Math.min(1, 0.3 * r.explains.length);
    r.evidence.push(`explains symptoms in ${r.explains.join(', ')} (they call it)`);
  }
  const ordered = [...accs.values()].sort((x, y) => y.score - x.score || x.service.localeCompare(y.service));
  const suspects: Suspect[] = ordered.map((a) => ({
    service: a.service,
    score: Math.round(a.score * 1000) / 1000,
    reason: reasonOf(a),
    change: a.change && a.change.score >= 0.1 ? a.change.change.id : null,
    evidence: a.evidence,
    against: a.against,
  }));
  return { suspects, redHerrings: redHerrings(ordered, errorTemplates, changes, metric) };
}

function reasonOf(a: Acc): string {
  const parts: string[] = [];
  if (a.metric) parts.push(describeAnomaly(a.metric.top));
  else if (a.trace) parts.push(a.trace.evidence);
  const t = a.errors[0];
  if (t) parts.push(`${t.label} error "${clip(t.template, 60)}"`);
  if (a.change && a.change.score >= 0.1) parts.push(`${a.change.change.kind} ${a.change.change.summary} ${formatDuration(a.change.leadSeconds)} before onset`);
  if (a.explainer) parts.push(`likely downstream of ${a.explainer}`);
  return `${a.service}: ${parts.join('; ')}`;
}

function redHerrings(ordered: Acc[], errorTemplates: TemplateStat[], changes: ChangeScore[], metric: Map<string, ServiceScore>): RedHerringReport[] {
  const out: RedHerringReport[] = [];
  const top = ordered[0];
  for (const a of ordered) {
    if (!a.explainedBy.length || !a.metric) continue;
    const by = a.explainer ?? a.explainedBy[0] ?? '';
    const cause = metric.get(by)?.top;
    out.push({
      kind: 'downstream_symptom',
      service: a.service,
      what: `${a.service} ${describeAnomaly(a.metric.top)}`,
      why: `downstream symptom: ${a.service}'s ${a.metric.top.metric} follows ${by}'s ${cause ? cause.metric : 'anomaly'} (${a.service} depends on ${by})`,
    });
  }
  // "Steady" means a similar rate before and during: at most twice the baseline rate.
  const steady = errorTemplates.filter((t) => t.label === 'steady' && t.ratio <= 2).sort((a, b) => b.incidentCount - a.incidentCount);
  for (const t of steady.slice(0, 5)) {
    out.push({
      kind: 'steady_error',
      service: t.service,
      what: `${t.service} ${clip(t.template, 90)}`,
      why: `already frequent before onset: ${t.baselineCount} in the baseline vs ${t.incidentCount} during (×${t.ratio.toFixed(1)} rate)`,
    });
  }
  for (const c of changes) {
    const sameHour = c.leadSeconds <= 3600 && c.leadSeconds >= -3600;
    if (!sameHour || c.change.service === top?.service) continue;
    if (c.leadSeconds < 0) {
      out.push({ kind: 'unrelated_change', service: c.change.service, what: `${c.change.kind} ${c.change.summary}`, why: `came ${formatDuration(c.leadSeconds)} after onset` });
    } else if (!c.serviceAnomalous && !c.dependencyAnomalous) {
      out.push({
        kind: 'unrelated_change',
        service: c.change.service,
        what: `${c.change.kind} ${c.change.summary}`,
        why: `${formatDuration(c.leadSeconds)} before onset, but ${c.change.service} shows no anomaly and calls no anomalous service`,
      });
    }
  }
  return out;
}

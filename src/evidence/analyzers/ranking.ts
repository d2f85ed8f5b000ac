// Service ranking that reasons rather than multiplies. Each service's score is its own evidence: metric
// anomalies (moves that hurt users), its new errors, its deploy, trace signals. Then the call graph:
// latency and errors travel UP to callers, load drops travel DOWN to callees. A service is a downstream
// symptom only when all it shows is such propagated symptoms, a service it calls (or that calls it, for a
// load drop) moved no later, and it has no evidence of its own (resource saturation, its own new errors,
// trace origin). A cause is never demoted merely because something it calls also moved. Dependencies
// outside the topology that callers' errors name (hosts, TLS failures) become suspects of their own.

import type { ChangeScore, RedHerringReport, SeriesAnomaly, Suspect, TemplateStat, Topology } from '../types';
import { confidences, likelihood } from './confidence';
import { externalMentions, withHostMentions, type ExternalMention, type HostMention } from './external';
import { formatClock, formatDuration, formatEffect, formatMinute } from './format';
import { dependencies, dependents } from './graph';
import { anomalyStrength, isBadMove, serviceScores, type ServiceScore } from './metrics';
import { clipLine } from '../../domain/text';

/** Own-service evidence from traces (the traces analyzer fills it): where errors or latency originate. */
export interface TraceSignal {
  service: string;
  kind: 'error_origin' | 'latency_origin';
  strength: number /*0..1*/;
  evidence: string;
}

export interface RankInput {
  anomalies: SeriesAnomaly[];
  templates: TemplateStat[];
  changes: ChangeScore[];
  topology: Topology | null;
  traceSignals?: Array<{
    service: string;
    kind: 'error_origin' | 'latency_origin';
    strength: number /*0..1*/;
    evidence: string;
  }>;
  /** Hosts named in full error events (multi-line ones too), new since the onset's interval. */
  hostMentions?: HostMention[];
  /** Start of the onset's interval: host mentions first seen before it are old news. */
  onsetLo?: number;
  /** Services the incident's own words name (the symptom people reported; see window.ts namedServices). */
  symptoms?: string[];
  /** Services that have metrics at all: a call path may pass through an unobserved service, not an observed quiet one. */
  observed?: string[];
  /** Sampling step of the metrics (ms): moves within 1.5 steps of each other are "at the same time". */
  stepMs?: number;
}

export interface Ranking {
  suspects: Suspect[];
  redHerrings: RedHerringReport[];
}

/** Factor applied to a service whose symptoms an anomalous neighbour explains and that has nothing of its own. */
const EXPLAINED = 0.3;
/** Own evidence at or above this (saturation strength, own new errors, trace origin) exempts from "explained". */
const OWN = 0.5;
/** Errors that report a failing call rather than a fault of one's own (they travel up like latency). */
const CLIENT_ERROR =
  /upstream|downstream|deadline|timed? ?out|refused|unavailable|unreachable|bad gateway|gateway|\b50[234]\b|circuit|retr(y|ies|ying)|call(ing)? [^ ]+ failed|failed (to )?(call|connect|reach)|connection (reset|closed)|no healthy/i;

/** Two change times closer than this are "at the same time" (scrape jitter, onset uncertainty). */
const SAME_TIME_MS = 60_000;

/** Whether a template reads as an error (by level, else by wording). */
export function isErrorTemplate(t: Pick<TemplateStat, 'level' | 'template'>): boolean {
  if (t.level) return /err|fatal|crit|panic|severe|alert|emerg|warn/i.test(t.level);
  return /\b(error|exception|fail(ed|ure)?|timeout|timed out|refused|panic|traceback|fatal)\b/i.test(t.template);
}

/** One line for an anomaly: `p99 latency from 118ms to 2.31s (20×), starting 03:02 UTC`. */
export function describeAnomaly(a: SeriesAnomaly): string {
  const at = a.changeAt != null ? `, starting ${formatMinute(a.changeAt)}` : '';
  const sib = a.vsSiblings ? ' vs its siblings (new instance)' : '';
  return `${a.metric} ${formatEffect(a.baseline, a.current, a.unit)}${sib}${at}`;
}

function describeTemplate(t: TemplateStat): string {
  const rate =
    t.label === 'new'
      ? `new, ${t.incidentCount}× since ${formatClock(t.firstSeen)}`
      : `${t.baselineCount} → ${t.incidentCount}, ×${t.ratio.toFixed(1)}`;
  return `log "${clipLine(t.template, 90)}" (${rate})`;
}

interface Acc {
  service: string;
  metric: ServiceScore | undefined;
  errors: TemplateStat[];
  /** Own new errors that do not name another dependency. */
  ownErrors: TemplateStat[];
  change: ChangeScore | undefined;
  external: ExternalMention | undefined;
  traces: number;
  /** Strength of the evidence that is the service's own (not a symptom that travels along calls). */
  own: number;
  /** Earliest bad move (ms), NaN when unknown. */
  first: number;
  score: number;
  kinds: number;
  evidence: string[];
  against: string[];
  explainedBy: string[];
  explainer: string | undefined;
  explains: string[];
  /** Set by the symptom rules: its move does not explain the reported symptom, so it explains no one else's. */
  unrelated: boolean;
}

const SYMPTOM_UP = new Set<SeriesAnomaly['kind']>(['latency', 'errors']);

function badMoves(m: ServiceScore | undefined): SeriesAnomaly[] {
  return (m?.anomalies ?? []).filter((a) => isBadMove(a));
}

/** Ranks suspect services and names the red herrings (see file comment for the rules). */
export function rankServices(input: RankInput): Ranking {
  const { anomalies, templates, changes, topology } = input;
  const traceSignals = input.traceSignals ?? [];
  const metric = new Map(serviceScores(anomalies).map((s) => [s.service, s]));
  const errorTemplates = templates.filter(isErrorTemplate);
  const rising = errorTemplates.filter((t) => t.label === 'new' || t.label === 'surging');
  const known = new Set<string>([
    ...(topology?.services.map((s) => s.name) ?? []),
    ...metric.keys(),
    ...templates.map((t) => t.service),
    ...changes.map((c) => c.change.service),
  ]);
  const mentions = externalMentions(
    withHostMentions(rising, input.hostMentions ?? [], (input.onsetLo ?? -Infinity) - 5 * 60_000),
    known,
  );
  const mentioned = new Map(mentions.map((m) => [m.name, m]));
  const textOf = (t: TemplateStat): string => [t.template, ...t.samples.slice(0, 3)].join(' ').toLowerCase();
  const names = (t: TemplateStat, name: string): boolean =>
    new RegExp(`(^|[^a-z0-9_-])${escapeRe(name.toLowerCase())}([^a-z0-9_-]|$)`).test(textOf(t));
  // A rising error that reports a failing call, or names a dependency or a named external, is not the service's own.
  const naming = new Set(
    rising
      .filter(
        (t) =>
          CLIENT_ERROR.test(textOf(t)) ||
          dependencies(topology, t.service).some((d) => names(t, d)) ||
          mentions.some((m) => m.callers.includes(t.service)),
      )
      .map((t) => t.id),
  );
  const services = new Set<string>([
    ...metric.keys(),
    ...rising.map((t) => t.service),
    ...traceSignals.map((t) => t.service),
    ...mentions.map((m) => m.name),
  ]);
  const accs = new Map<string, Acc>();
  for (const service of services) {
    const m = metric.get(service);
    const errs = rising.filter((t) => t.service === service).sort((a, b) => b.incidentCount - a.incidentCount);
    const ownErrors = errs.filter((t) => t.label === 'new' && !naming.has(t.id));
    const change = changes.find((c) => c.change.service === service && c.score > 0.05);
    const external = mentioned.get(service);
    const traces = Math.min(
      1,
      traceSignals.filter((t) => t.service === service).reduce((s, t) => s + Math.max(0, Math.min(1, t.strength)), 0),
    );
    const bad = badMoves(m);
    const saturation = Math.max(0, ...bad.filter((a) => a.kind === 'saturation').map((a) => anomalyStrength(a)));
    // Log evidence saturates: three new error templates say about as much as ten.
    const logScore = Math.min(
      1.5,
      errs.reduce((s, t) => s + (t.label === 'new' ? 0.5 : 0.3) * Math.min(1, Math.log10(1 + t.incidentCount)), 0),
    );
    // A named dependency also carries half its callers' strongest symptoms: it is offered as their cause.
    const callerSymptoms = external ? Math.max(0, ...external.callers.map((c) => metric.get(c)?.score ?? 0)) : 0;
    const extScore = external
      ? Math.min(
          2,
          0.8 * external.callers.length + (external.tls ? 0.7 : 0) + 0.3 * Math.min(1, Math.log10(1 + external.count)),
        ) +
        0.5 * callerSymptoms
      : 0;
    const own = saturation + (ownErrors.length ? 0.6 : 0) + traces + extScore;
    const score = (m?.score ?? 0) + logScore + 3 * (change?.score ?? 0) + 1.5 * traces + extScore;
    const times = [...bad.map((a) => a.changeAt ?? Number.NaN), ...errs.map((t) => t.firstSeen)].filter(
      Number.isFinite,
    );
    const kinds = [
      saturation > 0,
      bad.some((a) => a.kind !== 'saturation'),
      errs.length > 0,
      (change?.score ?? 0) >= 0.1,
      traces > 0,
      external !== undefined,
    ].filter(Boolean).length;
    const evidence: string[] = [];
    for (const a of (m?.anomalies ?? []).slice(0, 3)) evidence.push(describeAnomaly(a));
    for (const t of errs.slice(0, 2)) evidence.push(describeTemplate(t));
    for (const t of traceSignals.filter((x) => x.service === service).slice(0, 2))
      evidence.push(`trace: ${t.evidence}`);
    if (external)
      evidence.push(
        `${external.callers.length} caller(s) (${external.callers.join(', ')}) fail talking to it${external.tls ? ' with TLS/certificate errors' : ''}: "${clipLine(external.sample, 90)}"`,
      );
    if (change)
      evidence.push(
        `${change.change.kind} ${change.change.summary} ${formatDuration(change.leadSeconds)} ${change.leadSeconds >= 0 ? 'before' : 'after'} onset`,
      );
    accs.set(service, {
      service,
      metric: m,
      errors: errs,
      ownErrors,
      change,
      external,
      traces,
      own,
      first: times.length ? Math.min(...times) : Number.NaN,
      score,
      kinds,
      evidence,
      against: [],
      explainedBy: [],
      explainer: undefined,
      explains: [],
      unrelated: false,
    });
  }
  offSymptomPath(accs, topology, input.symptoms ?? [], new Set(input.observed ?? []));
  notWithSymptom(accs, input.symptoms ?? [], Math.max(SAME_TIME_MS, 1.5 * (input.stepMs ?? 0)));
  explain(accs, topology, mentions);
  const ordered = [...accs.values()].sort((x, y) => y.score - x.score || x.service.localeCompare(y.service));
  const conf = confidences(ordered.map((a) => ({ score: a.score, kinds: a.kinds })));
  const suspects: Suspect[] = ordered.map((a, i) => {
    const c = conf[i] ?? 0;
    return {
      service: a.service,
      score: Math.round(a.score * 1000) / 1000,
      reason: reasonOf(a),
      change: a.change && a.change.score >= 0.1 ? a.change.change.id : null,
      evidence: a.evidence,
      against: a.against,
      confidence: c,
      likelihood: likelihood(c),
    };
  });
  return { suspects, redHerrings: redHerrings(ordered, errorTemplates, changes, metric, topology) };
}

/** Strength of a service's strongest move that can travel up to its callers (latency, errors, saturation). */
function causeStrength(a: Acc): number {
  return Math.max(
    0,
    ...badMoves(a.metric)
      .filter((x) => x.kind !== 'traffic')
      .map((x) => anomalyStrength(x)),
  );
}

/** Largest latency increase of a service in seconds (NaN when it has no latency move in seconds). */
function addedSeconds(a: Acc): number {
  const d = badMoves(a.metric)
    .filter((x) => x.kind === 'latency' && x.unit === 's')
    .map((x) => x.current - x.baseline);
  return d.length ? Math.max(...d) : Number.NaN;
}

/**
 * Latency a callee adds reaches its caller, but no more than it added: a callee 45 ms slower does not explain
 * a caller 210 ms slower, which then added most of it itself. Without latency in seconds on both, no veto.
 */
function addsEnough(dep: Acc, caller: Acc): boolean {
  const mine = addedSeconds(caller);
  const theirs = addedSeconds(dep);
  if (!Number.isFinite(mine) || !Number.isFinite(theirs) || mine <= 0) return true;
  return theirs >= 0.5 * mine;
}

/** Whether `cause` moved no later than `effect` (unknown times do not contradict). */
function noLater(cause: Acc, effect: Acc): boolean {
  if (!Number.isFinite(cause.first) || !Number.isFinite(effect.first)) return true;
  return cause.first <= effect.first + SAME_TIME_MS;
}

/** Marks downstream symptoms (up the callers, down the callees, and callers of a named external). */
function explain(accs: Map<string, Acc>, topology: Topology | null, mentions: ExternalMention[]): void {
  const list = [...accs.values()];
  for (const a of list) {
    if (a.own >= OWN) continue;
    const bad = badMoves(a.metric);
    const symptomsUp = bad.length > 0 && bad.every((x) => SYMPTOM_UP.has(x.kind) || x.kind === 'traffic');
    const onlyLoadDrop = bad.length > 0 && bad.every((x) => x.kind === 'traffic' && x.direction === 'down');
    const by: string[] = [];
    // A dependency explains these symptoms only with a move of comparable weight (noise does not explain +90 IQR).
    const symptom = Math.max(0, ...bad.map((x) => anomalyStrength(x)));
    if (symptomsUp || (!bad.length && a.errors.length)) {
      // Latency and errors travel up: a callee (direct or further) that moved with a cause-like signal, no later.
      for (const d of dependencies(topology, a.service)) {
        const dep = accs.get(d);
        if (
          dep &&
          dep !== a &&
          !dep.unrelated &&
          (causeStrength(dep) >= 0.4 * symptom || dep.own >= OWN) &&
          noLater(dep, a) &&
          addsEnough(dep, a)
        )
          by.push(d);
      }
      for (const m of mentions) if (m.callers.includes(a.service) && m.name !== a.service) by.push(m.name);
    }
    if (onlyLoadDrop) {
      // Load drops travel down: a caller that is failing sends less traffic to this service.
      for (const c of dependents(topology, a.service)) {
        const caller = accs.get(c);
        if (
          caller &&
          !caller.unrelated &&
          badMoves(caller.metric).some((x) => SYMPTOM_UP.has(x.kind) || x.kind === 'saturation') &&
          noLater(caller, a)
        )
          by.push(c);
      }
    }
    a.explainedBy = [...new Set(by)];
  }
  for (const a of list) {
    if (!a.explainedBy.length) continue;
    const candidates = a.explainedBy.map((s) => accs.get(s)).filter((x): x is Acc => x !== undefined);
    const roots = candidates.filter((c) => !c.explainedBy.length);
    const explainer = (roots.length ? roots : candidates).sort((x, y) => y.score - x.score)[0];
    const by = explainer?.service ?? (a.explainedBy[0] as string);
    a.explainer = by;
    a.score *= EXPLAINED;
    a.against.push(
      `downstream of anomalous ${by}: its symptoms are explained by that dependency, and it shows nothing of its own`,
    );
    if (explainer) explainer.explains.push(a.service);
  }
  for (const r of list) {
    if (!r.explains.length || r.explainedBy.length) continue;
    r.score += Math.min(1, 0.3 * r.explains.length);
    r.evidence.push(`explains symptoms in ${r.explains.join(', ')}`);
    r.kinds += 1;
  }
  // Which service moved first is evidence too: the earliest mover among anomalous neighbours.
  for (const a of list) {
    if (!Number.isFinite(a.first) || a.explainedBy.length) continue;
    const neighbours = [...dependencies(topology, a.service), ...dependents(topology, a.service)]
      .map((s) => accs.get(s))
      .filter((x): x is Acc => !!x && Number.isFinite(x.first));
    if (neighbours.length && neighbours.every((n) => a.first < n.first - SAME_TIME_MS)) {
      a.score += 0.3;
      a.evidence.push(`moved first: ${formatClock(a.first)}, before its anomalous neighbours`);
    }
  }
}

/** Factor for a service whose move cannot reach the reported symptom: no anomalous call path joins them. */
const OFF_PATH = 0.4;
/** Robust score of a move that can carry a fault up a call path (beyond the detector's own floor of 3). */
const CARRY_SCORE = 5;

function anomalous(a: Acc | undefined): boolean {
  return !!a && (badMoves(a.metric).length > 0 || a.errors.length > 0 || a.traces > 0 || a.external !== undefined);
}

/**
 * A fault reaches the symptom people reported by travelling up the callers, so every service between the
 * cause and the symptom shows it too. When the reported service moved and the topology places it, services
 * that no chain of anomalous callees joins to it moved for another reason (another day's level, an
 * unrelated job): they drop below those that do. Services outside the topology, and externals whose
 * callers are on the path, are not judged by it.
 */
function offSymptomPath(
  accs: Map<string, Acc>,
  topology: Topology | null,
  symptoms: readonly string[],
  observed: ReadonlySet<string>,
): void {
  if (!topology) return;
  const inTopology = new Set(topology.services.map((s) => s.name));
  const starts = symptoms.filter((s) => inTopology.has(s) && anomalous(accs.get(s)));
  if (!starts.length) return;
  const calls = new Map(topology.services.map((s) => [s.name, s.calls]));
  // A quiet observed service blocks the path; one without metrics (not instrumented) does not. A move that
  // carries a fault up is clearly beyond the baseline's noise (a 3-4 spread wiggle of one statistic is not).
  const carries = (a: Acc | undefined): boolean =>
    !!a &&
    (a.errors.length > 0 ||
      a.traces > 0 ||
      a.external !== undefined ||
      badMoves(a.metric).some((x) => Math.abs(x.score) >= CARRY_SCORE));
  const passable = (n: string): boolean =>
    carries(accs.get(n)) || (observed.size > 0 && !observed.has(n) && !accs.has(n));
  const onPath = new Set<string>(starts);
  const queue = [...starts];
  while (queue.length) {
    const s = queue.shift() as string;
    for (const c of calls.get(s) ?? []) {
      if (onPath.has(c) || !passable(c)) continue;
      onPath.add(c);
      queue.push(c);
    }
  }
  const reached = [...accs.values()].filter((a) => onPath.has(a.service) && anomalous(a));
  if (reached.length <= starts.length) return; // nothing below the symptom moved: the rule says nothing
  for (const a of accs.values()) {
    if (onPath.has(a.service) || !inTopology.has(a.service)) continue;
    if (a.external && a.external.callers.some((c) => onPath.has(c))) continue;
    a.score *= OFF_PATH;
    a.unrelated = true;
    a.against.push(
      `no anomalous call path joins it to the reported symptom (${starts.join(', ')}): its move does not explain it`,
    );
  }
}

/** Factor for a service that moved well before the reported symptom and not when the symptom moved. */
const BEFORE_SYMPTOM = 0.5;

/**
 * The reported symptom dates the incident: its first bad move. A cause moves with it or shortly before; a
 * service whose every bad move began more than `tol` before the symptom moved, with none when it moved,
 * was already in that state while the symptom was healthy (another day's level, a drift, an old fault) and
 * did not start this incident. Services with undated moves or with their own evidence are not judged.
 */
function notWithSymptom(accs: Map<string, Acc>, symptoms: readonly string[], tol: number): void {
  const starts = symptoms.map((s) => accs.get(s)).filter((a): a is Acc => !!a && Number.isFinite(a.first));
  if (!starts.length) return;
  const at = Math.min(...starts.map((a) => a.first));
  for (const a of accs.values()) {
    if (starts.includes(a) || a.own >= OWN || (a.change?.score ?? 0) >= 0.1) continue;
    // Its strongest move dates it (a weak wiggle of another statistic does not).
    const top = badMoves(a.metric).sort((x, y) => anomalyStrength(y) - anomalyStrength(x))[0];
    const t = top?.changeAt;
    if (t == null || !Number.isFinite(t) || t >= at - tol) continue;
    a.score *= BEFORE_SYMPTOM;
    a.unrelated = true;
    a.against.push(
      `its strongest move began at ${formatClock(t)}, well before the reported symptom moved (${formatClock(at)})`,
    );
  }
}

function reasonOf(a: Acc): string {
  const parts: string[] = [];
  if (a.metric) parts.push(describeAnomaly(a.metric.top));
  const t = a.errors[0];
  if (t) parts.push(`${t.label} error "${clipLine(t.template, 60)}"`);
  if (a.external && !a.metric && !a.errors.length)
    parts.push(
      `${a.external.known ? '' : 'external dependency '}named by failing callers ${a.external.callers.join(', ')}${a.external.tls ? ' (TLS/certificate errors)' : ''}`,
    );
  for (const t of a.evidence.filter((e) => e.startsWith('trace: ')).slice(0, 1)) parts.push(t);
  if (a.change && a.change.score >= 0.1)
    parts.push(
      `${a.change.change.kind} ${a.change.change.summary} ${formatDuration(a.change.leadSeconds)} ${a.change.leadSeconds >= 0 ? 'before' : 'after'} onset`,
    );
  if (a.explainer) parts.push(`likely downstream of ${a.explainer}`);
  return `${a.service}: ${parts.join('; ')}`;
}

function redHerrings(
  ordered: Acc[],
  errorTemplates: TemplateStat[],
  changes: ChangeScore[],
  metric: Map<string, ServiceScore>,
  topology: Topology | null,
): RedHerringReport[] {
  const out: RedHerringReport[] = [];
  const top = ordered[0];
  const byService = new Map(ordered.map((a) => [a.service, a]));
  for (const a of ordered) {
    if (!a.explainedBy.length || !a.metric) continue;
    const by = a.explainer ?? a.explainedBy[0] ?? '';
    const cause = metric.get(by)?.top;
    out.push({
      kind: 'downstream_symptom',
      service: a.service,
      what: `${a.service} ${describeAnomaly(a.metric.top)}`,
      why: `downstream symptom: ${a.service}'s ${a.metric.top.metric} follows ${by}'s ${cause ? cause.metric : 'anomaly'} (${dependencies(topology, a.service).includes(by) ? `${a.service} depends on ${by}` : dependents(topology, a.service).includes(by) ? `${by} calls ${a.service}: less load reaches it` : `${a.service}'s errors name ${by}`})`,
    });
  }
  // "Steady" means a similar rate before and during: at most twice the baseline rate.
  const steady = errorTemplates
    .filter((t) => t.label === 'steady' && t.ratio <= 2)
    .sort((a, b) => b.incidentCount - a.incidentCount);
  for (const t of steady.slice(0, 5)) {
    out.push({
      kind: 'steady_error',
      service: t.service,
      what: `${t.service} ${clipLine(t.template, 90)}`,
      why: `already frequent before onset: ${t.baselineCount} in the baseline vs ${t.incidentCount} during (×${t.ratio.toFixed(1)} rate)`,
    });
  }
  for (const c of changes) {
    const sameHour = c.leadSeconds <= 3600 && c.leadSeconds >= -3600;
    if (!sameHour || c.change.service === top?.service) continue;
    if (c.leadSeconds < 0) {
      out.push({
        kind: 'unrelated_change',
        service: c.change.service,
        what: `${c.change.kind} ${c.change.summary}`,
        why: `came ${formatDuration(c.leadSeconds)} after onset`,
      });
    } else if (!c.serviceAnomalous && !c.dependencyAnomalous) {
      out.push({
        kind: 'unrelated_change',
        service: c.change.service,
        what: `${c.change.kind} ${c.change.summary}`,
        why: `${formatDuration(c.leadSeconds)} before onset, but ${c.change.service} shows no anomaly and calls no anomalous service`,
      });
    } else if (
      top?.change &&
      c.change.id !== top.change.change.id &&
      (byService.get(c.change.service)?.own ?? 0) < OWN
    ) {
      out.push({
        kind: 'unrelated_change',
        service: c.change.service,
        what: `${c.change.kind} ${c.change.summary}`,
        why: `concurrent with ${top.change.change.kind} ${top.change.change.summary}, but ${c.change.service}'s own signals did not move (only symptoms)`,
      });
    }
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

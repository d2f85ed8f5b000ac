// Service ranking that reasons rather than multiplies. Each service's score is its own evidence: metric
// anomalies (moves that hurt users), its new errors, its deploy, trace signals. Then the call graph:
// latency and errors travel UP to callers, load drops travel DOWN to callees. A service is a downstream
// symptom only when all it shows is such propagated symptoms, a service it calls (or that calls it, for a
// load drop) moved no later, and it has no evidence of its own (resource saturation, its own new errors,
// trace origin). A cause is never demoted merely because something it calls also moved. Dependencies
// outside the topology that callers' errors name (hosts, TLS failures) become suspects of their own.

import type { ChangeScore, RedHerringReport, SeriesAnomaly, Suspect, TemplateStat, Topology } from '../types';
import { backlogAlone, backlogCauses, isBacklog, onlyBacklog, ownSaturation } from './backlog';
import { absorbedFailures, sameFaultSeenTwice, seenThroughOneCaller } from './client-view';
import { confidences, likelihood } from './confidence';
import { canFailCalls, failingCalleeAlongside, failsWithoutWaiting } from './fails-calls';
import { externalMentions, withHostMentions, type ExternalMention, type HostMention } from './external';
import { formatClock, formatDuration } from './format';
import { dependencies, dependents } from './graph';
import { anomalyStrength, serviceScores } from './metrics';
import { redHerrings } from './red-herrings';
import { symptomChangeDiscount } from './changes';
import { addedSeconds, badMoves, describeAnomaly, OWN, reasonOf, type Acc } from './suspect';
import { CLIENT_ERROR, describeTemplate, failureScore, isErrorTemplate } from './own-errors';
import { notWithSymptom, offSymptomPath, unreachableFromSymptom } from './symptom';
import { clipLine } from '../../domain/text';

export { describeAnomaly } from './suspect';

/** Own-service evidence from traces (the traces analyzer fills it): where errors or latency originate. */
export interface TraceSignal {
  service: string;
  kind: 'error_origin' | 'latency_origin' | 'call_gap';
  strength: number /*0..1*/;
  /** How large the move is, on the scale of a metric anomaly's strength (call gaps). */
  magnitude?: number;
  /** Time added per call or trace (latency origins, call gaps): whether callers can time out on it. */
  addedMs?: number;
  evidence: string;
}

export interface RankInput {
  anomalies: SeriesAnomaly[];
  templates: TemplateStat[];
  changes: ChangeScore[];
  topology: Topology | null;
  traceSignals?: TraceSignal[];
  /** Hosts named in full error events (multi-line ones too), new since the onset's interval. */
  hostMentions?: HostMention[];
  /** Start of the onset's interval: host mentions first seen before it are old news. */
  onsetLo?: number;
  /** Services the incident's own words name (the symptom people reported; see window.ts namedServices). */
  symptoms?: string[];
  /** Services that have metrics at all: a call path may pass through an unobserved service, not an observed quiet one. */
  observed?: string[];
  /** Services with a success-rate or error series in the window: whether a caller's own success rate held is known. */
  errorSignals?: string[];
  /** Sampling step of the metrics (ms): moves within 1.5 steps of each other are "at the same time". */
  stepMs?: number;
  /** Calls cut from `topology` as fire-and-forget (caller, callee): publishing to a queue, consuming from it. */
  asyncCalls?: ReadonlyArray<readonly [string, string]>;
}

export interface Ranking {
  suspects: Suspect[];
  redHerrings: RedHerringReport[];
  /**
   * The reported symptom's services when nothing on their path has moved: the top suspect is one the symptom
   * does not wait on, so the list names what moved elsewhere, not a cause.
   */
  quietPath?: string[];
}

/**
 * Extra weight per unit of magnitude of time lost on the way to a service, measured on both sides of the same
 * calls: it is a latency move of that service as its callers feel it, so it grows with its size as a metric
 * move does (a 50× gap adds about 1, on top of the trace weight).
 */
const GAP_WEIGHT = 0.6;

/** Factor applied to a service whose symptoms an anomalous neighbour explains and that has nothing of its own. */
const EXPLAINED = 0.3;
/** Two change times closer than this are "at the same time" (scrape jitter, onset uncertainty). */
const SAME_TIME_MS = 60_000;
/**
 * A fault reaches a service's callers and callees within seconds, so a service that moved minutes before
 * every anomalous neighbour did not start their trouble: it is an earlier, separate move (noise before the
 * incident), and "moved first" does not count it.
 */
const MAX_LEAD_MS = 3 * 60_000;

const SYMPTOM_UP = new Set<SeriesAnomaly['kind']>(['latency', 'errors']);

/** Ranks suspect services and names the red herrings (see file comment for the rules). */
export function rankServices(input: RankInput): Ranking {
  const { anomalies, templates, changes, topology } = input;
  const traceSignals = input.traceSignals ?? [];
  const tol = Math.max(SAME_TIME_MS, 1.5 * (input.stepMs ?? 0));
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
    const mine = traceSignals.filter((t) => t.service === service);
    const traces = Math.min(
      1,
      mine.reduce((s, t) => s + Math.max(0, Math.min(1, t.strength)), 0),
    );
    const gap = Math.max(0, ...mine.filter((t) => t.kind === 'call_gap').map((t) => t.magnitude ?? t.strength));
    const bad = badMoves(m);
    const saturation = ownSaturation(bad, tol);
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
    const failing = failureScore(ownErrors);
    // Callers failing to reach a known service say it is slow or failing, which may come from below it; only a
    // host outside the topology (nothing else to go on) or a certificate of its own makes that evidence its own.
    const own = saturation + (ownErrors.length ? 0.6 : 0) + traces + (external?.known && !external.tls ? 0 : extScore);
    const score =
      (m?.score ?? 0) + logScore + failing + 3 * (change?.score ?? 0) + 1.5 * traces + GAP_WEIGHT * gap + extScore;
    const times = [...bad.map((a) => a.changeAt ?? Number.NaN), ...errs.map((t) => t.firstSeen)].filter(
      Number.isFinite,
    );
    const kinds = [
      saturation > 0,
      bad.some((a) => a.kind !== 'saturation' || isBacklog(a)),
      errs.length > 0,
      (change?.score ?? 0) >= 0.1,
      traces > 0,
      external !== undefined,
    ].filter(Boolean).length;
    const failsCalls = canFailCalls(bad, errs.length > 0 || external !== undefined, mine);
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
      failsCalls,
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
  const edges = topology?.services.flatMap((s) => s.calls.map((c) => [s.name, c] as const)) ?? [];
  const backlogs = backlogCauses(accs, [...edges, ...(input.asyncCalls ?? [])], tol);
  // A reported backlog waits on what fills and drains the queue: its producers and consumers.
  const symptoms = [...new Set((input.symptoms ?? []).flatMap((s) => [s, ...(backlogs.get(s) ?? [])]))];
  unreachableFromSymptom(accs, topology, symptoms);
  offSymptomPath(accs, topology, symptoms, new Set(input.observed ?? []));
  notWithSymptom(accs, symptoms, tol);
  absorbedFailures(accs, topology, new Set(input.errorSignals ?? []));
  sameFaultSeenTwice(accs, topology, tol);
  seenThroughOneCaller(accs, topology, tol);
  explain(accs, topology, mentions, backlogs, tol);
  for (const a of accs.values())
    a.score -= symptomChangeDiscount(a.change, a.explainer ? accs.get(a.explainer)?.change : undefined, 3 * EXPLAINED);
  const ordered = [...accs.values()].sort((x, y) => y.score - x.score || x.service.localeCompare(y.service));
  const conf = confidences(ordered.map((a) => ({ score: a.score, kinds: a.kinds })));
  let above = 1; // a suspect listed below another is never shown as more likely than it
  const suspects: Suspect[] = ordered.map((a, i) => {
    // A move measured against a few minutes of history may be the service's normal swing: at most "possible".
    // One the ranking finds cannot explain the symptom is listed because it moved, not because it is a cause.
    const c = Math.min(
      conf[i] ?? 0,
      a.metric?.top.shortBaseline ? SHORT_HISTORY_CONFIDENCE : 1,
      a.unrelated ? UNRELATED_CONFIDENCE : 1,
      backlogAlone(a) ? SYMPTOM_CONFIDENCE : 1,
      failingCalleeAlongside(a, accs, topology, tol) ? SYMPTOM_CONFIDENCE : 1,
      above,
    );
    above = c;
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
  const ranking: Ranking = { suspects, redHerrings: redHerrings(ordered, errorTemplates, changes, metric, topology) };
  if (ordered[0]?.offPath) {
    const inTopology = new Set(topology?.services.map((s) => s.name));
    ranking.quietPath = (input.symptoms ?? []).filter((s) => inTopology.has(s));
  }
  return ranking;
}

/** Highest confidence for a suspect whose strongest move was judged against only a few samples of history. */
const SHORT_HISTORY_CONFIDENCE = 0.6;
/**
 * Highest confidence for a suspect shown only by a backlog (work piles up there, which says nothing of why), or
 * beside a callee that began to fail or saturate at the same time (it may be that callee's symptom).
 */
const SYMPTOM_CONFIDENCE = 0.6;
/** Highest confidence for a suspect the ranking itself finds cannot explain the symptom (off its path, absorbed). */
const UNRELATED_CONFIDENCE = 0.25;

/** Strength of a service's strongest move that can travel up to its callers (latency, errors, saturation). */
function causeStrength(a: Acc): number {
  return Math.max(
    0,
    ...badMoves(a.metric)
      .filter((x) => x.kind !== 'traffic' && !isBacklog(x))
      .map((x) => anomalyStrength(x)),
  );
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

/** Bonus for a service that added most of its own latency increase (its moved callees added far less). */
const SELF_ADDED = 0.3;

const ms = (seconds: number): string => `${Math.round(seconds * 1000)} ms`;

/**
 * Whether `cause` moved no later than `effect` did (unknown times do not contradict). The effect is dated by its
 * strongest move: a weak wiggle of another statistic before it is not when the effect began.
 */
function noLater(cause: Acc, effect: Acc): boolean {
  const top = badMoves(effect.metric).sort((x, y) => anomalyStrength(y) - anomalyStrength(x))[0];
  const at = top?.changeAt ?? effect.first;
  if (!Number.isFinite(cause.first) || !Number.isFinite(at)) return true;
  return cause.first <= at + SAME_TIME_MS;
}

/** Marks downstream symptoms (up the callers, down the callees, and callers of a named external). */
function explain(
  accs: Map<string, Acc>,
  topology: Topology | null,
  mentions: ExternalMention[],
  backlogs: ReadonlyMap<string, string[]>,
  tol: number,
): void {
  const list = [...accs.values()];
  // Callers whose moved callees added too little to explain them: the time is spent in the caller itself.
  const selfAdded = new Map<Acc, Acc[]>();
  for (const a of list) {
    if (a.own >= OWN) continue;
    const bad = badMoves(a.metric);
    const symptomsUp =
      bad.length > 0 && bad.every((x) => SYMPTOM_UP.has(x.kind) || x.kind === 'traffic' || isBacklog(x));
    const onlyLoadDrop = bad.length > 0 && bad.every((x) => x.kind === 'traffic' && x.direction === 'down');
    const by: string[] = [];
    // A dependency explains these symptoms only with a move of comparable weight (noise does not explain +90 IQR).
    const symptom = Math.max(0, ...bad.map((x) => anomalyStrength(x)));
    const failingOnly = failsWithoutWaiting(a, bad);
    if (symptomsUp || (!bad.length && a.errors.length)) {
      // Calls made one after another add up: what the slowed direct callees added together reaches the caller.
      const direct = new Set(topology?.services.find((s) => s.name === a.service)?.calls ?? []);
      const together = [...direct]
        .map((d) => accs.get(d))
        .filter((d): d is Acc => !!d && d !== a && !d.unrelated && noLater(d, a))
        .reduce((sum, d) => sum + Math.max(0, addedSeconds(d) || 0), 0);
      // Latency and errors travel up: a callee (direct or further) that moved with a cause-like signal, no later.
      for (const d of dependencies(topology, a.service)) {
        const dep = accs.get(d);
        if (
          dep &&
          dep !== a &&
          !dep.unrelated &&
          !backlogs.get(d)?.includes(a.service) &&
          (causeStrength(dep) >= 0.4 * symptom || dep.own >= OWN) &&
          (!failingOnly || dep.failsCalls) &&
          noLater(dep, a)
        ) {
          if (addsEnough(dep, a) || (direct.has(d) && together >= 0.5 * addedSeconds(a))) by.push(d);
          else selfAdded.set(a, [...(selfAdded.get(a) ?? []), dep]);
        }
      }
      for (const m of mentions) if (m.callers.includes(a.service) && m.name !== a.service) by.push(m.name);
    }
    // A backlog is explained by the callers that drain less or flood the queue (backlog.ts).
    if (onlyBacklog(a, tol)) by.push(...(backlogs.get(a.service) ?? []).filter((c) => !accs.get(c)?.unrelated));
    if (onlyLoadDrop) {
      // Load drops travel down: a caller that is failing sends less traffic to this service.
      for (const c of dependents(topology, a.service)) {
        const caller = accs.get(c);
        if (
          caller &&
          !caller.unrelated &&
          !backlogs.get(c)?.includes(a.service) &&
          badMoves(caller.metric).some((x) => SYMPTOM_UP.has(x.kind) || (x.kind === 'saturation' && !isBacklog(x))) &&
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
    const first = (roots.length ? roots : candidates).sort((x, y) => y.score - x.score)[0];
    // An endpoint that is a service seen from outside (sameFaultSeenTwice) passes the explanation on to it.
    const explainer = (first?.explainer !== undefined ? accs.get(first.explainer) : undefined) ?? first;
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
  for (const [a, deps] of selfAdded) {
    if (a.explainedBy.length) continue;
    const most = deps.sort((x, y) => addedSeconds(y) - addedSeconds(x))[0] as Acc;
    a.score += SELF_ADDED;
    a.evidence.push(
      `added most of its latency itself: +${ms(addedSeconds(a))}, while ${most.service}, which it calls, rose only +${ms(addedSeconds(most))}`,
    );
  }
  // Which service moved first is evidence too: the earliest mover among anomalous neighbours.
  for (const a of list) {
    if (!Number.isFinite(a.first) || a.explainedBy.length) continue;
    const neighbours = [...dependencies(topology, a.service), ...dependents(topology, a.service)]
      .map((s) => accs.get(s))
      .filter((x): x is Acc => !!x && Number.isFinite(x.first));
    const lead = Math.min(...neighbours.map((n) => n.first)) - a.first;
    if (neighbours.length && lead > SAME_TIME_MS && lead <= MAX_LEAD_MS) {
      a.score += 0.3;
      a.evidence.push(`moved first: ${formatClock(a.first)}, before its anomalous neighbours`);
    }
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

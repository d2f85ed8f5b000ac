// Metric anomalies: which series moved at the incident, how far (robust score), since when (change point),
// whether the move is material for its kind of signal, and which services they belong to.

import type { AnalysisWindow, MetricSeries, SeriesAnomaly } from '../types';
import { activeChangePoint, detectChangePoint } from './changepoint';
import { clusterOnset, type OnsetCandidate, type OnsetEstimate } from './onset';
import { median, summarize } from './robust';
import type { LatencyProfile } from './graph';
import { deriveSignals, type Polarity, type Signal } from './signals';
import { sparkline } from './sparkline';

export type { OnsetEstimate } from './onset';

export interface AnomalyOptions {
  /** Minimum |robust score| to report (default 3). */
  minScore?: number;
  /** Minimum relative change of the median (default 0.2 = 20%). */
  minRelative?: number;
  sparkWidth?: number;
}

type Moving = Pick<SeriesAnomaly, 'kind' | 'direction' | 'score'> & {
  bad?: Polarity | undefined;
  recurring?: number | undefined;
};

/** Whether a move in `direction` hurts users for a series whose bad direction is `bad` (default: up, traffic either). */
export function isBadMove(a: Pick<Moving, 'kind' | 'direction' | 'bad'>): boolean {
  if (a.direction === 'flat') return false;
  const bad = a.bad ?? (a.kind === 'traffic' || a.kind === 'other' ? 'both' : 'up');
  return bad === 'both' || bad === a.direction;
}

/** How much a move of this kind and direction matters for triage (latency going down is rarely the problem). */
export function kindWeight(kind: SeriesAnomaly['kind'], direction: SeriesAnomaly['direction'], bad?: Polarity): number {
  if (direction === 'flat') return 0;
  if (!isBadMove({ kind, direction, bad })) return 0.2;
  if (kind === 'traffic') return 0.6;
  if (kind === 'other') return 0.5;
  return 1;
}

/** A move the baseline made this often already (separate excursions as far) is its habit, not this incident's. */
const RECURRING = 2;
/** What a recurring move keeps of its strength: still evidence, far from a new one. */
const RECURRING_WEIGHT = 0.3;

/**
 * Comparable strength of an anomaly: weight x log10(1 + |score|) (score 10 -> ~1, 1000 -> ~3); a move the
 * baseline already made RECURRING times (a periodic GC or batch spike) keeps RECURRING_WEIGHT of it.
 */
export function anomalyStrength(a: Moving): number {
  const habit = (a.recurring ?? 0) >= RECURRING ? RECURRING_WEIGHT : 1;
  return habit * kindWeight(a.kind, a.direction, a.bad) * Math.log10(1 + Math.abs(a.score));
}

/**
 * Separate excursions of the baseline like the current one: as far from its median towards `cur` (at least
 * `share` of the way, same direction) and at least half as long as the excursion the incident window ends
 * in (`incVals`), so brief spikes before do not make a sustained move now a habit. Runs count once.
 */
export function excursionsLike(
  baseVals: readonly number[],
  incVals: readonly number[],
  median: number,
  cur: number,
  share = 0.6,
): number {
  const reach = (cur - median) * share;
  if (!(Math.abs(reach) > 0)) return 0;
  const beyond = (v: number): boolean => (reach > 0 ? v - median >= reach : v - median <= reach);
  let now = 0;
  for (let i = incVals.length - 1; i >= 0 && beyond(incVals[i] as number); i--) now++;
  const need = Math.max(1, Math.ceil(now / 2));
  let runs = 0;
  let len = 0;
  for (const v of [...baseVals, Number.NaN]) {
    if (beyond(v)) len++;
    else {
      if (len >= need) runs++;
      len = 0;
    }
  }
  return runs;
}

/**
 * Whether a shift from `before` to `after` is material for this kind of signal: a relative change of at
 * least `minRelative` and an absolute floor by unit and kind (CPU +5 points is noise; an error ratio
 * 0 -> 5 % is a lot; a success rate down 1 point matters).
 */
export function isMaterial(
  sig: Pick<Signal, 'kind' | 'unit'>,
  before: number,
  after: number,
  minRelative: number,
): boolean {
  if (!Number.isFinite(before) || !Number.isFinite(after)) return false;
  const delta = Math.abs(after - before);
  const rel = delta / Math.max(Math.abs(before), 1e-9);
  const errorish = sig.kind === 'errors';
  // Error-like series: an absolute floor alone (0 -> 2 % is material even though the ratio is infinite).
  if (sig.unit === '%') return delta >= (errorish ? 1 : 10) && (errorish || rel >= minRelative);
  if (sig.unit === 'ratio') return delta >= (errorish ? 0.01 : 0.1) && (errorish || rel >= minRelative);
  if (errorish) return rel >= minRelative && delta > 0;
  if (sig.kind === 'latency') return rel >= Math.max(minRelative, 0.25) && (sig.unit !== 's' || delta >= 0.005);
  if (sig.kind === 'traffic') return rel >= Math.max(minRelative, 0.3);
  if (sig.unit === 'cores') return delta >= 0.1 && rel >= minRelative;
  return rel >= minRelative;
}

/** The full scale of a good-when-high ratio (100 for %, 1 for a ratio), scored on its failing share; else null. */
function failingScale(sig: Signal): number | null {
  if (sig.bad !== 'down') return null;
  return sig.unit === '%' ? 100 : sig.unit === 'ratio' ? 1 : null;
}

/**
 * Robust score of `cur` against the baseline. A good-when-high ratio (success rate, availability) is scored
 * on its complement (the failing share), so 99.9 % -> 90 % is a tenfold failure, not a 10 % dip.
 */
function robustShift(sig: Signal, baseVals: number[], cur: number, baseMedian: number, scale: number): number {
  const full = failingScale(sig);
  if (full === null) return (cur - baseMedian) / scale;
  const failing = summarize(
    baseVals.map((v) => full - v),
    full - cur,
  );
  return -(full - cur - failing.median) / failing.scale;
}

function scoreAgainst(
  sig: Signal,
  inRange: Array<[number, number]>,
  baseVals: number[],
  incVals: number[],
  opts: Required<AnomalyOptions>,
  vsSiblings: boolean,
): SeriesAnomaly | null {
  if (baseVals.length < SHORT_BASE || incVals.length < 1) return null;
  // The incident window's median, or its later half's when that moved further: with coarse scrapes a fault
  // that shows only in the last samples is not averaged away by the quiet ones before it.
  const whole = median(incVals);
  const late = median(incVals.slice(Math.floor(incVals.length / 2)));
  const base0 = summarize(baseVals, whole);
  let cur = Math.abs(late - base0.median) > Math.abs(whole - base0.median) ? late : whole;
  // Coarse samples (a minute or more each) are aggregates already: an excursion that holds to the last one is
  // the incident's current state, even when it is a single sample (an alert fires on the newest data).
  const tail = inRange.slice(inRange.length - incVals.length);
  if (!vsSiblings && stepOf(inRange) >= 60_000) {
    const last = tail[tail.length - 1]?.[1] ?? Number.NaN;
    const from = signalExcursion(sig, tail, baseVals, whole, Math.sign(last - base0.median));
    const exc = from === null ? Number.NaN : median(tail.filter((p) => p[0] >= from).map((p) => p[1]));
    if (Number.isFinite(exc) && Math.abs(exc - base0.median) > Math.abs(cur - base0.median)) cur = exc;
  }
  const base = summarize(baseVals, cur);
  const score = robustShift(sig, baseVals, cur, base.median, base.scale);
  if (
    !Number.isFinite(score) ||
    Math.abs(score) < opts.minScore ||
    !isMaterial(sig, base.median, cur, opts.minRelative)
  )
    return null;
  const cp = vsSiblings ? null : detectChangePoint(inRange);
  const dir = Math.sign(score);
  // A move too fresh for a change point (fewer samples than a segment needs) is dated where its excursion began.
  const changeAt = vsSiblings
    ? (inRange[0]?.[0] ?? null)
    : cp && Math.abs(cp.score) >= opts.minScore
      ? cp.at
      : signalExcursion(sig, inRange, baseVals, cur, dir);
  const a: SeriesAnomaly = {
    key: sig.key,
    service: sig.service,
    metric: sig.metric,
    family: sig.family,
    kind: sig.kind,
    changeAt,
    baseline: base.median,
    current: cur,
    score,
    direction: score > 0 ? 'up' : score < 0 ? 'down' : 'flat',
    sparkline: sparkline(
      inRange.map((p) => p[1]),
      opts.sparkWidth,
    ),
  };
  if (sig.bad !== (sig.kind === 'traffic' || sig.kind === 'other' ? 'both' : 'up')) a.bad = sig.bad;
  if (vsSiblings) a.vsSiblings = true;
  else {
    const seen = excursionsLike(baseVals, incVals, base.median, cur);
    if (seen >= RECURRING) a.recurring = seen;
  }
  if (sig.unit) a.unit = sig.unit;
  return a;
}

/** Median spacing of a series' points (ms; NaN with fewer than two). */
function stepOf(points: ReadonlyArray<readonly [number, number]>): number {
  const gaps: number[] = [];
  for (let i = 1; i < points.length; i++)
    gaps.push((points[i] as readonly [number, number])[0] - (points[i - 1] as readonly [number, number])[0]);
  return median(gaps.filter((g) => g > 0));
}

/**
 * Start of the excursion that reaches the last sample: walking back from the end while samples stay beyond
 * three spreads of the baseline in the move's direction. Null when the last sample is not beyond.
 */
export function excursionStart(
  points: ReadonlyArray<readonly [number, number]>,
  baseMedian: number,
  scale: number,
  dir: number,
): number | null {
  if (!dir || !Number.isFinite(baseMedian) || !(scale > 0)) return null;
  const beyond = (v: number): boolean => (v - baseMedian) * dir > 3 * scale;
  let i = points.length - 1;
  if (i < 0 || !beyond((points[i] as readonly [number, number])[1])) return null;
  while (i > 0 && beyond((points[i - 1] as readonly [number, number])[1])) i--;
  return (points[i] as readonly [number, number])[0];
}

/**
 * excursionStart against the baseline's own spread (floored by 1 % of `reference`); a good-when-high ratio is judged on its failing share, so
 * 100 % -> 98.5 % is beyond a baseline that never failed (not a 1.5 % dip inside a 5 % floor).
 */
function signalExcursion(
  sig: Signal,
  points: ReadonlyArray<readonly [number, number]>,
  baseVals: readonly number[],
  reference: number,
  dir: number,
): number | null {
  const full = failingScale(sig);
  if (full === null) {
    const ref = summarize(baseVals, reference);
    return excursionStart(points, ref.median, ref.scale, dir);
  }
  const flipped = points.map(([t, v]): [number, number] => [t, full - v]);
  const ref = summarize(
    baseVals.map((v) => full - v),
    full - reference,
  );
  return excursionStart(flipped, ref.median, ref.scale, -dir);
}

function withDefaults(o: AnomalyOptions | undefined): Required<AnomalyOptions> {
  return { minScore: o?.minScore ?? 3, minRelative: o?.minRelative ?? 0.2, sparkWidth: o?.sparkWidth ?? 24 };
}

/** Samples a baseline needs for the usual bar; monitoring that began minutes ago has fewer. */
const FULL_BASE = 4;
/** The fewest samples judged at all: three show a level and some of its wobble. */
const SHORT_BASE = 3;

/**
 * The bar for a series with only a few samples of history: a spread from three points is a guess, so the
 * move must be twice as many spreads and twice as large relative to its level (CPU 26 % -> 80 % passes; a
 * wobble does not).
 */
function shortBar(o: Required<AnomalyOptions>): Required<AnomalyOptions> {
  return { ...o, minScore: 2 * o.minScore, minRelative: 2 * o.minRelative };
}

/** Siblings: the same family and kind in the same service (other instances, pods, label sets). */
const siblingKey = (s: Signal): string => `${s.service}|${s.family}|${s.kind}|${s.metric}`;

/**
 * Scores every derived signal: incident window [onset, to] against baseline [from, onset); strongest first.
 * A series with too little baseline of its own (a new instance, a canary) is compared with its siblings'
 * baselines, so a new pod is judged rather than skipped.
 */
export function detectAnomalies(
  series: MetricSeries[],
  window: AnalysisWindow,
  opts?: AnomalyOptions,
): SeriesAnomaly[] {
  const o = withDefaults(opts);
  const out: SeriesAnomaly[] = [];
  const sigs = deriveSignals(series);
  const split = sigs.map((sig) => {
    const inRange = sig.points.filter((p) => p[0] >= window.from && p[0] <= window.to);
    const baseVals: number[] = [];
    const incVals: number[] = [];
    for (const [t, v] of inRange) (t < window.onset ? baseVals : incVals).push(v);
    return { sig, inRange, baseVals, incVals };
  });
  const siblingBase = new Map<string, number[]>();
  for (const x of split)
    if (x.baseVals.length >= FULL_BASE)
      siblingBase.set(siblingKey(x.sig), [...(siblingBase.get(siblingKey(x.sig)) ?? []), ...x.baseVals]);
  for (const x of split) {
    let a: SeriesAnomaly | null;
    const sib = siblingBase.get(siblingKey(x.sig));
    if (x.baseVals.length >= FULL_BASE) a = scoreAgainst(x.sig, x.inRange, x.baseVals, x.incVals, o, false);
    else if (sib) a = x.incVals.length >= 2 ? scoreAgainst(x.sig, x.inRange, sib, x.incVals, o, true) : null;
    else {
      // Nothing has a longer history (monitoring began minutes ago): judge the little there is, strictly.
      a = scoreAgainst(x.sig, x.inRange, x.baseVals, x.incVals, shortBar(o), false);
      if (a) a.shortBaseline = x.baseVals.length;
    }
    if (a && a.direction !== 'flat') out.push(a);
  }
  return out.sort((x, y) => anomalyStrength(y) - anomalyStrength(x) || x.key.localeCompare(y.key));
}

export interface ServiceScore {
  service: string;
  /** Strongest anomaly plus a fifth of the others (several moving series are more telling than one). */
  score: number;
  top: SeriesAnomaly;
  anomalies: SeriesAnomaly[];
}

/** The label naming the peer a series' calls go to (Istio's destination_service, OTel's peer.service, ...). */
const PEER_LABEL =
  /[{,](?:peer|peer_service|destination_service|destination_workload|upstream_cluster|dst_service)="([^"]*)"/i;

/**
 * Latency a service measures on its outgoing calls (client-side series, or one naming another service as the
 * peer it calls): the time it waits on a callee or the network to it, which says more about the callee than
 * about itself. A series naming the service itself as the destination is its own view of calls it serves.
 */
export function isOutgoingLatency(a: Pick<SeriesAnomaly, 'kind' | 'family' | 'key' | 'service'>): boolean {
  if (a.kind !== 'latency') return false;
  const peer = PEER_LABEL.exec(a.key)?.[1];
  return /(^|_)(client|outgoing|outbound|egress)(_|$)/i.test(a.family) || (peer !== undefined && peer !== a.service);
}

/** Strength (robust score about 10) a caller's latency on calls to a peer needs to count as anyone's. */
const ON_THE_WAY_MIN = 1;

/**
 * Whose move a caller's latency on calls to a named peer is. A caller whose calls to several peers all slowed is
 * slow itself (its CPU, threads or pools stretch every call): its own. Otherwise, when the peer's own latency did
 * not move, the time is lost on the way to the peer (the network to it or its ingress): the peer's, as its
 * callers feel it. Else (the peer slowed itself, or no peer is named) no one's: the peer's own move says it.
 */
function onTheWay(anomalies: readonly SeriesAnomaly[]): (a: SeriesAnomaly) => SeriesAnomaly | null {
  // One caller's view is one series (often a p50 of a few calls a minute): it must move far beyond its noise.
  const peerOf = (a: SeriesAnomaly): string | undefined =>
    isOutgoingLatency(a) && isBadMove(a) && anomalyStrength(a) >= ON_THE_WAY_MIN
      ? PEER_LABEL.exec(a.key)?.[1]
      : undefined;
  const peers = new Map<string, Set<string>>();
  const slowedItself = new Set<string>();
  for (const a of anomalies) {
    const peer = peerOf(a);
    if (peer) peers.set(a.service, (peers.get(a.service) ?? new Set()).add(peer));
    else if (a.kind === 'latency' && !isOutgoingLatency(a) && isBadMove(a)) slowedItself.add(a.service);
  }
  return (a) => {
    const peer = peerOf(a);
    if (!peer) return null;
    if ((peers.get(a.service)?.size ?? 0) >= 2) return a;
    if (slowedItself.has(peer)) return null;
    return { ...a, service: peer, metric: `${a.metric} of ${a.service}'s calls to it` };
  };
}

/** Aggregates anomalies per service, strongest service first; outgoing-call latency counts as `onTheWay` says. */
export function serviceScores(anomalies: readonly SeriesAnomaly[]): ServiceScore[] {
  const by = new Map<string, SeriesAnomaly[]>();
  const credit = onTheWay(anomalies);
  for (const x of anomalies) {
    const a = isOutgoingLatency(x) ? credit(x) : x;
    if (a) by.set(a.service, [...(by.get(a.service) ?? []), a]);
  }
  const out: ServiceScore[] = [];
  for (const [service, list] of by) {
    const sorted = [...list].sort((x, y) => anomalyStrength(y) - anomalyStrength(x));
    const [top, ...rest] = sorted as [SeriesAnomaly, ...SeriesAnomaly[]];
    const score = anomalyStrength(top) + 0.2 * rest.slice(0, 5).reduce((s, a) => s + anomalyStrength(a), 0);
    out.push({ service, score, top, anomalies: sorted });
  }
  return out.sort((a, b) => b.score - a.score || a.service.localeCompare(b.service));
}

/** Sampling step of a set of series: the median spacing of their points (ms; 15 s when unknown). */
export function samplingStep(series: readonly MetricSeries[]): number {
  const gaps: number[] = [];
  for (const s of series.slice(0, 50)) {
    for (let i = 1; i < Math.min(s.points.length, 40); i++)
      gaps.push((s.points[i] as [number, number])[0] - (s.points[i - 1] as [number, number])[0]);
  }
  const m = median(gaps.filter((g) => g > 0));
  return Number.isFinite(m) ? m : 15_000;
}

/**
 * One onset candidate per signal in [from, to]: its dominant change point, kept when the shift is strong
 * (robust score) and material for its kind. Strength favours moves in the direction that hurts users.
 */
export function metricOnsetCandidates(
  series: readonly MetricSeries[],
  from: number,
  to: number,
  opts?: AnomalyOptions,
): OnsetCandidate[] {
  const o = withDefaults(opts);
  const cands: OnsetCandidate[] = [];
  for (const sig of deriveSignals(series)) {
    const pts = sig.points.filter((p) => p[0] >= from && p[0] <= to);
    // Too few samples for the usual segments (monitoring began minutes ago): a move of the last two samples
    // counts when at least SHORT_BASE precede it, under a stricter bar.
    const short = pts.length < 2 * FULL_BASE;
    const bar = short ? shortBar(o) : o;
    const dominant = detectChangePoint(pts, short ? 2 : FULL_BASE);
    // A move that already came back before the clock is an earlier episode, not this incident.
    const active = dominant && activeChangePoint(pts, dominant);
    const cp = active ?? dominant;
    if (!cp || !Number.isFinite(cp.at) || !Number.isFinite(cp.score) || Math.abs(cp.score) < bar.minScore + 1) continue;
    if (short && cp.index < SHORT_BASE) continue;
    if (!isMaterial(sig, cp.before, cp.after, bar.minRelative)) continue;
    const direction = cp.score > 0 ? 'up' : 'down';
    const strength = anomalyStrength({ kind: sig.kind, direction, score: cp.score, bad: sig.bad });
    const recovered = active ? {} : { recovered: true };
    cands.push({ key: sig.key, service: sig.service, at: cp.at, strength, origin: 'metrics', ...recovered });
  }
  return cands;
}

/** Estimates when the incident began from the metrics in [from, to] alone (see onset.ts); null when nothing moved. */
export function estimateOnset(
  series: MetricSeries[],
  from: number,
  to: number,
  opts?: AnomalyOptions,
): OnsetEstimate | null {
  return clusterOnset(metricOnsetCandidates(series, from, to, opts), { stepMs: samplingStep(series), to });
}

/**
 * Each service's usual latency over [from, to): the median of every latency signal in seconds, the lowest
 * as its typical latency and the highest as its tail (services without latency in seconds are absent).
 */
export function latencyProfiles(
  series: readonly MetricSeries[],
  from: number,
  to: number,
): Map<string, LatencyProfile> {
  const out = new Map<string, LatencyProfile>();
  for (const sig of deriveSignals(series)) {
    if (sig.kind !== 'latency' || sig.unit !== 's') continue;
    const m = median(sig.points.filter((p) => p[0] >= from && p[0] < to).map((p) => p[1]));
    if (!Number.isFinite(m)) continue;
    const prev = out.get(sig.service);
    out.set(
      sig.service,
      prev ? { typical: Math.min(prev.typical, m), tail: Math.max(prev.tail, m) } : { typical: m, tail: m },
    );
  }
  return out;
}

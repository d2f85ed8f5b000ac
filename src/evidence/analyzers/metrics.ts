// Metric anomalies: which series moved at the incident, how far (robust score), since when (change point),
// which services they belong to, and when the incident as a whole began.

import type { AnalysisWindow, MetricSeries, SeriesAnomaly } from '../types';
import { detectChangePoint } from './changepoint';
import { median, summarize } from './robust';
import { deriveSignals, type Signal } from './signals';
import { sparkline } from './sparkline';

export interface AnomalyOptions {
  /** Minimum |robust score| to report (default 3). */
  minScore?: number;
  /** Minimum relative change of the median (default 0.2 = 20%). */
  minRelative?: number;
  sparkWidth?: number;
}

/** How much a move of this kind and direction matters for triage (latency going down is rarely the problem). */
export function kindWeight(kind: SeriesAnomaly['kind'], direction: SeriesAnomaly['direction']): number {
  if (direction === 'flat') return 0;
  if (kind === 'traffic') return 0.6;
  if (kind === 'other') return 0.5;
  return direction === 'up' ? 1 : 0.3;
}

/** Comparable strength of an anomaly: weight x log10(1 + |score|) (score 10 -> ~1, 1000 -> ~3). */
export function anomalyStrength(a: Pick<SeriesAnomaly, 'kind' | 'direction' | 'score'>): number {
  return kindWeight(a.kind, a.direction) * Math.log10(1 + Math.abs(a.score));
}

function relativeChange(base: number, cur: number): number {
  const denom = Math.max(Math.abs(base), 1e-9);
  return Math.abs(cur - base) / denom;
}

function scoreSignal(sig: Signal, window: AnalysisWindow, opts: Required<AnomalyOptions>): SeriesAnomaly | null {
  const inRange = sig.points.filter((p) => p[0] >= window.from && p[0] <= window.to);
  const baseVals: number[] = [];
  const incVals: number[] = [];
  for (const [t, v] of inRange) (t < window.onset ? baseVals : incVals).push(v);
  if (baseVals.length < 4 || incVals.length < 2) return null;
  const cur = median(incVals);
  const base = summarize(baseVals, cur);
  const score = (cur - base.median) / base.scale;
  if (Math.abs(score) < opts.minScore || relativeChange(base.median, cur) < opts.minRelative) return null;
  const cp = detectChangePoint(inRange);
  const changeAt = cp && Math.abs(cp.score) >= opts.minScore ? cp.at : null;
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
    sparkline: sparkline(inRange.map((p) => p[1]), opts.sparkWidth),
  };
  if (sig.unit) a.unit = sig.unit;
  return a;
}

function withDefaults(o: AnomalyOptions | undefined): Required<AnomalyOptions> {
  return { minScore: o?.minScore ?? 3, minRelative: o?.minRelative ?? 0.2, sparkWidth: o?.sparkWidth ?? 24 };
}

/** Scores every derived signal: incident window [onset, to] against baseline [from, onset); strongest first. */
export function detectAnomalies(series: MetricSeries[], window: AnalysisWindow, opts?: AnomalyOptions): SeriesAnomaly[] {
  const o = withDefaults(opts);
  const out: SeriesAnomaly[] = [];
  for (const sig of deriveSignals(series)) {
    const a = scoreSignal(sig, window, o);
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

/** Aggregates anomalies per service, strongest service first. */
export function serviceScores(anomalies: readonly SeriesAnomaly[]): ServiceScore[] {
  const by = new Map<string, SeriesAnomaly[]>();
  for (const a of anomalies) by.set(a.service, [...(by.get(a.service) ?? []), a]);
  const out: ServiceScore[] = [];
  for (const [service, list] of by) {
    const sorted = [...list].sort((x, y) => anomalyStrength(y) - anomalyStrength(x));
    const [top, ...rest] = sorted as [SeriesAnomaly, ...SeriesAnomaly[]];
    const score = anomalyStrength(top) + 0.2 * rest.slice(0, 5).reduce((s, a) => s + anomalyStrength(a), 0);
    out.push({ service, score, top, anomalies: sorted });
  }
  return out.sort((a, b) => b.score - a.score || a.service.localeCompare(b.service));
}

export interface OnsetEstimate {
  onset: number;
  /** Signal keys whose change points support it. */
  basis: string[];
}

/**
 * Estimates when the incident began from the data in [from, to] alone: each signal's dominant change point,
 * kept when the shift is strong; among the strongest, the earliest within 5 minutes of their median
 * (so one early, unrelated drift cannot drag the onset back by an hour). Null when nothing shifted.
 */
export function estimateOnset(series: MetricSeries[], from: number, to: number, opts?: AnomalyOptions): OnsetEstimate | null {
  const o = withDefaults(opts);
  const cands: Array<{ key: string; at: number; strength: number }> = [];
  for (const sig of deriveSignals(series)) {
    const pts = sig.points.filter((p) => p[0] >= from && p[0] <= to);
    const cp = detectChangePoint(pts);
    if (!cp || Math.abs(cp.score) < o.minScore + 1 || relativeChange(cp.before, cp.after) < o.minRelative) continue;
    const direction = cp.score > 0 ? 'up' : 'down';
    const strength = anomalyStrength({ kind: sig.kind, direction, score: cp.score });
    cands.push({ key: sig.key, at: cp.at, strength });
  }
  if (!cands.length) return null;
  cands.sort((a, b) => b.strength - a.strength);
  const max = (cands[0] as { strength: number }).strength;
  const strong = cands.filter((c) => c.strength >= 0.5 * max).slice(0, 12);
  const mid = median(strong.map((c) => c.at));
  const near = strong.filter((c) => c.at >= mid - 5 * 60_000 && c.at <= mid + 5 * 60_000);
  const onset = Math.min(...near.map((c) => c.at));
  return { onset, basis: near.filter((c) => c.at === onset).map((c) => c.key).concat(near.filter((c) => c.at !== onset).map((c) => c.key)) };
}

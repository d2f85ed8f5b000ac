// Change correlation: which deploys, config changes and flags could have started the incident.

import type { AnalysisWindow, Change, ChangeScore, SeriesAnomaly, Topology } from '../types';
import { formatDuration } from './format';
import { dependencies } from './graph';
import { serviceScores } from './metrics';

export interface CorrelateOptions {
  /** How far before the onset a change may be a cause (default 2 h). */
  lookbackMs?: number;
  /** Proximity half-life (default 10 min): a change 10 min before onset scores half of one right before it. */
  halfLifeMs?: number;
  /** Tolerance for an onset estimated a scrape late (default 0): changes up to this long after onset still count. */
  graceMs?: number;
  /** Services whose other signals moved (new or surging error logs, traces): they count as anomalous too. */
  moved?: Iterable<string>;
}

/** Relevance of a change to a service that shows no anomaly and calls none. */
export const QUIET_RELEVANCE = 0.1;

function fmtLead(seconds: number): string {
  return `${formatDuration(seconds)} ${seconds >= 0 ? 'before' : 'after'} onset`;
}

/**
 * Scores each change: proximity to the onset's interval (exponential decay before it, full inside it)
 * times relevance (its service anomalous: 1, a dependency of it anomalous: 0.5, neither: 0.1). A change
 * after the interval (the onset may be dated late) keeps a small, decaying score: it is unlikely, not
 * impossible. Changes before the lookback score 0. Sorted best first.
 */
export function correlateChanges(
  changes: readonly Change[],
  anomalies: readonly SeriesAnomaly[],
  topology: Topology | null,
  window: AnalysisWindow,
  opts?: CorrelateOptions,
): ChangeScore[] {
  const lookback = opts?.lookbackMs ?? 2 * 3_600_000;
  const halfLife = opts?.halfLifeMs ?? 600_000;
  const grace = opts?.graceMs ?? 0;
  const lo = Math.min(window.onsetLo ?? window.onset, window.onset);
  const hi = Math.max(window.onsetHi ?? window.onset, window.onset) + grace;
  // A service moved when its own series did, when its callers' view of it did (their latency on calls to it
  // is credited to it), or when its logs or traces did.
  const anomalous = new Set([
    ...anomalies.map((a) => a.service),
    ...serviceScores(anomalies).map((s) => s.service),
    ...(opts?.moved ?? []),
  ]);
  const out: ChangeScore[] = changes.map((change) => {
    const leadMs = window.onset - change.time;
    const leadSeconds = Number.isFinite(leadMs) ? leadMs / 1000 : 0;
    const serviceAnomalous = anomalous.has(change.service);
    const anomalousDeps = dependencies(topology, change.service).filter((d) => anomalous.has(d));
    const dependencyAnomalous = anomalousDeps.length > 0;
    const what = `${change.kind} ${change.service}`;
    const relevance = serviceAnomalous ? 1 : dependencyAnomalous ? 0.5 : QUIET_RELEVANCE;
    const rel = serviceAnomalous
      ? `${change.service} is anomalous`
      : dependencyAnomalous
        ? `${change.service} depends on anomalous ${anomalousDeps.join(', ')}`
        : `${change.service} shows no anomaly and depends on none`;
    let score = 0;
    let reason: string;
    if (!Number.isFinite(change.time)) {
      reason = `${what} has no valid time`;
    } else if (change.time > hi) {
      score = 0.2 * relevance * Math.pow(0.5, (change.time - hi) / halfLife);
      reason = `${what} came ${fmtLead(leadSeconds)}, after the onset's interval: unlikely to have started it; ${rel}`;
    } else if (lo - change.time > lookback) {
      reason = `${what} is ${fmtLead(leadSeconds)}, outside the ${Math.round(lookback / 60000)} min lookback`;
    } else {
      const proximity = Math.pow(0.5, Math.max(0, lo - change.time) / halfLife);
      score = proximity * relevance;
      const inside = change.time >= lo ? " (within the onset's uncertainty)" : '';
      reason = `${what} ${fmtLead(leadSeconds)}${inside}; ${rel}`;
    }
    return { change, leadSeconds, score, serviceAnomalous, dependencyAnomalous, reason };
  });
  return out.sort((a, b) => b.score - a.score || b.change.time - a.change.time);
}

/**
 * Among concurrent changes, the one whose service's own signals moved: when a service's moves are explained
 * by another suspect that has a change of its own, the explained service's change weighs only as much as a
 * change to a quiet service. (Without a rival change, a deploy to the explained service is kept: it may be
 * why the explanation is wrong.) Returns how much of `weight × score` to take back from its ranking score.
 */
export function symptomChangeDiscount(
  change: ChangeScore | undefined,
  explainerChange: ChangeScore | undefined,
  weight: number,
): number {
  if (!change || !explainerChange || explainerChange.score < 0.1 || !change.serviceAnomalous) return 0;
  return weight * change.score * (1 - QUIET_RELEVANCE);
}

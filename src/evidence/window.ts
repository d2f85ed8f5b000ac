// The incident window, one rule for `analyze` and the bot: "now" and a start hint in, the onset (with its
// uncertainty) from every signal out, an hour (by default) of baseline before it, never an empty window.

import { metricOnsetCandidates, samplingStep } from './analyzers/metrics';
import { resolveOnset, type OnsetCandidate, type ResolvedOnset } from './analyzers/onset';
import type { AnalysisWindow, EvidenceSource, MetricSeries } from './types';

export interface IncidentWindowInput {
  source: EvidenceSource;
  now: number;
  /** When people think it started (incident start, or a person's `since=`): a hint, not a wall. */
  start: number;
  baselineMs: number;
  /** How far before the start to look for the onset (default 2 h). */
  scanMs?: number;
  /** A known onset (tests, replays): taken as given, with no estimation. */
  onset?: number;
  /** The metric series over [start - scan - baseline, now] when the caller already fetched them. */
  series?: MetricSeries[];
  /** Onset candidates from other analyzers (traces). */
  extra?: OnsetCandidate[];
}

export interface IncidentWindow {
  window: AnalysisWindow;
  how: ResolvedOnset['how'] | 'given';
  basis: string[];
}

/** The window by the rule in the file comment. */
export async function incidentWindow(input: IncidentWindowInput): Promise<IncidentWindow> {
  const scanMs = input.scanMs ?? 2 * 3_600_000;
  const now = input.now;
  if (input.onset !== undefined && Number.isFinite(input.onset)) {
    const onset = Math.min(input.onset, now);
    return { window: { from: onset - input.baselineMs, onset, to: Math.max(now, onset + 60_000), onsetLo: onset, onsetHi: onset }, how: 'given', basis: [] };
  }
  const from = Math.min(input.start, now) - scanMs;
  const series = input.series ?? (await input.source.metrics({ from, to: now }));
  const candidates = metricOnsetCandidates(series, from, now);
  const r = await resolveOnset(
    { source: input.source, now, start: input.start, scanMs, ...(input.extra ? { extra: input.extra } : {}), metrics: { candidates, stepMs: samplingStep(series) } },
    () => input.source.changes({ from, to: now }),
  );
  const window: AnalysisWindow = { from: r.onset - input.baselineMs, onset: r.onset, to: Math.max(now, r.onset + 60_000), onsetLo: r.lo, onsetHi: r.hi };
  return { window, how: r.how, basis: r.basis };
}

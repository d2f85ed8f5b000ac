// The investigation window: which stretch of time the scouts read.
//
// The rule:
// - "now" is the source's clock when it has one (files: incident.yaml started_at, so a recorded incident
//   replays the same whenever it is opened), else the wall clock.
// - The incident start is `since` from `/triage start since=...` when a person gave it (on the source's
//   clock, see sinceOnSourceClock); else the time the
//   channel was created; but when the source has its own clock and the start came from the channel, the
//   source's incident start (incident.yaml started_at) replaces the wall-clock creation time.
// - People open a channel after the symptoms begin, so when nobody gave `since`, the onset is the metrics'
//   change point in the two hours before the start (when there is one, never after the start); a `since`
//   is taken as the onset as given.
// - The baseline is the `baselineMinutes` before the onset; the window is [onset - baseline, now].
import type { Incident } from '../domain/types';
import { estimateOnset } from '../evidence/analyzers/metrics';
import type { AnalysisWindow, EvidenceSource } from '../evidence/types';

export interface WindowInput {
  incident: Pick<Incident, 'startedAt'>;
  since?: number;
  source: EvidenceSource;
  wallNow: number;
  baselineMinutes: number;
}

const SCAN_MS = 2 * 3_600_000;

/** "Now" and the incident start by the rule above (no onset estimation: cheap, for start()). */
export async function incidentClock(input: WindowInput): Promise<{ now: number; start: number; fromSince: boolean }> {
  const sourceNow = await input.source.clock();
  const now = sourceNow ?? input.wallNow;
  if (input.since !== undefined) return { now, start: Math.min(input.since, now), fromSince: true };
  let start = Date.parse(input.incident.startedAt);
  if (sourceNow !== null) {
    const meta = await input.source.incident();
    start = meta?.startedAt ?? sourceNow;
  }
  if (!Number.isFinite(start) || start > now) start = now;
  return { now, start, fromSince: false };
}

/**
 * A person's `since` is wall-clock time (`since=15m` is 15 minutes before the wall clock). A source with
 * its own clock replays a recorded incident, so a start after that clock's "now" cannot be meant in its
 * time: it keeps the same distance before the source's now instead (to the second, so the moments
 * between parsing the command and starting do not show). Called once, when the round is created.
 */
export async function sinceOnSourceClock(since: number, source: EvidenceSource, wallNow: number): Promise<number> {
  const sourceNow = await source.clock();
  if (sourceNow === null || since <= sourceNow) return since;
  return sourceNow - Math.max(0, Math.round((wallNow - since) / 1000) * 1000);
}

/** The full window, with the onset estimated from the metrics when nobody gave `since`. */
export async function investigationWindow(input: WindowInput): Promise<AnalysisWindow> {
  const { now, start, fromSince } = await incidentClock(input);
  const baselineMs = input.baselineMinutes * 60_000;
  let onset = start;
  if (!fromSince) {
    const series = await input.source.metrics({ from: start - SCAN_MS, to: now });
    const est = estimateOnset(series, start - SCAN_MS, now);
    if (est && est.onset <= start) onset = est.onset;
  }
  return { from: onset - baselineMs, onset, to: Math.max(now, onset + 60_000) };
}

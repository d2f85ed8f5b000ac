// The investigation window: which stretch of time the scouts read.
//
// The rule:
// - "now" is the source's clock when it has one (files: incident.yaml started_at, so a recorded incident
//   replays the same whenever it is opened), else the wall clock.
// - The incident start is `since` from `/triage start since=...` when a person gave it (on the source's
//   clock, see sinceOnSourceClock); else the time the
//   channel was created; but when the source has its own clock and the start came from the channel, the
//   source's incident start (incident.yaml started_at) replaces the wall-clock creation time.
// - The onset is found by the one rule analyze also uses (src/evidence/window.ts): the main anomaly
//   cluster over metrics, error logs and changes in the two hours before the start, with its uncertainty.
//   A `since` is a hint (where to look, which cluster is meant), not a wall: when nothing moved, it is the onset.
// - The baseline is the `baselineMinutes` before the onset; the window is [onset - baseline, now], never empty.
import type { Incident } from '../domain/types';
import type { AnalysisWindow, EvidenceSource } from '../evidence/types';
import { incidentWindow } from '../evidence/window';

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

/** The full window, with the onset from the signals (a person's `since` is the hint where to look). */
export async function investigationWindow(input: WindowInput): Promise<AnalysisWindow> {
  const { now, start } = await incidentClock(input);
  const { window } = await incidentWindow({
    source: input.source,
    now,
    start,
    baselineMs: input.baselineMinutes * 60_000,
    scanMs: SCAN_MS,
  });
  return window;
}

/** The stored window (ISO text) as the analyzers take it, with the onset's uncertainty when it was stored. */
export function analysisWindowOf(w: {
  from: string;
  onset: string;
  to: string;
  onsetLo?: string | undefined;
  onsetHi?: string | undefined;
}): AnalysisWindow {
  const out: AnalysisWindow = { from: Date.parse(w.from), onset: Date.parse(w.onset), to: Date.parse(w.to) };
  const lo = w.onsetLo !== undefined ? Date.parse(w.onsetLo) : Number.NaN;
  const hi = w.onsetHi !== undefined ? Date.parse(w.onsetHi) : Number.NaN;
  if (Number.isFinite(lo)) out.onsetLo = lo;
  if (Number.isFinite(hi)) out.onsetHi = hi;
  return out;
}

// The offline triage pipeline: one source in, one TriageReport out, no LLM.
// Window: "now" is the source's clock (files: incident.yaml started_at, when the channel opened); the onset
// is given or found by the shared window rule (src/evidence/window.ts: the main anomaly cluster over every
// signal, with its uncertainty); the baseline is the `baselineMinutes` before it.

import { correlateChanges } from './analyzers/changes';
import { isErrorTemplate } from './analyzers/own-errors';
import { digestReport } from './analyzers/digest';
import { formatClock } from './analyzers/format';
import { detectAnomalies } from './analyzers/metrics';
import { mineTemplates } from './analyzers/templates';
import { analyzeTraces } from './analyzers/traces';
import { rankWindow } from './rank';
import type { EvidenceSource, ParseProblem, TriageReport } from './types';
import { incidentWindow } from './window';

export interface AnalyzeOptions {
  /** Known onset (epoch ms); estimated from the signals when absent. */
  onset?: number;
  /** Baseline length before the onset (default 60). */
  baselineMinutes?: number;
  /** "Now" (epoch ms); default the source's clock, else the wall clock. */
  now?: number;
  /** How far back from the incident start to look for the onset (default 120 min). */
  scanMinutes?: number;
  /** Character budget of the digest (default 3500). */
  digestChars?: number;
  /** Wall clock, for sources without a clock of their own. */
  wallClock?: () => number;
}

/** ISO text of a time, or of `fallback` when the time is not a valid date (never throws). */
function safeIso(ms: number, fallback: number): string {
  const d = new Date(Number.isFinite(ms) ? ms : fallback);
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}

/** Runs the deterministic analyzers over a source and ranks suspects (see file comment for the window). */
export async function analyze(source: EvidenceSource, opts: AnalyzeOptions = {}): Promise<TriageReport> {
  const baselineMs = (opts.baselineMinutes ?? 60) * 60_000;
  const scanMs = (opts.scanMinutes ?? 120) * 60_000;
  const wall = (opts.wallClock ?? Date.now)();
  let now = opts.now ?? (await source.clock()) ?? wall;
  if (!Number.isFinite(now)) now = wall;
  const meta = await source.incident();
  const startedAt = meta?.startedAt;
  const start = startedAt !== undefined && Number.isFinite(startedAt) && startedAt <= now ? startedAt : now;
  const notes: ParseProblem[] = [];
  // Enough history for the scan and a baseline before any onset in it (coarse data needs a longer baseline).
  const fetchFrom = Math.min(start - scanMs, (opts.onset ?? now) - baselineMs) - Math.max(baselineMs, 2 * 3_600_000);
  const series = await source.metrics({ from: fetchFrom, to: now });
  const iw = await incidentWindow({
    source,
    now,
    start,
    baselineMs,
    scanMs,
    series,
    ...(opts.onset !== undefined ? { onset: opts.onset } : {}),
  });
  const window = iw.window;
  if (iw.how === 'change')
    notes.push({
      origin: 'analyze',
      problem: 'no signal moved; onset = the latest change before the incident start',
      count: 1,
    });
  if (iw.how === 'start')
    notes.push({
      origin: 'analyze',
      problem:
        'no signal moved (no metric change point, no error-log surge); onset = incident start (15 min before now when that is now)',
      count: 1,
    });
  const anomalies = detectAnomalies(series, window);
  const templates = await mineTemplates(source.logs({ from: window.from, to: window.to }), window);
  const changes = await source.changes({ from: window.onset - 2 * 3_600_000, to: now });
  const topology = await source.topology();
  // A service whose error logs are new or surging moved too: a change to it is relevant.
  const moved = templates.filter((t) => isErrorTemplate(t) && (t.label === 'new' || t.label === 'surging'));
  const changeScores = correlateChanges(changes, anomalies, topology, window, { moved: moved.map((t) => t.service) });
  const spans = source.spans ? await source.spans({ from: window.from, to: window.to }) : [];
  const traces = spans.length ? analyzeTraces(spans, window) : undefined;
  // The same ranking step as the bot's (src/evidence/rank.ts), so both name the same top suspect.
  const { suspects, redHerrings, quietPath } = await rankWindow(source, window, {
    anomalies,
    templates,
    changes: changeScores,
    topology,
    traces,
    series,
  });
  if (quietPath?.length)
    notes.push({
      origin: 'analyze',
      problem: `nothing ${quietPath.join(', ')} waits on has moved by ${formatClock(now)}: the suspects moved elsewhere and cannot explain it; look again after the next samples`,
      count: 1,
    });
  const onsetIso = safeIso(window.onset, now);
  const body: Omit<TriageReport, 'digest'> = {
    onset: onsetIso,
    window: { from: safeIso(window.from, now), onset: onsetIso, to: safeIso(now, wall) },
    suspects,
    red_herrings: redHerrings,
    templates,
    anomalies,
    changes: changeScores,
    problems: [...source.problems(), ...notes],
    ...(traces ? { traces } : {}),
  };
  return { ...body, digest: digestReport(body, opts.digestChars ?? 3500) };
}

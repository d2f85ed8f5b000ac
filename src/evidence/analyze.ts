// The offline triage pipeline: one source in, one TriageReport out, no LLM.
// Window: "now" is the source's clock (files: incident.yaml started_at, when the channel opened);
// the onset is given or estimated from metric change points in the two hours before now; the baseline is
// the `baselineMinutes` before the onset and the incident window runs from the onset to now.

import { iso } from '../domain/time';
import { correlateChanges } from './analyzers/changes';
import { digestReport } from './analyzers/digest';
import { detectAnomalies, estimateOnset } from './analyzers/metrics';
import { rankServices } from './analyzers/ranking';
import { mineTemplates } from './analyzers/templates';
import { analyzeTraces, traceSignals } from './analyzers/traces';
import type { AnalysisWindow, EvidenceSource, ParseProblem, TriageReport } from './types';

export interface AnalyzeOptions {
  /** Known onset (epoch ms); estimated from the metrics when absent. */
  onset?: number;
  /** Baseline length before the onset (default 60). */
  baselineMinutes?: number;
  /** "Now" (epoch ms); default the source's clock, else the wall clock. */
  now?: number;
  /** How far back from now to look for the onset (default 120 min). */
  scanMinutes?: number;
  /** Character budget of the digest (default 3500). */
  digestChars?: number;
  /** Wall clock, for sources without a clock of their own. */
  wallClock?: () => number;
}

/** Runs the deterministic analyzers over a source and ranks suspects (see file comment for the window). */
export async function analyze(source: EvidenceSource, opts: AnalyzeOptions = {}): Promise<TriageReport> {
  const baselineMs = (opts.baselineMinutes ?? 60) * 60_000;
  const now = opts.now ?? (await source.clock()) ?? (opts.wallClock ?? Date.now)();
  const scanFrom = now - (opts.scanMinutes ?? 120) * 60_000;
  const notes: ParseProblem[] = [];
  const fetchFrom = Math.min(scanFrom, (opts.onset ?? now) - baselineMs);
  const series = await source.metrics({ from: fetchFrom, to: now });
  let onset = opts.onset;
  if (onset === undefined) {
    const est = estimateOnset(series, scanFrom, now);
    if (est) onset = est.onset;
    else {
      const meta = await source.incident();
      onset = meta?.startedAt ?? now;
      notes.push({ origin: 'analyze', problem: 'no metric change point found; onset = incident start', count: 1 });
    }
  }
  const window: AnalysisWindow = { from: onset - baselineMs, onset, to: now };
  const anomalies = detectAnomalies(series, window);
  const templates = await mineTemplates(source.logs({ from: window.from, to: window.to }), window);
  const changes = await source.changes({ from: onset - 2 * 3_600_000, to: now });
  const topology = await source.topology();
  const changeScores = correlateChanges(changes, anomalies, topology, window);
  const spans = source.spans ? await source.spans({ from: window.from, to: window.to }) : [];
  const traces = spans.length ? analyzeTraces(spans, window) : undefined;
  const { suspects, redHerrings } = rankServices({ anomalies, templates, changes: changeScores, topology, traceSignals: traceSignals({ traces }) });
  const body: Omit<TriageReport, 'digest'> = {
    onset: iso(onset),
    window: { from: iso(window.from), onset: iso(onset), to: iso(now) },
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

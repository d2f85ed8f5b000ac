// The incident window, one rule for `analyze` and the bot: "now" and a start hint in, the onset (with its
// uncertainty) from every signal out, an hour (by default) of baseline before it, never an empty window.

import { metricOnsetCandidates, samplingStep } from './analyzers/metrics';
import type { HostMention } from './analyzers/external';
import { resolveOnset, type OnsetCandidate, type ResolvedOnset } from './analyzers/onset';
import { traceOnsetCandidates } from './analyzers/trace-onset';
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
  /** Onset candidates from other analyzers (the source's spans are read here already). */
  extra?: OnsetCandidate[];
}

/**
 * Known services the incident's own words name (title, description: what the alert or the people reported),
 * longest names first; a name inside a longer named one does not count twice.
 */
export function namedServices(text: string, known: Iterable<string>): string[] {
  const lower = text.toLowerCase();
  const hits = [...new Set(known)]
    .filter((n) => n.length >= 3)
    .sort((a, b) => b.length - a.length)
    .filter((n) =>
      new RegExp(`(^|[^a-z0-9_-])${n.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z0-9_-]|$)`).test(lower),
    );
  return hits.filter((n) => !hits.some((m) => m !== n && m.toLowerCase().includes(n.toLowerCase())));
}

export interface IncidentWindow {
  window: AnalysisWindow;
  how: ResolvedOnset['how'] | 'given';
  basis: string[];
  /** Hosts named by error events in the scan (empty when the onset was given). */
  hosts: HostMention[];
}

/** The window by the rule in the file comment. */
export async function incidentWindow(input: IncidentWindowInput): Promise<IncidentWindow> {
  const scanMs = input.scanMs ?? 2 * 3_600_000;
  const now = input.now;
  if (input.onset !== undefined && Number.isFinite(input.onset)) {
    const onset = Math.min(input.onset, now);
    return {
      window: {
        from: onset - input.baselineMs,
        onset,
        to: Math.max(now, onset + 60_000),
        onsetLo: onset,
        onsetHi: onset,
      },
      how: 'given',
      basis: [],
      hosts: [],
    };
  }
  const from = Math.min(input.start, now) - scanMs;
  const series = input.series ?? (await input.source.metrics({ from, to: now }));
  // The symptom people reported anchors the cluster: its service's moves count three times.
  const meta = await input.source.incident();
  const named = new Set(
    namedServices(
      `${meta?.title ?? ''}\n${meta?.description ?? ''}`,
      series.map((x) => x.service),
    ),
  );
  const candidates = metricOnsetCandidates(series, from, now).map((c) =>
    named.has(c.service) ? { ...c, strength: 3 * c.strength } : c,
  );
  // Spans date the incident too: where failing spans rise or served latency shifts.
  const spans = input.source.spans ? await input.source.spans({ from, to: now }) : [];
  const extra = [...(input.extra ?? []), ...traceOnsetCandidates(spans, from, now)];
  const r = await resolveOnset(
    {
      source: input.source,
      now,
      start: input.start,
      scanMs,
      extra,
      metrics: { candidates, stepMs: samplingStep(series) },
    },
    () => input.source.changes({ from, to: now }),
  );
  // A baseline needs enough samples to show the series' own variability: at least 24 scrapes (2 h at 5 min).
  const baselineMs = Math.max(input.baselineMs, 24 * samplingStep(series));
  const window: AnalysisWindow = {
    from: r.onset - baselineMs,
    onset: r.onset,
    to: Math.max(now, r.onset + 60_000),
    onsetLo: r.lo,
    onsetHi: r.hi,
  };
  return { window, how: r.how, basis: r.basis, hosts: r.hosts };
}

// The one ranking step of `analyze` and the bot: given a window and the analyses over it, it gathers what the
// ranking also needs from the source (hosts named by error events in the window, the services the incident's
// own words name, which services have metrics at all) and ranks. Both paths call it with the same window
// and the same analyses, so the bot's top suspect is the one `analyze` prints.

import { asyncCalls, withoutCalls } from './analyzers/graph';
import { latencyProfiles, samplingStep } from './analyzers/metrics';
import { errorRates } from './analyzers/onset';
import { HostMentions } from './analyzers/external';
import { rankServices, type Ranking } from './analyzers/ranking';
import { deriveSignals } from './analyzers/signals';
import { traceSignals } from './analyzers/traces';
import type {
  AnalysisWindow,
  ChangeScore,
  EvidenceSource,
  MetricSeries,
  SeriesAnomaly,
  TemplateStat,
  Topology,
  TraceDigest,
} from './types';
import { namedServices } from './window';

export interface RankParts {
  anomalies: SeriesAnomaly[];
  templates: TemplateStat[];
  changes: ChangeScore[];
  topology: Topology | null;
  traces: TraceDigest | null | undefined;
  /** The metric series (any range): the services with points in the window count as observed. */
  series: readonly MetricSeries[];
}

/** Ranks suspects over `window` (see file comment); reads the window's error events once for host names. */
export async function rankWindow(source: EvidenceSource, window: AnalysisWindow, parts: RankParts): Promise<Ranking> {
  const mentions = new HostMentions();
  await errorRates(source.logs({ from: window.from, to: window.to }), window.from, window.to, mentions);
  const meta = await source.incident();
  const observed = new Set(
    parts.series.filter((x) => x.points.some((p) => p[0] >= window.from && p[0] <= window.to)).map((x) => x.service),
  );
  const errorSignals = new Set(
    deriveSignals(parts.series)
      .filter((x) => x.kind === 'errors' && x.points.some((p) => p[0] >= window.from && p[0] <= window.to))
      .map((x) => x.service),
  );
  const known = new Set<string>([...(parts.topology?.services.map((s) => s.name) ?? []), ...observed]);
  // Fire-and-forget calls carry no symptoms up: the ranking reasons over the calls callers wait for.
  const latency = latencyProfiles(parts.series, window.from, window.onset);
  const async = asyncCalls(parts.topology, latency);
  return rankServices({
    anomalies: parts.anomalies,
    templates: parts.templates,
    changes: parts.changes,
    topology: withoutCalls(parts.topology, async),
    asyncCalls: async,
    traceSignals: traceSignals({ traces: parts.traces ?? undefined }),
    hostMentions: mentions.list(),
    onsetLo: window.onsetLo ?? window.onset,
    symptoms: namedServices(`${meta?.title ?? ''}\n${meta?.description ?? ''}`, known),
    observed: [...observed],
    errorSignals: [...errorSignals],
    stepMs: samplingStep(parts.series),
  });
}

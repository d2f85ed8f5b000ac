// A TriageReport from the investigation's cached analyses, for the remediation hook (no re-reading).
import { iso } from '../domain/time';
import { digestReport } from '../evidence/analyzers/digest';
import type { Ranking } from '../evidence/analyzers/ranking';
import type { TriageReport } from '../evidence/types';
import type { EvidenceContext } from './context';

/** Builds the report the offline `analyze` would give for the same window. */
export async function reportOf(ctx: EvidenceContext, ranking: Ranking): Promise<TriageReport> {
  const w = ctx.window;
  const body: Omit<TriageReport, 'digest'> = {
    onset: iso(w.onset),
    window: { from: iso(w.from), onset: iso(w.onset), to: iso(w.to) },
    suspects: ranking.suspects,
    red_herrings: ranking.redHerrings,
    templates: await ctx.templates(),
    anomalies: await ctx.anomalies(),
    changes: await ctx.changes(),
    problems: ctx.source.problems(),
  };
  return { ...body, digest: digestReport(body, 3500) };
}

// The lead's deterministic synthesis: the service ranking turned into hypotheses that cite the evidence
// the scouts' gates issued, with red herrings named.
import type { Evidence, Finding, Hypothesis, RedHerring, Synthesis } from '../domain/types';
import { likelihood } from '../evidence/analyzers/confidence';
import type { Ranking } from '../evidence/analyzers/ranking';
import type { RedHerringReport } from '../evidence/types';

const MAX_HYPOTHESES = 5;
/**
 * The most a hypothesis that cites no evidence may show: "unclear". Every claim cites what a tool returned;
 * a suspect the ranking saw but no scout's evidence supports (a round stopped before its scouts reported,
 * a scout that read other services) is for a person to check, not to believe.
 */
const UNCITED_MAX = 0.3;

/** Ranked hypotheses from the ranking; evidence ids come from verified claims and issued evidence. */
export function synthesizeDeterministic(
  investigationId: string,
  ranking: Ranking,
  findings: readonly Finding[],
  partial: boolean,
): Synthesis {
  const evidence = findings.flatMap((f) => f.evidence);
  const scored = ranking.suspects.filter((s) => s.score > 0);
  // A service whose symptoms a dependency explains is named among the red herrings, not offered as a cause
  // (unless nothing else is left to offer).
  const causes = scored.filter((s) => !s.against.some((a) => a.startsWith('downstream of')));
  const suspects = (causes.length ? causes : scored).slice(0, MAX_HYPOTHESES);
  const hypotheses: Hypothesis[] = suspects.map((s, i) => {
    const forIds = supporting(s.service, findings, evidence);
    return {
      rank: i + 1,
      service: s.service,
      cause: s.reason.replace(new RegExp(`^${escapeRe(s.service)}: `), ''),
      // Calibrated by the ranking from the margin over the runner-up and how many kinds of evidence agree.
      confidence: round2(Math.min(s.confidence ?? 0, forIds.length ? 1 : UNCITED_MAX)),
      evidence: forIds,
      against: [...againstIds(s.service, evidence), ...s.against.map((a) => `!${a}`)],
      change: s.change,
    };
  });
  // Six at most, taking the kinds in turn (downstream symptoms, steady errors, unrelated changes) so a long
  // cascade of symptoms does not hide the unrelated deploy.
  const seen = new Map<string, number>();
  const turn = ranking.redHerrings.map((r, i) => {
    const k = (seen.get(r.kind) ?? 0) + 1;
    seen.set(r.kind, k);
    return { r, k, i };
  });
  const redHerrings = turn
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .slice(0, 6)
    .sort((a, b) => a.i - b.i)
    .map(({ r }) => redHerring(r, evidence));
  const top = hypotheses[0];
  const summary = top
    ? `Top suspect: ${top.service} (${likelihood(top.confidence)}) — ${top.cause}.`
    : 'No service stands out: no metric anomaly, new error or correlated change was found in the window.';
  return { investigationId, hypotheses, redHerrings, summary, partial };
}

/** Ids that support a service as the cause: verified claims about it, else its rising/anomalous evidence. */
function supporting(service: string, findings: readonly Finding[], evidence: readonly Evidence[]): string[] {
  const ids = new Set<string>();
  for (const f of findings) {
    for (const c of f.claims) {
      if (c.service === service && c.status === 'verified' && !/red herring|^Discounted/i.test(c.text))
        c.evidence.forEach((id) => ids.add(id));
    }
  }
  if (!ids.size) {
    for (const e of evidence) if (e.service === service && !/\[steady\]/.test(e.excerpt)) ids.add(e.id);
  }
  return [...ids].sort(byId).slice(0, 8);
}

/** Ids that speak against a service: its steady templates (present before the onset). */
function againstIds(service: string, evidence: readonly Evidence[]): string[] {
  return evidence
    .filter((e) => e.service === service && /\[steady\]/.test(e.excerpt))
    .map((e) => e.id)
    .sort(byId)
    .slice(0, 4);
}

function redHerring(r: RedHerringReport, evidence: readonly Evidence[]): RedHerring {
  const tool =
    r.kind === 'steady_error' ? 'logs_patterns' : r.kind === 'unrelated_change' ? 'changes_list' : 'metrics_anomalies';
  // A steady template's evidence is the line that quotes it (the report names it as "<service> <template>").
  const quoted =
    r.kind === 'steady_error' && r.service ? r.what.slice(r.service.length + 1, r.service.length + 41) : '';
  const ids = evidence
    .filter(
      (e) =>
        e.service === r.service &&
        e.tool === tool &&
        (r.kind !== 'steady_error' || (/\[steady\]/.test(e.excerpt) && e.excerpt.includes(quoted))),
    )
    .map((e) => e.id)
    .sort(byId)
    .slice(0, 3);
  return { what: r.what, why: r.why, evidence: ids };
}

function byId(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

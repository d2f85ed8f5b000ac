// What looked like a cause and is not: downstream symptoms, errors that were already there, changes that
// came after the onset or whose service did not move.

import type { ChangeScore, RedHerringReport, TemplateStat, Topology } from '../types';
import { clipLine } from '../../domain/text';
import { formatDuration } from './format';
import { dependencies, dependents } from './graph';
import type { ServiceScore } from './metrics';
import { describeAnomaly, OWN, type Acc } from './suspect';

/** The red herrings of a ranking, best suspect first in `ordered`. */
export function redHerrings(
  ordered: Acc[],
  errorTemplates: TemplateStat[],
  changes: ChangeScore[],
  metric: Map<string, ServiceScore>,
  topology: Topology | null,
): RedHerringReport[] {
  const out: RedHerringReport[] = [];
  const top = ordered[0];
  const byService = new Map(ordered.map((a) => [a.service, a]));
  for (const a of ordered) {
    if (!a.explainedBy.length || !a.metric) continue;
    const by = a.explainer ?? a.explainedBy[0] ?? '';
    const cause = metric.get(by)?.top;
    out.push({
      kind: 'downstream_symptom',
      service: a.service,
      what: `${a.service} ${describeAnomaly(a.metric.top)}`,
      why: `downstream symptom: ${a.service}'s ${a.metric.top.metric} follows ${by}'s ${cause ? cause.metric : 'anomaly'} (${dependencies(topology, a.service).includes(by) ? `${a.service} depends on ${by}` : dependents(topology, a.service).includes(by) ? `${by} calls ${a.service}: less load reaches it` : `${a.service}'s errors name ${by}`})`,
    });
  }
  // "Steady" means a similar rate before and during: at most twice the baseline rate.
  const steady = errorTemplates
    .filter((t) => t.label === 'steady' && t.ratio <= 2)
    .sort((a, b) => b.incidentCount - a.incidentCount);
  for (const t of steady.slice(0, 5)) {
    out.push({
      kind: 'steady_error',
      service: t.service,
      what: `${t.service} ${clipLine(t.template, 90)}`,
      why: `already frequent before onset: ${t.baselineCount} in the baseline vs ${t.incidentCount} during (×${t.ratio.toFixed(1)} rate)`,
    });
  }
  for (const c of changes) {
    const sameHour = c.leadSeconds <= 3600 && c.leadSeconds >= -3600;
    if (!sameHour || c.change.service === top?.service) continue;
    if (c.leadSeconds < 0) {
      out.push({
        kind: 'unrelated_change',
        service: c.change.service,
        what: `${c.change.kind} ${c.change.summary}`,
        why: `came ${formatDuration(c.leadSeconds)} after onset`,
      });
    } else if (!c.serviceAnomalous && !c.dependencyAnomalous) {
      out.push({
        kind: 'unrelated_change',
        service: c.change.service,
        what: `${c.change.kind} ${c.change.summary}`,
        why: `${formatDuration(c.leadSeconds)} before onset, but ${c.change.service} shows no anomaly and calls no anomalous service`,
      });
    } else {
      // A concurrent change whose service shows only symptoms (nothing of its own, or moves another suspect
      // explains) is not the cause, whether or not the top suspect has a change of its own.
      const acc = byService.get(c.change.service);
      const symptomOnly = (acc?.own ?? 0) < OWN && (top?.change !== undefined || (acc?.explainedBy.length ?? 0) > 0);
      if (!symptomOnly || c.change.id === top?.change?.change.id) continue;
      const beside = top?.change
        ? `concurrent with ${top.change.change.kind} ${top.change.change.summary}`
        : `concurrent with the incident`;
      const only = acc?.explainer ? `only symptoms of ${acc.explainer}` : 'only symptoms';
      out.push({
        kind: 'unrelated_change',
        service: c.change.service,
        what: `${c.change.kind} ${c.change.summary}`,
        why: `${beside}, but ${c.change.service}'s own signals did not move (${only})`,
      });
    }
  }
  return out;
}

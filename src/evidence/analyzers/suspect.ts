// A suspect service while the ranking reasons about it (ranking.ts builds it; the symptom and red-herring
// rules read and adjust it), and the words for its metric moves and for the suspect.

import type { ChangeScore, SeriesAnomaly, TemplateStat } from '../types';
import type { ExternalMention } from './external';
import { formatDuration, formatEffect, formatMinute } from './format';
import { clipLine } from '../../domain/text';
import { isBadMove, type ServiceScore } from './metrics';

/** Own evidence at or above this (saturation strength, own new errors, trace origin) exempts from "explained". */
export const OWN = 0.5;

/** One line for an anomaly: `p99 latency from 118ms to 2.31s (20×), starting 03:02 UTC`. */
export function describeAnomaly(a: SeriesAnomaly): string {
  const at = a.changeAt != null ? `, starting ${formatMinute(a.changeAt)}` : '';
  const sib = a.vsSiblings ? ' vs its siblings (new instance)' : '';
  const short = a.shortBaseline ? ` (only ${a.shortBaseline} samples of history before it)` : '';
  const habit = a.recurring ? ` (it did so ${a.recurring} times before the incident too)` : '';
  return `${a.metric} ${formatEffect(a.baseline, a.current, a.unit)}${sib}${short}${habit}${at}`;
}

export interface Acc {
  service: string;
  metric: ServiceScore | undefined;
  errors: TemplateStat[];
  /** Own new errors that do not name another dependency. */
  ownErrors: TemplateStat[];
  change: ChangeScore | undefined;
  external: ExternalMention | undefined;
  traces: number;
  /** Whether it can make its callers' calls fail, not only slow them (ranking.ts canFailCalls). */
  failsCalls: boolean;
  /** Strength of the evidence that is the service's own (not a symptom that travels along calls). */
  own: number;
  /** Earliest bad move (ms), NaN when unknown. */
  first: number;
  score: number;
  kinds: number;
  evidence: string[];
  against: string[];
  explainedBy: string[];
  explainer: string | undefined;
  explains: string[];
  /** Set by the symptom rules: its move does not explain the reported symptom, so it explains no one else's. */
  unrelated: boolean;
  /** The reported symptom does not wait on it, or no chain of moved callees joins it to the symptom. */
  offPath?: boolean;
}

export function badMoves(m: ServiceScore | undefined): SeriesAnomaly[] {
  return (m?.anomalies ?? []).filter((a) => isBadMove(a));
}

/** Largest latency increase of a service in seconds (NaN when it has no latency move in seconds). */
export function addedSeconds(a: Acc): number {
  const d = badMoves(a.metric)
    .filter((x) => x.kind === 'latency' && x.unit === 's')
    .map((x) => x.current - x.baseline);
  return d.length ? Math.max(...d) : Number.NaN;
}

/** The one line that says why a suspect is ranked: its top move, first error, trace, change, and explainer. */
export function reasonOf(a: Acc): string {
  const parts: string[] = [];
  if (a.metric) parts.push(describeAnomaly(a.metric.top));
  const t = a.errors[0];
  if (t) parts.push(`${t.label} error "${clipLine(t.template, 60)}"`);
  if (a.external && !a.metric && !a.errors.length)
    parts.push(
      `${a.external.known ? '' : 'external dependency '}named by failing callers ${a.external.callers.join(', ')}${a.external.tls ? ' (TLS/certificate errors)' : ''}`,
    );
  for (const t of a.evidence.filter((e) => e.startsWith('trace: ')).slice(0, 1)) parts.push(t);
  if (a.change && a.change.score >= 0.1)
    parts.push(
      `${a.change.change.kind} ${a.change.change.summary} ${formatDuration(a.change.leadSeconds)} ${a.change.leadSeconds >= 0 ? 'before' : 'after'} onset`,
    );
  if (a.explainer) parts.push(`likely downstream of ${a.explainer}`);
  return `${a.service}: ${parts.join('; ')}`;
}

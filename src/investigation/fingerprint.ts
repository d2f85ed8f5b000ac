// An investigation's fingerprint (src/domain/memory.ts) from the analyses its round already ran: the
// services the ranking suspects, the log templates that are new or surging, the kinds of change the
// ranking or the correlation implicate, and the alert that opened the incident.
import type { Fingerprint, Weighted } from '../domain/memory';
import type { Ranking } from '../evidence/analyzers/ranking';
import type { ChangeScore, TemplateStat } from '../evidence/types';

/** At most this many features per group: enough to tell incidents apart, small enough to keep many. */
const MAX_PER_GROUP = 12;
/** A change correlated at least this strongly counts even when no suspect names it. */
const CHANGE_SCORE_MIN = 0.5;
/** Weight of a surging (not new) template: it grew, but it was there before. */
const SURGING_WEIGHT = 0.5;

export interface FingerprintInput {
  ranking: Ranking;
  templates: readonly TemplateStat[];
  changes: readonly ChangeScore[];
  /** The alert name, when an alert opened the incident. */
  alertName?: string;
}

/** Keeps the `max` heaviest features, weights rounded so stored fingerprints stay small. */
function top(features: Map<string, number>, max = MAX_PER_GROUP): Weighted {
  const out: Weighted = {};
  for (const [key, w] of [...features].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, max)) {
    if (w > 0) out[key] = Math.round(Math.min(1, w) * 1000) / 1000;
  }
  return out;
}

function keep(features: Map<string, number>, key: string, w: number): void {
  features.set(key, Math.max(features.get(key) ?? 0, w));
}

/** The fingerprint of one round. Pure: the same analyses give the same fingerprint. */
export function fingerprintOf(input: FingerprintInput): Fingerprint {
  const suspects = input.ranking.suspects.filter((s) => s.score > 0);
  const best = Math.max(0, ...suspects.map((s) => s.score));
  const services = new Map<string, number>();
  for (const s of suspects) keep(services, s.service, best > 0 ? s.score / best : 0);

  const templates = new Map<string, number>();
  for (const t of input.templates) {
    if (t.label === 'new') keep(templates, t.id, 1);
    else if (t.label === 'surging') keep(templates, t.id, SURGING_WEIGHT);
  }

  const byId = new Map(input.changes.map((c) => [c.change.id, c.change]));
  const changes = new Map<string, number>();
  for (const s of suspects) {
    const change = s.change ? byId.get(s.change) : undefined;
    if (change) keep(changes, `${change.kind}@${change.service}`, best > 0 ? s.score / best : 0);
  }
  for (const c of input.changes) {
    if (c.score >= CHANGE_SCORE_MIN) keep(changes, `${c.change.kind}@${c.change.service}`, c.score);
  }

  const alert: Weighted = input.alertName ? { [input.alertName.trim().toLowerCase()]: 1 } : {};
  return { services: top(services), templates: top(templates), changes: top(changes), alert };
}

/**
 * The alert name of an investigation opened by an alert: its focus reads `alert <name>: label=value ...`
 * (src/alerts/types.ts focusOf). Null for any other focus.
 */
export function alertNameOfFocus(focus: string | undefined): string | undefined {
  const m = focus ? /^alert (.+?): [A-Za-z_]+=/.exec(focus) : null;
  return m?.[1];
}

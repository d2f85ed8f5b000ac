// Memory of past incidents, the pure part: what an investigation looks like (its fingerprint), what a
// resolved incident leaves behind, and how alike two fingerprints are. No I/O here; the store-backed
// memory is src/incidents/memory.ts.

/** A feature and its weight (0..1] within its group: how strongly the investigation showed it. */
export type Weighted = Record<string, number>;

/**
 * What an investigation saw, in terms that recur across incidents of one kind: the services that
 * moved, the log templates that appeared or grew, the kinds of change implicated (`deploy@checkout`),
 * and the alert that opened it.
 */
export interface Fingerprint {
  services: Weighted;
  templates: Weighted;
  changes: Weighted;
  alert: Weighted;
}

export const FINGERPRINT_GROUPS = ['services', 'templates', 'changes', 'alert'] as const;
export type FingerprintGroup = (typeof FINGERPRINT_GROUPS)[number];

/**
 * How much each group counts. Services and templates say most about the kind of failure; a change kind
 * is shared by many unrelated incidents; the alert name is a hint (the same alert fires for many causes).
 */
export const GROUP_WEIGHTS: Readonly<Record<FingerprintGroup, number>> = {
  services: 0.35,
  templates: 0.35,
  changes: 0.15,
  alert: 0.15,
};

/** What a resolved incident leaves for later ones. */
export interface PastIncident {
  incidentId: string;
  channelId: string;
  channelName: string;
  /** ISO times. */
  startedAt: string;
  resolvedAt: string;
  fingerprint: Fingerprint;
  /** The leading hypothesis at resolution, in one line (`checkout: deploy v2.4.1 ...`), or null. */
  cause: string | null;
  /** What was done that worked (succeeded actions), in one line each. */
  fixes: string[];
  /** The person's own summary from `/triage resolve <summary>`, if given. */
  summary?: string;
}

/** A past incident that resembles the current one, and how much (0..1). */
export interface PastMatch {
  past: PastIncident;
  similarity: number;
}

/** An empty fingerprint. */
export function emptyFingerprint(): Fingerprint {
  return { services: {}, templates: {}, changes: {}, alert: {} };
}

/** Weighted Jaccard of two feature sets: Σ min(a, b) / Σ max(a, b); 0 when both are empty. */
export function weightedJaccard(a: Weighted, b: Weighted): number {
  let min = 0;
  let max = 0;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[key] ?? 0;
    const y = b[key] ?? 0;
    min += Math.min(x, y);
    max += Math.max(x, y);
  }
  return max > 0 ? min / max : 0;
}

/**
 * Similarity of two fingerprints (0..1): the weighted Jaccard of each group, averaged with GROUP_WEIGHTS
 * over the groups that either side has. A group neither side has says nothing (no alert on either side
 * is not a likeness), so it is left out rather than counted as a match or a miss.
 */
export function similarity(a: Fingerprint, b: Fingerprint): number {
  let sum = 0;
  let weight = 0;
  for (const group of FINGERPRINT_GROUPS) {
    if (Object.keys(a[group]).length === 0 && Object.keys(b[group]).length === 0) continue;
    sum += GROUP_WEIGHTS[group] * weightedJaccard(a[group], b[group]);
    weight += GROUP_WEIGHTS[group];
  }
  return weight > 0 ? sum / weight : 0;
}

/** Whether a fingerprint holds anything to compare (an investigation that found nothing matches nothing). */
export function isEmptyFingerprint(fp: Fingerprint): boolean {
  return FINGERPRINT_GROUPS.every((g) => Object.keys(fp[g]).length === 0);
}

/** The past incidents at least `threshold` alike, most alike first (ties: the most recent first), at most `limit`. */
export function rankPast(
  current: Fingerprint,
  past: readonly PastIncident[],
  opts: { threshold: number; limit: number; excludeIncidentId?: string },
): PastMatch[] {
  if (isEmptyFingerprint(current)) return [];
  return past
    .filter((p) => p.incidentId !== opts.excludeIncidentId)
    .map((p) => ({ past: p, similarity: similarity(current, p.fingerprint) }))
    .filter((m) => m.similarity >= opts.threshold)
    .sort((x, y) => y.similarity - x.similarity || y.past.resolvedAt.localeCompare(x.past.resolvedAt))
    .slice(0, opts.limit);
}

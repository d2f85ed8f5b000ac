// The incident's onset, from every signal: metric change points, error-log rates, trace signals (when a
// caller passes them) and, as a last resort, changes. The onset is the start of the main anomaly cluster
// (many series, or the strongest, moving together near the incident start), not the earliest wiggle, and
// it carries an interval: the change points that make the cluster's front edge, widened by one sample.
// analyze and the bot's investigation window both call resolveOnset, so the two paths cannot drift.

import type { Change, EvidenceSource, LogEvent } from '../types';
import { HostMentions, type HostMention } from './external';
import { bestMeanShift } from './changepoint';
import { median } from './robust';

export interface OnsetCandidate {
  key: string;
  service: string;
  /** When this signal changed (epoch ms). */
  at: number;
  /** Comparable strength (~1 for a clear move, 2-3 for a severe one). */
  strength: number;
  origin: 'metrics' | 'logs' | 'traces' | 'changes';
  /** The move came back before the clock: it dates the incident only when nothing is still moving. */
  recovered?: boolean;
}

export interface OnsetEstimate {
  onset: number;
  /** The onset lies in [lo, hi]. */
  lo: number;
  hi: number;
  /** Signal keys of the cluster, front edge first. */
  basis: string[];
}

export interface ClusterOptions {
  /** Sampling step of the data (ms): the cluster spans at least 3 steps, the interval at least one. */
  stepMs: number;
  /** "Now": end of the scan. */
  to: number;
  /** When people think it started (channel creation, `since=`); clusters long before it weigh less. */
  hint?: number;
}

const finite = (x: number): boolean => Number.isFinite(x);

/**
 * The start of the main anomaly cluster. Every candidate opens a window of max(5 min, 3 steps); the window
 * with the greatest total strength (times how many services move in it, and discounted when it ends long
 * before the hint) is the main cluster; its onset is its earliest member at least a third as strong as its
 * strongest one (so a small drift just before the real move does not date it).
 */
export function clusterOnset(candidates: readonly OnsetCandidate[], opts: ClusterOptions): OnsetEstimate | null {
  const valid = candidates.filter((c) => finite(c.at) && finite(c.strength) && c.strength > 0 && c.at <= opts.to);
  const cands = (valid.some((c) => !c.recovered) ? valid.filter((c) => !c.recovered) : valid).sort(
    (a, b) => a.at - b.at,
  );
  if (!cands.length) return null;
  const step = finite(opts.stepMs) && opts.stepMs > 0 ? opts.stepMs : 15_000;
  const span = Math.max(5 * 60_000, 3 * step);
  let best: { value: number; members: OnsetCandidate[] } | null = null;
  for (let i = 0; i < cands.length; i++) {
    const start = (cands[i] as OnsetCandidate).at;
    const members: OnsetCandidate[] = [];
    for (let j = i; j < cands.length && (cands[j] as OnsetCandidate).at <= start + span; j++)
      members.push(cands[j] as OnsetCandidate);
    const total = members.reduce((s, c) => s + c.strength, 0);
    const services = new Set(members.map((c) => c.service)).size;
    const end = (members[members.length - 1] as OnsetCandidate).at;
    const gap = opts.hint !== undefined && finite(opts.hint) ? Math.max(0, opts.hint - end) : 0;
    const value = total * (1 + Math.log2(services)) * (0.5 + 0.5 * Math.exp(-gap / 3_600_000));
    // Ties go to the later start: the same members with a weak wiggle in front are not a better cluster.
    if (!best || value >= best.value - 1e-12) best = { value, members };
  }
  if (!best) return null;
  const max = Math.max(...best.members.map((c) => c.strength));
  const front = best.members.filter((c) => c.strength >= max / 3);
  const onset = (front[0] as OnsetCandidate).at;
  const mid = median(front.map((c) => c.at));
  const lo = onset - step;
  const hi = Math.max(onset + step, finite(mid) ? mid : onset);
  const basis = [...front, ...best.members.filter((c) => !front.includes(c))].map((c) => c.key);
  return { onset, lo, hi, basis };
}

/** Whether a log line reads as an error (level first, else wording). */
export function isErrorLine(e: Pick<LogEvent, 'level' | 'text'>): boolean {
  if (e.level) return /err|fatal|crit|panic|severe|alert|emerg/i.test(e.level);
  return /\b(error|exception|fail(ed|ure)?|timeout|timed out|refused|panic|traceback|fatal|unavailable|denied)\b/i.test(
    e.text.slice(0, 300),
  );
}

/** Per-service error-line counts per minute over [from, to] (one streaming pass, constant memory per minute). */
export async function errorRates(
  events: AsyncIterable<LogEvent>,
  from: number,
  to: number,
  hosts?: HostMentions,
): Promise<Map<string, Map<number, number>>> {
  const out = new Map<string, Map<number, number>>();
  for await (const e of events) {
    if (!finite(e.ts) || e.ts < from || e.ts > to || !isErrorLine(e)) continue;
    hosts?.add(e.service, e.ts, e.text);
    const m = out.get(e.service) ?? new Map<number, number>();
    const minute = Math.floor(e.ts / 60_000) * 60_000;
    m.set(minute, (m.get(minute) ?? 0) + 1);
    out.set(e.service, m);
  }
  return out;
}

/** Longest run of quiet minutes inside one burst of errors (see logOnsetCandidates). */
const QUIET_INSIDE_BURST = 5;

/**
 * One candidate per service whose error-log rate shifted up: the mean-shift split of its per-minute counts,
 * kept when the later rate is at least 1 error a minute more and 3 times the earlier one (means, not
 * medians: errors come in bursts, and a burst followed by quiet minutes is still the incident).
 */
export function logOnsetCandidates(
  rates: Map<string, Map<number, number>>,
  from: number,
  to: number,
): OnsetCandidate[] {
  const out: OnsetCandidate[] = [];
  const first = Math.floor(from / 60_000) * 60_000;
  for (const [service, byMinute] of rates) {
    const pts: Array<[number, number]> = [];
    for (let t = first; t <= to; t += 60_000) pts.push([t, byMinute.get(t) ?? 0]);
    const split = bestMeanShift(
      pts.map((p) => p[1]),
      3,
    );
    if (!split) continue;
    const mean = (xs: Array<[number, number]>): number => xs.reduce((s, p) => s + p[1], 0) / Math.max(1, xs.length);
    const before = mean(pts.slice(0, split.index));
    const afterPts = pts.slice(split.index);
    const after = mean(afterPts);
    if (after - before < 1 || after < 3 * Math.max(before, 0.1)) continue;
    // Date it at the first minute of the raised rate of the burst still going at the clock; none of the last
    // three minutes raised: it is over, not this incident. Quiet spells of up to five minutes inside it belong
    // to it: a crash-looping container fails, waits out its restart back-off (Kubernetes caps it at 5 min)
    // and fails again, so its first crash, not its latest, starts the incident.
    const raised = (p: [number, number] | undefined): boolean => !!p && p[1] > Math.max(2 * before, before + 1);
    let k = afterPts.length - 1;
    while (k >= 0 && k >= afterPts.length - 3 && !raised(afterPts[k])) k--;
    const recovered = k < 0 || !raised(afterPts[k]);
    if (recovered) k = afterPts.findIndex(raised);
    for (let gap = 0; !recovered && k > 0 && gap < QUIET_INSIDE_BURST;) {
      if (raised(afterPts[k - 1 - gap])) {
        k -= 1 + gap;
        gap = 0;
      } else gap++;
    }
    const at = afterPts[k]?.[0];
    if (at === undefined) continue;
    out.push({
      key: `log errors{service="${service}"}`,
      service,
      at,
      strength: 0.8 * Math.log10(1 + after / Math.max(before, 0.1)),
      origin: 'logs',
      ...(recovered ? { recovered } : {}),
    });
  }
  return out;
}

export interface OnsetInput {
  source: EvidenceSource;
  now: number;
  /** When people think it started: the channel / incident start, or a person's `since=` (a hint, not a wall). */
  start: number;
  /** How far before the start to look (default 2 h). */
  scanMs?: number;
  /** Candidates from other analyzers (traces). */
  extra?: OnsetCandidate[];
  /** Metric change-point candidates and the sampling step, when the caller already has the series. */
  metrics?: { candidates: OnsetCandidate[]; stepMs: number };
}

export interface ResolvedOnset extends OnsetEstimate {
  /** How it was found: 'signals' (cluster), 'change' (latest change, nothing else moved) or 'start'. */
  how: 'signals' | 'change' | 'start';
  /** Hosts the error events in the scan named (for external dependencies outside the topology). */
  hosts: HostMention[];
}

/** Minimum incident window: a logs-only or quiet incident never gets a zero-length window. */
export const MIN_INCIDENT_MS = 15 * 60_000;

/**
 * The one onset rule. Scans [start - scan, now] for change points in metrics and error-log rates (plus any
 * extra candidates); the main cluster's front edge is the onset. Without any, the latest change before the
 * start, else the start itself (MIN_INCIDENT_MS before now when the start is now) so the window is never empty.
 */
export async function resolveOnset(input: OnsetInput, changes: () => Promise<Change[]>): Promise<ResolvedOnset> {
  const scan = input.scanMs ?? 2 * 3_600_000;
  const now = finite(input.now) ? input.now : Date.now();
  const start = finite(input.start) ? Math.min(input.start, now) : now;
  const from = start - scan;
  const metrics = input.metrics?.candidates ?? [];
  const mentions = new HostMentions();
  const rates = await errorRates(input.source.logs({ from, to: now }), from, now, mentions);
  const hosts = mentions.list();
  const cands = [...metrics, ...logOnsetCandidates(rates, from, now), ...(input.extra ?? [])];
  const est = clusterOnset(cands, { stepMs: input.metrics?.stepMs ?? 60_000, to: now, hint: start });
  if (est && finite(est.onset)) {
    const onset = Math.min(est.onset, now - 60_000);
    return {
      ...est,
      onset,
      lo: Math.min(est.lo, onset),
      hi: Math.max(Math.min(est.hi, now), onset),
      how: 'signals',
      hosts,
    };
  }
  const latest = (await changes())
    .filter((c) => finite(c.time) && c.time <= now && c.time >= from)
    .sort((a, b) => b.time - a.time)[0];
  const quiet = start <= now - 60_000 ? start : now - MIN_INCIDENT_MS;
  if (latest && latest.time < now - 60_000) {
    const onset = Math.max(latest.time, from);
    return { onset, lo: onset, hi: Math.max(onset, quiet), basis: [`change ${latest.id}`], how: 'change', hosts };
  }
  return { onset: quiet, lo: quiet - MIN_INCIDENT_MS, hi: Math.max(quiet, start), basis: [], how: 'start', hosts };
}

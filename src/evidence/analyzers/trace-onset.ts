// Onset candidates from spans, like metrics and error logs give theirs: per service and minute, the spans
// that failed and the median duration of the spans it served. A service whose failing spans rise, or whose
// served latency shifts materially, says when it changed.

import type { Span } from '../types';
import { activeChangePoint } from './changepoint';
import { logOnsetCandidates, type OnsetCandidate } from './onset';
import { median } from './robust';

const MINUTE = 60_000;
/** A latency shift counts when it is this many spreads of the earlier minutes, +25 % and +5 ms at least. */
const MIN_SCORE = 4;
const MIN_REL = 0.25;
const MIN_ADDED_MS = 5;
/** Minutes with fewer served spans than this carry no latency reading. */
const MIN_SPANS = 3;

/** Spans a service served (entry points of its work): server and consumer spans, else roots. */
function served(s: Span): boolean {
  return s.kind === 'server' || s.kind === 'consumer' || s.parentSpanId === '';
}

/** Onset candidates from the spans that start in [from, to] (see file comment). */
export function traceOnsetCandidates(spans: readonly Span[], from: number, to: number): OnsetCandidate[] {
  const errors = new Map<string, Map<number, number>>();
  const durations = new Map<string, Map<number, number[]>>();
  for (const s of spans) {
    if (!Number.isFinite(s.startMs) || s.startMs < from || s.startMs > to) continue;
    const minute = Math.floor(s.startMs / MINUTE) * MINUTE;
    if (s.error) {
      const m = errors.get(s.service) ?? new Map<number, number>();
      m.set(minute, (m.get(minute) ?? 0) + 1);
      errors.set(s.service, m);
    }
    if (served(s) && Number.isFinite(s.durationMs)) {
      const m = durations.get(s.service) ?? new Map<number, number[]>();
      const list = m.get(minute) ?? [];
      list.push(s.durationMs);
      m.set(minute, list);
      durations.set(s.service, m);
    }
  }
  // Failing spans are counted like error lines: the same rule, so one failure reads the same in either.
  const out = logOnsetCandidates(errors, from, to).map((c) => ({
    ...c,
    key: `trace errors{service="${c.service}"}`,
    origin: 'traces' as const,
  }));
  for (const [service, byMinute] of durations) {
    const pts: Array<[number, number]> = [...byMinute.entries()]
      .filter(([, d]) => d.length >= MIN_SPANS)
      .map(([t, d]) => [t, median(d)] as [number, number])
      .sort((a, b) => a[0] - b[0]);
    const cp = activeChangePoint(pts);
    if (!cp || !Number.isFinite(cp.score) || cp.score < MIN_SCORE) continue;
    if (cp.after - cp.before < Math.max(MIN_ADDED_MS, MIN_REL * Math.abs(cp.before))) continue;
    out.push({
      key: `trace latency{service="${service}"}`,
      service,
      at: cp.at,
      strength: Math.log10(1 + cp.score),
      origin: 'traces',
    });
  }
  return out;
}

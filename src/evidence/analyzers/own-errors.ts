// What a service's own error logs say: whether a template reads as an error, whether it reports a failing
// call (a callee's fault travelling up) rather than a fault of the service's own, and how much a new failure
// of its own weighs in the ranking.

import type { TemplateStat } from '../types';
import { formatClock } from './format';
import { clipLine } from '../../domain/text';
import { levelRank } from '../logparse';

/**
 * Errors that report a failing call rather than a fault of one's own (they travel up like latency): a
 * callee's error status received (an HTTP client's server-error exception, "500 Internal Server Error"),
 * no instance of it to call, timeouts, refusals.
 */
export const CLIENT_ERROR =
  /upstream|downstream|deadline|timed? ?out|refused|unavailable|unreachable|bad gateway|gateway|\b50[234]\b|internal server error|server ?error ?exception|no instances? available|circuit|retr(y|ies|ying)|call(ing)? [^ ]+ failed|failed (to )?(call|connect|reach)|connection (reset|closed)|no healthy/i;

/** Whether a template reads as an error (by level, else by wording). */
export function isErrorTemplate(t: Pick<TemplateStat, 'level' | 'template'>): boolean {
  if (t.level) return /err|fatal|crit|panic|severe|alert|emerg|warn/i.test(t.level);
  return /\b(error|exception|fail(ed|ure)?|timeout|timed out|refused|panic|traceback|fatal)\b/i.test(t.template);
}

export function describeTemplate(t: TemplateStat): string {
  const rate =
    t.label === 'new'
      ? `new, ${t.incidentCount}× since ${formatClock(t.firstSeen)}`
      : `${t.baselineCount} → ${t.incidentCount}, ×${t.ratio.toFixed(1)}`;
  return `log "${clipLine(t.template, 90)}" (${rate})`;
}

/** Weight of a service's own new failure report (see failureScore): as much as the strongest metric move (robust score 100). */
const OWN_FAILURE = 2;

/**
 * A service that reports a failure of its own that it never reported before (a new template at error level
 * or above that blames no callee) says where the fault is; metrics only say where it hurts, and a
 * coarse latency quantile moves for many reasons. Warnings are not failures. Ten lines are as telling
 * as a hundred.
 */
export function failureScore(ownErrors: readonly TemplateStat[]): number {
  const failures = ownErrors.filter((t) => (t.level ? levelRank(t.level) >= levelRank('error') : true));
  return OWN_FAILURE * Math.max(0, ...failures.map((t) => Math.min(1, Math.log10(1 + t.incidentCount))));
}

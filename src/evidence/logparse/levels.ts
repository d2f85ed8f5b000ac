// Level words as services write them, normalised to one small vocabulary (`fail`, `dbug` and `trce`
// are .NET's console logger's).

export type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

const LEVELS: Record<string, Level> = {
  FATAL: 'fatal',
  CRITICAL: 'fatal',
  CRIT: 'fatal',
  PANIC: 'fatal',
  DPANIC: 'error',
  EMERG: 'fatal',
  ALERT: 'fatal',
  F: 'fatal',
  ERROR: 'error',
  FAIL: 'error',
  ERR: 'error',
  SEVERE: 'error',
  FAILURE: 'error',
  E: 'error',
  WARN: 'warn',
  WARNING: 'warn',
  W: 'warn',
  INFO: 'info',
  NOTICE: 'info',
  NOTE: 'info',
  LOG: 'info',
  STATEMENT: 'info',
  DETAIL: 'info',
  HINT: 'info',
  CONTEXT: 'info',
  I: 'info',
  INFORMATION: 'info',
  DEBUG: 'debug',
  DBUG: 'debug',
  DEBUG1: 'debug',
  DEBUG2: 'debug',
  D: 'debug',
  FINE: 'debug',
  TRACE: 'trace',
  TRCE: 'trace',
  FINER: 'trace',
  FINEST: 'trace',
  T: 'trace',
  VERBOSE: 'trace',
  V: 'trace',
};

/** Per ASCII code: does some level word start with this (upper-case) letter? Rules most words out before the table lookup. */
const LEADS: boolean[] = [];
for (const word of Object.keys(LEVELS)) LEADS[word.charCodeAt(0)] = true;

const RANK: Record<Level, number> = { fatal: 5, error: 4, warn: 3, info: 2, debug: 1, trace: 0 };

/** Normalises a level word (any case, e.g. `WARNING`, `err`, `Severe`); null when it is not one. Single letters only when `allowLetter`. */
export function normalizeLevel(word: string, allowLetter = false): Level | null {
  if (word.length === 1 && !allowLetter) return null;
  if (word.length > 11) return null;
  return LEVELS[word.toUpperCase()] ?? null;
}

/** Level of an upper-case bare header word (`INFO`, `WARN`): case-sensitive so prose words are not taken. */
export function headerLevel(word: string): Level | null {
  if (word.length < 3 || word.length > 11 || LEADS[word.charCodeAt(0)] !== true) return null;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 65 || c > 90) return null;
  }
  return LEVELS[word] ?? null;
}

/** Severity rank, higher is worse; -1 for unknown. */
export function levelRank(level: string | undefined): number {
  return level === undefined ? -1 : (RANK[level as Level] ?? -1);
}

/** Syslog severities 0..7 (emerg .. debug), as a `<PRI>` and journald's PRIORITY carry them. */
const SYSLOG_SEVERITY: readonly Level[] = ['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug'];

/** Level of a syslog severity number (0..7), or null when it is not one. */
export function syslogLevel(severity: number): Level | null {
  return Number.isInteger(severity) ? (SYSLOG_SEVERITY[severity] ?? null) : null;
}

/** Level of a Redis log marker. */
export function redisLevel(mark: string): Level {
  return mark === '#' ? 'warn' : mark === '.' ? 'debug' : 'info';
}

// Timestamp recognisers for the common log header styles. Each returns the epoch ms and the
// index just past the timestamp text, so the header stripper can continue from there.
// The forms a header may carry at any token are in time-forms.ts.

import { fracMs, MONTHS, n, timestampAt, utc, yearFor, ZONE_NAME, zoneMs, type TsKind } from './time-forms';

export interface TsMatch {
  ts: number;
  /** Index in the line just after the timestamp (and its closing bracket, if any). */
  end: number;
  /** True when the style carries no year and the reference year was assumed. */
  yearless?: boolean;
}

const ISO = new RegExp(
  `^(\\d{4})[-/](\\d\\d)[-/](\\d\\d)[T ](\\d\\d):(\\d\\d):(\\d\\d)(?:[.,](\\d{1,9}))?(Z|z|[+-]\\d\\d:?\\d\\d(?![\\d:])|${ZONE_NAME})?`,
);
const BGL_TIME = /^(\d{4})-(\d\d)-(\d\d)-(\d\d)\.(\d\d)\.(\d\d)\.(\d{1,9})/;
const HDFS_TIME = /^(\d\d)(\d\d)(\d\d) (\d\d)(\d\d)(\d\d)(?= )/;
const SLASH_YY = /^(\d\d)\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)/;
const SYSLOG = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?: (\d{4})(?= ))?/;
const APACHE_ERR = /^\[(?:[A-Z][a-z]{2}) ([A-Z][a-z]{2}) (\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? (\d{4})\]/;
const CLF = /\[(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? ([+-]\d{4})\]/;
const REDIS = /^\d+:[XCSM] (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?/;
const RFC5424 = /^<\d{1,3}>\d{1,2} (\S+) /;
const RFC3164_PRI = /^<\d{1,3}>(?=[A-Z])/;

/** ISO 8601 / `YYYY-MM-DD HH:MM:SS[,.]fff` (Java, Python, Go, PostgreSQL, Hadoop, Zookeeper). */
export function matchIso(text: string, offset = 0): TsMatch | null {
  const m = ISO.exec(offset ? text.slice(offset) : text);
  if (!m) return null;
  const ts = utc(n(m[1]), n(m[2]) - 1, n(m[3]), n(m[4]), n(m[5]), n(m[6]), fracMs(m[7])) - zoneMs(m[8]);
  return Number.isNaN(ts) ? null : { ts, end: offset + m[0].length };
}

/** Timestamp at the start of a plain-text line, in any of the supported header styles. */
export function matchLeadingTimestamp(line: string, refTime: number): TsMatch | null {
  const c = line.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    const iso = matchIso(line);
    if (iso) return iso;
    let m = HDFS_TIME.exec(line);
    if (m) {
      const ts = utc(2000 + n(m[1]), n(m[2]) - 1, n(m[3]), n(m[4]), n(m[5]), n(m[6]), 0);
      if (!Number.isNaN(ts) && n(m[2]) <= 12) return { ts, end: m[0].length };
    }
    m = SLASH_YY.exec(line);
    if (m) return { ts: utc(2000 + n(m[1]), n(m[2]) - 1, n(m[3]), n(m[4]), n(m[5]), n(m[6]), 0), end: m[0].length };
    m = BGL_TIME.exec(line);
    if (m) return { ts: utc(n(m[1]), n(m[2]) - 1, n(m[3]), n(m[4]), n(m[5]), n(m[6]), fracMs(m[7])), end: m[0].length };
    m = REDIS.exec(line);
    if (m) {
      const mo = MONTHS[m[2] as string];
      if (mo !== undefined)
        return { ts: utc(n(m[3]), mo, n(m[1]), n(m[4]), n(m[5]), n(m[6]), fracMs(m[7])), end: m[0].length };
    }
    return null;
  }
  if (c === 91 /* [ */) {
    const m = APACHE_ERR.exec(line);
    if (m) {
      const mo = MONTHS[m[1] as string];
      if (mo !== undefined)
        return { ts: utc(n(m[7]), mo, n(m[2]), n(m[3]), n(m[4]), n(m[5]), fracMs(m[6])), end: m[0].length };
    }
    const iso = matchIso(line, 1);
    if (iso && line.charCodeAt(iso.end) === 93) return { ts: iso.ts, end: iso.end + 1 };
    return null;
  }
  if (c === 60 /* < */) {
    const m = RFC5424.exec(line);
    if (m) {
      const iso = matchIso(m[1] as string);
      if (iso) return { ts: iso.ts, end: m[0].length - 1 };
    }
    const pri = RFC3164_PRI.exec(line);
    return pri ? syslogTime(line.slice(pri[0].length), refTime, pri[0].length) : null;
  }
  if (c >= 65 && c <= 90) return syslogTime(line, refTime, 0);
  return null;
}

/** `Mmm dd hh:mm:ss[.ffffff][ yyyy]` at the start of `text`, which starts at `offset` in its line. */
function syslogTime(text: string, refTime: number, offset: number): TsMatch | null {
  const m = SYSLOG.exec(text);
  if (!m) return null;
  const mo = MONTHS[m[1] as string];
  if (mo === undefined) return null;
  const [d, h, mi, s] = [n(m[2]), n(m[3]), n(m[4]), n(m[5])];
  const year = m[7] ? n(m[7]) : yearFor(refTime, mo, d, h, mi, s);
  return { ts: utc(year, mo, d, h, mi, s, fracMs(m[6])), end: offset + m[0].length, yearless: !m[7] };
}

/** Common Log Format `[27/Nov/2026:03:02:10 +0000]` anywhere in the line (nginx/Apache access logs). */
export function matchClf(line: string): (TsMatch & { start: number }) | null {
  if (line.indexOf('[') < 0) return null;
  const m = CLF.exec(line);
  if (!m) return null;
  const mo = MONTHS[m[2] as string];
  if (mo === undefined) return null;
  const ts = utc(n(m[3]), mo, n(m[1]), n(m[4]), n(m[5]), n(m[6]), fracMs(m[7])) - zoneMs(m[8]);
  return { ts, start: m.index, end: m.index + m[0].length };
}

/** A token (`tok`, or its part [from, to)) that may stand before the time in a header: ids, numbers, hosts, file names, `-`; not a prose word. */
export function headerLike(tok: string, from = 0, to = tok.length): boolean {
  let lower = false;
  for (let i = from; i < to; i++) {
    const c = tok.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = true;
    else if (!((c >= 65 && c <= 90) || c > 127)) return true; // a digit or punctuation: an id, not a word
  }
  return !lower;
}

const HEADER_TOKENS = 7;
const DAY_MS = 86_400_000;
const HEADER_CHARS = 200;
/** Tokens allowed between two parts of one header's time (BGL: epoch, date, node, date-time). */
const CHAIN_GAP = 2;

/** A timestamp found in a line's header, with where the header's time ends. */
export interface HeaderTimestamp {
  ts: number;
  start: number;
  end: number;
  kind: TsKind;
  /** Kind of the last time in the header (a syslog time is followed by `host tag:`). */
  lastKind: TsKind;
}

const RANK: Record<TsKind, number> = { full: 4, epoch: 4, syslog: 2, yearless: 2, time: 2, date: 1 };

/** What a file's lines taught about its header: the time sits at this token even after words (`node status 1074216940`). */
export interface HeaderHint {
  token: number;
}

/** First header token (0-based) at which a time other than a bare date starts, ignoring what precedes it; -1 when none. */
function anyTimeToken(line: string, refTime: number): number {
  let pos = 0;
  for (let tok = 0; tok < HEADER_TOKENS && pos < line.length; tok++) {
    while (
      pos < line.length &&
      (line.charCodeAt(pos) === 32 || line.charCodeAt(pos) === 9 || line.charCodeAt(pos) === 124)
    )
      pos++;
    const m = pos < line.length ? timestampAt(line, pos, refTime) : null;
    if (m && m.kind !== 'date') return tok;
    while (
      pos < line.length &&
      line.charCodeAt(pos) !== 32 &&
      line.charCodeAt(pos) !== 9 &&
      line.charCodeAt(pos) !== 124
    )
      pos++;
  }
  return -1;
}

/**
 * Learns from a sample of a file's lines (those whose header the general rules do not read) where
 * their time sits: when most of them carry a time at the same token, the header has words before
 * the time, and that position is trusted for this file. Null when there is no such consensus.
 */
export function learnHeaderHint(untimed: readonly string[], refTime: number): HeaderHint | null {
  const tally = new Map<number, number>();
  let seen = 0;
  for (const line of untimed) {
    if (line.length === 0 || line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) continue;
    seen++;
    const t = anyTimeToken(line, refTime);
    if (t > 0) tally.set(t, (tally.get(t) ?? 0) + 1);
  }
  let best: HeaderHint | null = null;
  let bestCount = 0;
  for (const [token, count] of tally) {
    if (count > bestCount) {
      best = { token };
      bestCount = count;
    }
  }
  return best && bestCount >= 3 && bestCount * 2 >= seen ? best : null;
}

/**
 * The timestamp of a line's header wherever it sits among the first tokens: after ids, hosts or a
 * file name, bracketed or not, in any supported form. Consecutive times (an epoch, a date and a
 * date-time in one header) are read as one header; the most precise of them gives the time and
 * the last one ends the header. Returns null when the first tokens hold no time or a prose word
 * comes first.
 */
export function findHeaderTimestamp(line: string, refTime: number, hint?: HeaderHint): HeaderTimestamp | null {
  let found: HeaderTimestamp | null = null;
  let pos = 0;
  let sinceLast = 0;
  const limit = Math.min(line.length, HEADER_CHARS);
  for (let tok = 0; tok < HEADER_TOKENS + CHAIN_GAP && pos < limit; tok++) {
    while (pos < limit && (line.charCodeAt(pos) === 32 || line.charCodeAt(pos) === 9 || line.charCodeAt(pos) === 124))
      pos++;
    if (pos >= limit) break;
    let m = timestampAt(line, pos, refTime) ?? (tok === 0 ? afterFileName(line, pos, refTime) : null);
    // After words, a bare number or time of day is the message's (`INFO [exec-1] 1365301360 exceptions`);
    // only a dated form continues the header there (BGL: epoch, date, node, date-time).
    if (m && found && sinceLast > 0 && (m.kind === 'epoch' || m.kind === 'time')) m = null;
    if (m) {
      if (!found) found = { ts: m.ts, start: pos, end: m.end, kind: m.kind, lastKind: m.kind };
      else if (found.kind === 'date' && m.kind === 'time' && sinceLast === 0) {
        // A date, then its time in the next field (`2026-11-27<TAB>03:02:04`, W3C logs such as CloudFront's).
        found.ts += (((m.ts - found.ts) % DAY_MS) + DAY_MS) % DAY_MS;
        found.kind = 'full';
        found.lastKind = m.kind;
        found.end = m.end;
      } else {
        found.lastKind = m.kind;
        if (RANK[m.kind] > RANK[found.kind]) {
          found.ts = m.ts;
          found.kind = m.kind;
        }
        found.end = m.end;
      }
      sinceLast = 0;
      pos = m.end;
      continue;
    }
    let end = pos;
    while (
      end < line.length &&
      line.charCodeAt(end) !== 32 &&
      line.charCodeAt(end) !== 9 &&
      line.charCodeAt(end) !== 124
    )
      end++;
    if (found) {
      if (++sinceLast > CHAIN_GAP || !headerLike(line, pos, end)) break;
    } else if (
      tok >= HEADER_TOKENS ||
      (!headerLike(line, pos, end) && !(hint && tok < hint.token) && !(tok === 0 && typeBeforeTime(line, end, refTime)))
    ) {
      return null;
    }
    pos = end;
  }
  return found && found.kind !== 'date' ? found : null;
}

/**
 * A short lower-case word that leads a header whose full date-time follows it (`https 2026-11-27T03:02:04.1Z`,
 * the request type of an AWS load balancer's log): a type field, read without learning the file first.
 */
function typeBeforeTime(line: string, wordEnd: number, refTime: number): boolean {
  if (wordEnd > 6 || line.charCodeAt(wordEnd) !== 32) return false;
  for (let i = 0; i < wordEnd; i++) {
    const c = line.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return false;
  }
  return timestampAt(line, wordEnd + 1, refTime)?.kind === 'full';
}

/**
 * A time glued to a file name by a colon, as `grep -H` and `tail` over several files print it
 * (`system.log:Mar  5 09:58:18 host app: msg`): the time after the first colon of the first token,
 * when what precedes it has a `.` or `/` like a file name.
 */
function afterFileName(line: string, pos: number, refTime: number): ReturnType<typeof timestampAt> {
  let colon = -1;
  let fileLike = false;
  for (let i = pos; i < line.length && i < pos + 120; i++) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9) return null;
    if (c === 58 /* : */) {
      colon = i;
      break;
    }
    if (c === 46 /* . */ || c === 47 /* / */) fileLike = true;
  }
  return fileLike && colon > pos && colon + 1 < line.length ? timestampAt(line, colon + 1, refTime) : null;
}

/** Parses a time field value: ISO text, epoch seconds, ms, µs or ns (number or numeric string, told by size). */
export function parseTimeValue(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) {
    if (v > 1e17) return Math.floor(v / 1e6);
    if (v > 1e14) return Math.floor(v / 1e3);
    return v > 1e11 ? Math.floor(v) : Math.floor(v * 1000);
  }
  if (typeof v !== 'string' || v.length === 0) return null;
  if (/^\d+(\.\d+)?$/.test(v)) return parseTimeValue(Number(v));
  const iso = matchIso(v);
  if (iso) return iso.ts;
  const parsed = Date.parse(v);
  return Number.isNaN(parsed) ? null : parsed;
}

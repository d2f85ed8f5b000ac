// Timestamp recognisers for the common log header styles. Each returns the epoch ms and the
// index just past the timestamp text, so the header stripper can continue from there.

export interface TsMatch {
  ts: number;
  /** Index in the line just after the timestamp (and its closing bracket, if any). */
  end: number;
  /** True when the style carries no year and the reference year was assumed. */
  yearless?: boolean;
}

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

/** Milliseconds from a fraction string ("123", "485", "675872"). */
function fracMs(frac: string | undefined): number {
  if (!frac) return 0;
  return Math.floor(Number((frac + '000').slice(0, 3)));
}

/** Offset in ms of `Z`, `+0100`, `-05:00`; 0 when absent (we read zone-less times as UTC). */
function zoneMs(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const h = Number(digits.slice(0, 2));
  const m = Number(digits.slice(2, 4) || '0');
  return sign * (h * 60 + m) * 60_000;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  return Date.UTC(y, mo, d, h, mi, s, ms);
}

/** Year for a year-less date: the reference year, or the year before when that lands >1 day after the reference. */
function yearFor(refTime: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const refYear = new Date(refTime).getUTCFullYear();
  return utc(refYear, mo, d, h, mi, s, 0) > refTime + 86_400_000 ? refYear - 1 : refYear;
}

const ISO = /^(\d{4})[-/](\d\d)[-/](\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|z|[+-]\d\d:?\d\d(?![\d:]))?/;
const BGL_TIME = /^(\d{4})-(\d\d)-(\d\d)-(\d\d)\.(\d\d)\.(\d\d)\.(\d{1,9})/;
const HDFS_TIME = /^(\d\d)(\d\d)(\d\d) (\d\d)(\d\d)(\d\d)(?= )/;
const SLASH_YY = /^(\d\d)\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)/;
const SYSLOG = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?: (\d{4})(?= ))?/;
const APACHE_ERR = /^\[(?:[A-Z][a-z]{2}) ([A-Z][a-z]{2}) (\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? (\d{4})\]/;
const CLF = /\[(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? ([+-]\d{4})\]/;
const REDIS = /^\d+:[XCSM] (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?/;
const RFC5424 = /^<\d{1,3}>\d{1,2} (\S+) /;

function n(s: string | undefined): number {
  return Number(s);
}

/** ISO 8601 / `YYYY-MM-DD HH:MM:SS[,.]fff` (Java, Python, Go, PostgreSQL, Hadoop, Zookeeper). */
export function matchIso(text: string, offset = 0): TsMatch | null {
  const m = ISO.exec(offset ? text.slice(offset) : text);
  if (!m) return null;
  const ts = utc(n(m[1]), n(m[2]) - 1, n(m[3]), n(m[4]), n(m[5]), n(m[6]), fracMs(m[7])) - zoneMs(m[8]);
  return Number.isNaN(ts) ? null : { ts, end: offset + m[0].length };
}

/** Epoch seconds (10 digits) or ms (13 digits) as a whole token. */
function matchEpochToken(tok: string): number | null {
  if (tok.length === 10 && /^1\d{9}$/.test(tok)) return Number(tok) * 1000;
  if (tok.length === 13 && /^1\d{12}$/.test(tok)) return Number(tok);
  return null;
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
      if (mo !== undefined) return { ts: utc(n(m[3]), mo, n(m[1]), n(m[4]), n(m[5]), n(m[6]), fracMs(m[7])), end: m[0].length };
    }
    return null;
  }
  if (c === 91 /* [ */) {
    const m = APACHE_ERR.exec(line);
    if (m) {
      const mo = MONTHS[m[1] as string];
      if (mo !== undefined) return { ts: utc(n(m[7]), mo, n(m[2]), n(m[3]), n(m[4]), n(m[5]), fracMs(m[6])), end: m[0].length };
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
    return null;
  }
  if (c >= 65 && c <= 90) {
    const m = SYSLOG.exec(line);
    if (m) {
      const mo = MONTHS[m[1] as string];
      if (mo === undefined) return null;
      const [d, h, mi, s] = [n(m[2]), n(m[3]), n(m[4]), n(m[5])];
      const year = m[7] ? n(m[7]) : yearFor(refTime, mo, d, h, mi, s);
      return { ts: utc(year, mo, d, h, mi, s, fracMs(m[6])), end: m[0].length, yearless: !m[7] };
    }
  }
  return null;
}

/** Common Log Format `[27/Nov/2026:03:02:10 +0000]` anywhere in the line (nginx/Apache access logs). */
export function matchClf(line: string): (TsMatch & { start: number }) | null {
  const m = CLF.exec(line);
  if (!m) return null;
  const mo = MONTHS[m[2] as string];
  if (mo === undefined) return null;
  const ts = utc(n(m[3]), mo, n(m[1]), n(m[4]), n(m[5]), n(m[6]), fracMs(m[7])) - zoneMs(m[8]);
  return { ts, start: m.index, end: m.index + m[0].length };
}

/**
 * A timestamp among the first few whitespace tokens (BGL: `- 1117838570 2005.06.03 node 2005-06-03-15.42.50.675872 ...`).
 * Returns the match of the first recognisable token.
 */
export function matchEarlyTimestamp(line: string, maxTokens = 3): TsMatch | null {
  let pos = 0;
  for (let i = 0; i < maxTokens && pos < line.length; i++) {
    let end = line.indexOf(' ', pos);
    if (end < 0) end = line.length;
    const tok = line.slice(pos, end);
    const epoch = matchEpochToken(tok);
    if (epoch !== null) return { ts: epoch, end };
    const bgl = BGL_TIME.exec(tok);
    if (bgl) return { ts: utc(n(bgl[1]), n(bgl[2]) - 1, n(bgl[3]), n(bgl[4]), n(bgl[5]), n(bgl[6]), fracMs(bgl[7])), end };
    pos = end + 1;
  }
  return null;
}

/** Parses a time field value: ISO text, epoch seconds or epoch ms (number or numeric string). */
export function parseTimeValue(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v > 1e11 ? Math.floor(v) : Math.floor(v * 1000);
  if (typeof v !== 'string' || v.length === 0) return null;
  if (/^\d+(\.\d+)?$/.test(v)) return parseTimeValue(Number(v));
  const iso = matchIso(v);
  if (iso) return iso.ts;
  const parsed = Date.parse(v);
  return Number.isNaN(parsed) ? null : parsed;
}

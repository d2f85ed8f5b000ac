// The date-time forms a header may carry, each read at a given position of a line, and the
// calendar arithmetic they share with the whole-line recognisers in timestamps.ts.

export const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** Milliseconds from a fraction string ("123", "485", "675872"). */
export function fracMs(frac: string | undefined): number {
  if (!frac) return 0;
  return Math.floor(Number((frac + '000').slice(0, 3)));
}

/**
 * Zone abbreviations a header may write after the time (PostgreSQL's `%m`: `04:01:58.004 CET`), in hours
 * east of UTC; only those that name one offset (`CST` and `IST` each name several, and are left unread).
 */
const ZONE_NAMES: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  WET: 0,
  WEST: 1,
  BST: 1,
  CET: 1,
  CEST: 2,
  EET: 2,
  EEST: 3,
  MSK: 3,
  HKT: 8,
  SGT: 8,
  JST: 9,
  KST: 9,
  AEST: 10,
  AEDT: 11,
  NZST: 12,
  NZDT: 13,
  EST: -5,
  EDT: -4,
  MST: -7,
  MDT: -6,
  PST: -8,
  PDT: -7,
};

/** ` CET`: a space and one of ZONE_NAMES, as a regex source for the end of a date-time. */
export const ZONE_NAME = ` (?:${Object.keys(ZONE_NAMES).join('|')})(?![\\w:])`;

/** Offset in ms of `Z`, `+0100`, `-05:00`, ` CET`; 0 when absent (we read zone-less times as UTC). */
export function zoneMs(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const named = ZONE_NAMES[zone.trimStart()];
  if (named !== undefined) return named * 3_600_000;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const h = Number(digits.slice(0, 2));
  const m = Number(digits.slice(2, 4) || '0');
  return sign * (h * 60 + m) * 60_000;
}

export function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  return Date.UTC(y, mo, d, h, mi, s, ms);
}

/** Year for a year-less date: the reference year, or the year before when that lands >1 day after the reference. */
export function yearFor(refTime: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const refYear = new Date(refTime).getUTCFullYear();
  return utc(refYear, mo, d, h, mi, s, 0) > refTime + 86_400_000 ? refYear - 1 : refYear;
}

/** A time of day on the reference day, or the day before when that would be over an hour after the reference. */
function timeOfRefDay(refTime: number, h: number, mi: number, s: number, ms: number): number {
  const ref = new Date(refTime);
  const ts = utc(ref.getUTCFullYear(), ref.getUTCMonth(), ref.getUTCDate(), h, mi, s, ms);
  return ts > refTime + 3_600_000 ? ts - 86_400_000 : ts;
}

export function n(s: string | undefined): number {
  return Number(s);
}

/** Kind of a timestamp found by `findHeaderTimestamp`: how the header after it is read. */
export type TsKind = 'full' | 'epoch' | 'yearless' | 'syslog' | 'date' | 'time';

export interface AnchoredMatch {
  ts: number;
  end: number;
  kind: TsKind;
}

// Anchored (sticky) forms tried at each header token start. Each is one general shape, not a system.
const A_ISO = new RegExp(
  `(\\d{4})[-/](\\d\\d)[-/](\\d\\d)[T ](\\d\\d):(\\d\\d):(\\d\\d)(?:[.,](\\d{1,9}))?(Z|z|[+-]\\d\\d:?\\d\\d(?![\\d:])|${ZONE_NAME})?`,
  'y',
);
/** Compact date-time: `20171223-22:15:29:606`, `20171223T221529.606`. */
const A_COMPACT =
  /(\d{4})(\d\d)(\d\d)(?:[-T_ ](\d\d)(\d\d)(\d\d)|[-T_ ](\d{1,2}):(\d{1,2}):(\d{1,2}))(?:[.:,](\d{1,9}))?(?!\d)/y;
const A_YYMMDD = /(\d\d)(\d\d)(\d\d) (\d\d)(\d\d)(\d\d)(?= )/y;
const A_SLASH_YY = /(\d\d)\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?/y;
/** Year-less month-day: `03-17 16:13:38.811`, `10.30 16:49:06`, `06/17 10:01:02`. */
const A_MD = /(\d\d)[-./](\d\d)[ T](\d\d):(\d\d):(\d\d)(?:[.,:](\d{1,9}))?(?![\d:])/y;
const A_SYSLOG = /([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?: (\d{4})(?= ))?/y;
/** `Thu Jun 09 06:07:04 2005` (ctime) and `27 Nov 2026 03:02:10`. */
const A_CTIME = /(?:[A-Z][a-z]{2},? )?([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? (\d{4})/y;
const A_DMY = /(\d{1,2})[ /-]([A-Z][a-z]{2})[ /-](\d{4})[ :](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,6}))?/y;
/** Day and month before the year: `03/04/2024 05:06:07 AM` (month first, as the US writes it, unless
 * the first number is over 12) and `04.03.2024 05:06:07` (dots: day first). */
const A_DMY_NUM =
  /(\d{1,2})([/.])(\d{1,2})\2(\d{4})[ T,]+(\d{1,2}):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(?: ?([AaPp][Mm])\b)?/y;
/** A time of day alone (`05:06:07.123`): dated from the reference day. */
const A_TIME = /(\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(?![\d:])/y;

/** Plausible epoch range for bare numbers: 2000-01-01 .. 2100-01-01 (in ms). */
const EPOCH_MIN = 946_684_800_000;
const EPOCH_MAX = 4_102_444_800_000;

function exec(re: RegExp, s: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(s);
}

function validDate(mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  return mo >= 0 && mo < 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 61;
}

// The three forms below are the commonest in headers, so they are read by position rather than by a
// regex: `2024-03-17` (a date), `2005-06-03-15.42.50.675872` (a dotted date-time), an epoch number.

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function twoDigits(s: string, i: number): boolean {
  return isDigit(s.charCodeAt(i)) && isDigit(s.charCodeAt(i + 1));
}

/** Value of the ASCII digits in s[from, to) (the caller has seen that they are digits). */
function num(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) v = v * 10 + s.charCodeAt(i) - 48;
  return v;
}

/** Separator of a date's parts: `-`, `.` or `/`. */
function dateSep(c: number): boolean {
  return c === 45 || c === 46 || c === 47;
}

/** A word character or a joining `.`, `:`, `-`: a number glued to one is not a time of its own. */
function joined(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 58 || c === 45;
}

/**
 * An epoch number at `at` whose run of digits is `run` long (10, 13, 16 or 19 digits: s, ms, µs,
 * ns), with an optional fraction of 1-9 digits, not glued to a word, `.`, `:` or `-`.
 */
function epochAt(s: string, at: number, run: number): AnchoredMatch | null {
  let end = at + run;
  let frac: string | undefined;
  if (s.charCodeAt(end) === 46) {
    const f = digitRun(s, end + 1);
    if (f < 1 || f > 9) return null;
    frac = s.slice(end + 1, end + 1 + f);
    end += 1 + f;
  }
  if (joined(s.charCodeAt(end))) return null;
  const digits = s.slice(at, at + run);
  const scale = run === 10 ? 1000 : run === 13 ? 1 : run === 16 ? 1e-3 : 1e-6;
  const ms = Math.floor(Number(digits) * scale + (run === 10 ? fracMs(frac) : 0));
  return ms >= EPOCH_MIN && ms <= EPOCH_MAX ? { ts: ms, end, kind: 'epoch' } : null;
}

/** `2005-06-03-15.42.50[.675872]` at `at` (four digits and a `-` seen): a valid date-time, or null. */
function dottedAt(s: string, at: number): AnchoredMatch | null {
  for (let i = at + 5; i < at + 19; i += 3) if (!twoDigits(s, i)) return null;
  const seps = s.charCodeAt(at + 7) === 45 && s.charCodeAt(at + 10) === 45;
  if (!seps || s.charCodeAt(at + 13) !== 46 || s.charCodeAt(at + 16) !== 46) return null;
  const [mo, d, h, mi, sec] = [
    num(s, at + 5, at + 7) - 1,
    num(s, at + 8, at + 10),
    num(s, at + 11, at + 13),
    num(s, at + 14, at + 16),
    num(s, at + 17, at + 19),
  ];
  if (!validDate(mo, d, h, mi, sec)) return null;
  let end = at + 19;
  let frac: string | undefined;
  if (s.charCodeAt(end) === 46) {
    const f = Math.min(digitRun(s, end + 1), 9);
    if (f > 0) {
      frac = s.slice(end + 1, end + 1 + f);
      end += 1 + f;
    }
  }
  return { ts: utc(num(s, at, at + 4), mo, d, h, mi, sec, fracMs(frac)), end, kind: 'full' };
}

/** `2024-03-17`, `2024.03.17`, `2024/03/17` at `at` (four digits and a separator seen), not followed by a digit or `:`. */
function dateAt(s: string, at: number): AnchoredMatch | null {
  if (!twoDigits(s, at + 5) || !dateSep(s.charCodeAt(at + 7)) || !twoDigits(s, at + 8)) return null;
  const after = s.charCodeAt(at + 10);
  if (isDigit(after) || after === 58) return null;
  const [mo, d] = [num(s, at + 5, at + 7) - 1, num(s, at + 8, at + 10)];
  return validDate(mo, d) ? { ts: utc(num(s, at, at + 4), mo, d, 0, 0, 0, 0), end: at + 10, kind: 'date' } : null;
}

/** Length of the run of ASCII digits starting at `at`. */
function digitRun(s: string, at: number): number {
  let i = at;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i - at;
}

/**
 * The digit-led forms, most precise first. Each form is tried only when the run of digits at `at`
 * and the character after it can begin it (`2024-` for ISO, ten digits for an epoch): a header token
 * is tested against a dozen forms, and most of them fail on their first characters anyway.
 */
function digitFormsAt(s: string, at: number, refTime: number): AnchoredMatch | null {
  const run = digitRun(s, at);
  const next = s.charCodeAt(at + run);
  const dash = next === 45; /* - */
  const slash = next === 47; /* / */
  const dot = next === 46; /* . */
  let m: RegExpExecArray | null;
  // ISO: `2024-03-17T` or `2024/03/17 ` (the character after the date is a `T` or a space).
  const c10 = s.charCodeAt(at + 10);
  if (run === 4 && (dash || slash) && (c10 === 84 || c10 === 32)) {
    m = exec(A_ISO, s, at);
    if (m) {
      const mo = n(m[2]) - 1;
      if (validDate(mo, n(m[3]), n(m[4]), n(m[5]), n(m[6]))) {
        return {
          ts: utc(n(m[1]), mo, n(m[3]), n(m[4]), n(m[5]), n(m[6]), fracMs(m[7])) - zoneMs(m[8]),
          end: at + m[0].length,
          kind: 'full',
        };
      }
    }
  }
  if (run === 4 && dash) {
    const dotted = dottedAt(s, at);
    if (dotted) return dotted;
  }
  if (run === 8) {
    m = exec(A_COMPACT, s, at);
    if (m) {
      const [h, mi, sec] = m[4] ? [n(m[4]), n(m[5]), n(m[6])] : [n(m[7]), n(m[8]), n(m[9])];
      if (validDate(n(m[2]) - 1, n(m[3]), h, mi, sec)) {
        return {
          ts: utc(n(m[1]), n(m[2]) - 1, n(m[3]), h, mi, sec, fracMs(m[10])),
          end: at + m[0].length,
          kind: 'full',
        };
      }
    }
  }
  const yy = run === 6 && next === 32 ? A_YYMMDD : run === 2 && slash ? A_SLASH_YY : null;
  if (yy) {
    m = exec(yy, s, at);
    if (m && validDate(n(m[2]) - 1, n(m[3]), n(m[4]), n(m[5]), n(m[6]))) {
      return {
        ts: utc(2000 + n(m[1]), n(m[2]) - 1, n(m[3]), n(m[4]), n(m[5]), n(m[6]), fracMs(m[7])),
        end: at + m[0].length,
        kind: 'full',
      };
    }
  }
  if (run <= 2) {
    if (next === 32 || slash || dash) {
      m = exec(A_DMY, s, at);
      if (m) {
        const mo = MONTHS[m[2] as string];
        if (mo !== undefined)
          return {
            ts: utc(n(m[3]), mo, n(m[1]), n(m[4]), n(m[5]), n(m[6]), fracMs(m[7])),
            end: at + m[0].length,
            kind: 'full',
          };
      }
    }
    if (run === 2 && (dash || dot || slash)) {
      m = exec(A_MD, s, at);
      if (m) {
        const [mo, d, h, mi, sec] = [n(m[1]) - 1, n(m[2]), n(m[3]), n(m[4]), n(m[5])];
        if (validDate(mo, d, h, mi, sec)) {
          return {
            ts: utc(yearFor(refTime, mo, d, h, mi, sec), mo, d, h, mi, sec, fracMs(m[6])),
            end: at + m[0].length,
            kind: 'yearless',
          };
        }
      }
    }
    if (slash || dot) {
      m = exec(A_DMY_NUM, s, at);
      if (m) {
        const [a, b] = [n(m[1]), n(m[3])];
        const dayFirst = m[2] === '.' || a > 12;
        const [mo, d] = dayFirst ? [b - 1, a] : [a - 1, b];
        let h = n(m[5]);
        const ampm = m[9]?.toLowerCase();
        if (ampm === 'pm' && h < 12) h += 12;
        else if (ampm === 'am' && h === 12) h = 0;
        if (validDate(mo, d, h, n(m[6]), n(m[7]))) {
          return { ts: utc(n(m[4]), mo, d, h, n(m[6]), n(m[7]), fracMs(m[8])), end: at + m[0].length, kind: 'full' };
        }
      }
    }
    if (run === 2 && next === 58 /* : */) {
      m = exec(A_TIME, s, at);
      if (m) {
        const [h, mi, sec] = [n(m[1]), n(m[2]), n(m[3])];
        if (validDate(0, 1, h, mi, sec))
          return { ts: timeOfRefDay(refTime, h, mi, sec, fracMs(m[4])), end: at + m[0].length, kind: 'time' };
      }
    }
  }
  if (run === 10 || run === 13 || run === 16 || run === 19) {
    const epoch = epochAt(s, at, run);
    if (epoch) return epoch;
  }
  if (run === 4 && (dash || dot || slash)) return dateAt(s, at);
  return null;
}

/** The month-name forms: both begin with a capitalised three-letter name and a space or comma (`Jun 9`, `Thu,`). */
function wordFormsAt(s: string, at: number, refTime: number): AnchoredMatch | null {
  const c1 = s.charCodeAt(at + 1);
  const c2 = s.charCodeAt(at + 2);
  const c3 = s.charCodeAt(at + 3);
  if (!(c1 >= 97 && c1 <= 122 && c2 >= 97 && c2 <= 122 && (c3 === 32 || c3 === 44))) return null;
  let m = exec(A_CTIME, s, at);
  if (m) {
    const mo = MONTHS[m[1] as string];
    if (mo !== undefined)
      return {
        ts: utc(n(m[7]), mo, n(m[2]), n(m[3]), n(m[4]), n(m[5]), fracMs(m[6])),
        end: at + m[0].length,
        kind: 'full',
      };
  }
  m = exec(A_SYSLOG, s, at);
  if (m) {
    const mo = MONTHS[m[1] as string];
    if (mo === undefined) return null;
    const [d, h, mi, sec] = [n(m[2]), n(m[3]), n(m[4]), n(m[5])];
    const year = m[7] ? n(m[7]) : yearFor(refTime, mo, d, h, mi, sec);
    return { ts: utc(year, mo, d, h, mi, sec, fracMs(m[6])), end: at + m[0].length, kind: m[7] ? 'full' : 'syslog' };
  }
  return null;
}

/** One timestamp starting at `at` (an optional `[` or `(` before it, its closing bracket after it). */
export function timestampAt(s: string, at: number, refTime: number): AnchoredMatch | null {
  const open = s.charCodeAt(at);
  const start = open === 91 || open === 40 ? at + 1 : at;
  const c = s.charCodeAt(start);
  const m =
    c >= 48 && c <= 57 ? digitFormsAt(s, start, refTime) : c >= 65 && c <= 90 ? wordFormsAt(s, start, refTime) : null;
  if (!m) return null;
  if (start > at) {
    const close = s.charCodeAt(m.end);
    if (close === 93 || close === 41) m.end++;
  }
  return m;
}

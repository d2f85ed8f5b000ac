// Plain-text line headers: find the timestamp, the level, and strip the decorations
// (host, pid, thread, logger) so that only the message body is left for template mining.
// One generic procedure for every style; no per-file settings.

import { clfStatus, httpStatus, outcomeLevel, outcomeWord } from './access';
import { csvFields } from './csv';
import { headerLevel, levelRank, normalizeLevel, redisLevel, syslogLevel, type Level } from './levels';
import { timestampAt } from './time-forms';
import { findHeaderTimestamp, headerLike, matchClf, matchLeadingTimestamp, type HeaderHint } from './timestamps';

export interface ParsedLine {
  /** Epoch ms, or null when the line carries no timestamp of its own. */
  ts: number | null;
  level?: Level;
  body: string;
  /** True when the line starts an event even without a timestamp (a JSON or logfmt record). */
  standalone?: boolean;
  /** True when a CSV row ends inside a quoted field: the lines after it continue that field (a multi-line message). */
  quoteOpen?: boolean;
}

const LEVEL_WINDOW = 9;

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

function tokenEnd(s: string, i: number): number {
  while (i < s.length && !isSpace(s.charCodeAt(i))) i++;
  return i;
}

function hasLower(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

/** End of a balanced `[...]` starting at i, or -1. */
function bracketEnd(s: string, i: number): number {
  let depth = 0;
  const limit = Math.min(s.length, i + 200);
  for (let j = i; j < limit; j++) {
    const c = s.charCodeAt(j);
    if (c === 91) depth++;
    else if (c === 93 && --depth === 0) return j + 1;
  }
  return -1;
}

/** Level of one header token: `INFO`, `[error]`, `ERROR:`, `<warn>`. */
function tokenLevel(tok: string): Level | null {
  const first = tok.charCodeAt(0);
  const last = tok.charCodeAt(tok.length - 1);
  if ((first === 91 && last === 93) || (first === 60 && last === 62)) {
    // `[error]`, and Apache's `[module:level]` (`[proxy:error]`)
    const inner = tok.slice(1, -1);
    return normalizeLevel(inner) ?? normalizeLevel(inner.slice(inner.lastIndexOf(':') + 1));
  }
  if (last === 58) return headerLevel(tok.slice(0, -1));
  return headerLevel(tok);
}

const LOGGER_CHARS = /^[A-Za-z_$][\w$.\-/@]*$/;

function isLoggerName(tok: string): boolean {
  return (tok.includes('.') || tok.includes('$')) && LOGGER_CHARS.test(tok);
}

/**
 * A bare class name as log4j's `%c{1}` prints the logger (`JobSubmitter`, `AHSProxy`): one camel-case
 * word. An exception's or error's name is the message, not the logger, and is kept.
 */
const CLASS_NAME = /^[A-Z][A-Za-z0-9$]*[a-z][A-Za-z0-9$]*$/;
const THROWABLE = /(?:Exception|Error|Throwable|Warning|Failure|Fault)$/;

function isClassName(tok: string): boolean {
  return CLASS_NAME.test(tok) && hasUpperAfterFirst(tok) && !THROWABLE.test(tok);
}

function dots(tok: string): number {
  let n = 0;
  for (let i = 0; i < tok.length; i++) if (tok.charCodeAt(i) === 46) n++;
  return n;
}

/** After header-looking tokens (a program, ids), a ` - ` within the first three tokens ends the header: `chrome.exe *64 - msg`. */
function dashHeader(s: string, i: number): number {
  let j = skipSpaces(s, i);
  for (let k = 0; k < 3; k++) {
    const e = tokenEnd(s, j);
    if (e === j) return i;
    const tok = s.slice(j, e);
    if (tok === '-') return k > 0 ? e : i;
    if (!headerLike(tok) || tok.charCodeAt(0) === 91) return i;
    j = skipSpaces(s, e);
  }
  return i;
}

/** Strips decorations that follow a level: pid `---`, `[thread]`, `logger:` / `logger :` / `logger [ctx]`, `-` separators. */
function stripDecorations(s: string, start: number): number {
  let loggerDone = false;
  let afterThread = false;
  let i = dashHeader(s, start);
  for (let round = 0; round < 6; round++) {
    i = skipSpaces(s, i);
    const c = s.charCodeAt(i);
    if (c === 91) {
      const e = bracketEnd(s, i);
      if (e < 0) return i;
      i = e;
      afterThread = true;
      continue;
    }
    const e = tokenEnd(s, i);
    const tok = s.slice(i, e);
    if (tok === '-' || tok === '--' || tok === '---' || tok === '|' || tok === ':') {
      i = e;
      continue;
    }
    if (/^\d+$/.test(tok) && s.startsWith('---', skipSpaces(s, e))) {
      i = e;
      continue;
    }
    if (!loggerDone && tok.length > 1) {
      if (tok.charCodeAt(tok.length - 1) === 58 && (isLoggerName(tok.slice(0, -1)) || isClassName(tok.slice(0, -1)))) {
        loggerDone = true;
        i = e;
        continue;
      }
      const next = skipSpaces(s, e);
      // `logger : msg` (Spring) and `logger - msg` (logback, log4j)
      const sep = s.charCodeAt(next);
      if (isLoggerName(tok) && (sep === 58 || sep === 45) && isSpace(s.charCodeAt(next + 1))) {
        loggerDone = true;
        i = next + 1;
        continue;
      }
      // `logger [request ids] msg` (OpenStack, many Python services): the bracket is the next round's.
      if (isLoggerName(tok) && sep === 91 && bracketEnd(s, next) > 0) {
        loggerDone = true;
        i = e;
        continue;
      }
      // `LEVEL [thread] a.b.Class.method msg` (Tomcat, java.util.logging one-line): a qualified name
      // of three or more parts right after the thread is the logger, not the message.
      if (afterThread && isLoggerName(tok) && dots(tok) >= 2 && next < s.length) {
        loggerDone = true;
        i = e;
        continue;
      }
    }
    return i;
  }
  return i;
}

/** Searches the first header tokens after the timestamp for a level; returns [level, index after it] or null. */
function findLevel(s: string, start: number): [Level, number] | null {
  let i = start;
  let prevTok = '';
  for (let k = 0; k < LEVEL_WINDOW; k++) {
    i = skipSpaces(s, i);
    if (i >= s.length) return null;
    let e: number;
    if (s.charCodeAt(i) === 91) {
      e = bracketEnd(s, i);
      if (e < 0) return null;
    } else {
      e = tokenEnd(s, i);
    }
    const tok = s.slice(i, e);
    const lvl =
      tokenLevel(tok) ??
      letterLevel(s, tok, e) ??
      (columnWord(s, prevTok, e) ? titleLevel(tok) : null) ??
      (k === 0 ? colonLevel(tok) : null);
    if (lvl) return [lvl, e];
    // Only header-looking tokens may precede the level: ids, numbers, upper-case words, `- name -`.
    // (`[thread]` too: logback/log4j put the thread before the level.)
    if (hasLower(tok) && tok.charCodeAt(0) !== 91 && !(prevTok === '-' && s.startsWith('- ', skipSpaces(s, e))))
      return null;
    prevTok = tok;
    i = e;
  }
  return null;
}

/** Skips `|`-separated header fields without spaces (`|Step_LSC|30002312|message`); returns where the message starts. */
function pipeFields(s: string, i: number): number {
  let j = skipSpaces(s, i);
  while (s.charCodeAt(j) === 124) {
    const next = s.indexOf('|', j + 1);
    if (next < 0) return j + 1;
    for (let k = j + 1; k < next; k++) if (isSpace(s.charCodeAt(k))) return j + 1;
    j = next;
  }
  return j;
}

/** A title-case level word (`Info`, `Warning`), read only where the header puts it in a column (see columnWord). */
function titleLevel(tok: string): Level | null {
  const c = tok.charCodeAt(0);
  return c >= 65 && c <= 90 && !hasUpperAfterFirst(tok) ? normalizeLevel(tok) : null;
}

function hasUpperAfterFirst(tok: string): boolean {
  for (let i = 1; i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

/** A word is a header column, not prose, when a `,` or `|` field separator precedes it or two spaces pad it. */
function columnWord(s: string, prevTok: string, e: number): boolean {
  return prevTok === ',' || prevTok === '|' || (isSpace(s.charCodeAt(e)) && isSpace(s.charCodeAt(e + 1)));
}

/** A level word in any case before a colon (`info:`, `fail:` in .NET's console log), right after the time. */
function colonLevel(tok: string): Level | null {
  return tok.length > 3 && tok.charCodeAt(tok.length - 1) === 58 ? normalizeLevel(tok.slice(0, -1)) : null;
}

/** A one-letter level (`D`, `W`) counts only right before a `tag:` token, as Android and klog-like headers write it. */
function letterLevel(s: string, tok: string, e: number): Level | null {
  if (tok.length !== 1) return null;
  const next = tokenEnd(s, skipSpaces(s, e));
  return s.charCodeAt(next - 1) === 58 ? normalizeLevel(tok, true) : null;
}

function syslogBody(s: string, i: number): number {
  // `host tag[pid]: message` (tag optional)
  i = skipSpaces(s, i);
  const hostEnd = tokenEnd(s, i);
  const tagStart = skipSpaces(s, hostEnd);
  const tagEnd = tokenEnd(s, tagStart);
  if (tagEnd > tagStart && s.charCodeAt(tagEnd - 1) === 58) return tagEnd;
  return hostEnd;
}

const HOSTNAME = /^[a-z0-9][a-z0-9.-]*$/i;
const PID_TAG = /^[\w.@/-]+\[\d+\]:$/;
const BARE_TAG = /^[a-z][\w.@/-]*:$/;

/**
 * End of a syslog `host tag[pid]:` right after the time, or 0. A tag without a pid (`kernel:`) counts only
 * after a host that reads as one (a digit, `-` or `.` in it), so prose such as `Something failed: x` is kept.
 */
function hostTagEnd(s: string, i: number): number {
  const hostStart = skipSpaces(s, i);
  const hostEnd = tokenEnd(s, hostStart);
  const host = s.slice(hostStart, hostEnd);
  if (!HOSTNAME.test(host) || tokenLevel(host) !== null) return 0;
  const tagStart = skipSpaces(s, hostEnd);
  const tagEnd = tokenEnd(s, tagStart);
  const tag = s.slice(tagStart, tagEnd);
  if (PID_TAG.test(tag)) return tagEnd;
  return BARE_TAG.test(tag) && /[\d.-]/.test(host) ? tagEnd : 0;
}

function rfc5424Body(s: string, i: number): number {
  // after the timestamp: HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG
  for (let k = 0; k < 4; k++) i = tokenEnd(s, skipSpaces(s, i));
  i = skipSpaces(s, i);
  if (s.charCodeAt(i) === 91) {
    while (s.charCodeAt(i) === 91) {
      const e = bracketEnd(s, i);
      if (e < 0) break;
      i = e;
    }
  } else {
    i = tokenEnd(s, i);
  }
  return i;
}

/**
 * The parsed line: its time, level and the body from position `i` on. An access line (an HTTP status
 * after its request) gets its status class as the body's first word, and its level when it has none.
 */
function parsedLine(ts: number, level: Level | null, s: string, i: number): ParsedLine {
  let body = s.slice(skipSpaces(s, i));
  const status = httpStatus(body);
  if (status > 0) body = `${outcomeWord(status)} ${body}`;
  if (level === null) {
    // Without a header level, the worse of a `level=`/`at=` pair (Heroku's router: `at=error code=H12`) and the status.
    const keyed = keyLevel(body);
    const served = status > 0 ? outcomeLevel(status) : null;
    level = levelRank(served ?? undefined) > levelRank(keyed ?? undefined) ? served : keyed;
  }
  return level ? { ts, level, body } : { ts, body };
}

/** `level=warn`, `at=error` among a text body's first pairs; `at=` is a level only when its value is a level word. */
const LEVEL_PAIR = /(?:^| )(?:level|lvl|severity|at)=([A-Za-z]{3,11})(?= |$)/;

function keyLevel(body: string): Level | null {
  if (body.indexOf('=') < 0) return null;
  const m = LEVEL_PAIR.exec(body.length > 200 ? body.slice(0, 200) : body);
  return m ? normalizeLevel(m[1] as string) : null;
}

const KLOG = /^([IWEF])(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{1,6}) +\d+ [^ \]]+\] /;
const KLOG_LEVEL: Record<string, Level> = { I: 'info', W: 'warn', E: 'error', F: 'fatal' };

/** Kubernetes klog `E1127 03:02:10.123456   12345 file.go:123] msg` (year-less: from the reference time). */
function parseKlog(s: string, refTime: number): ParsedLine | null {
  const m = KLOG.exec(s);
  if (!m) return null;
  const [mo, d, h, mi, sec] = [Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  const refYear = new Date(refTime).getUTCFullYear();
  let ts = Date.UTC(refYear, mo, d, h, mi, sec, Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)));
  if (ts > refTime + 86_400_000)
    ts = Date.UTC(refYear - 1, mo, d, h, mi, sec, Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)));
  return { ts, level: KLOG_LEVEL[m[1] as string] as Level, body: s.slice(m[0].length) };
}

/** Parses a plain-text line: its timestamp, level and message body (header stripped). */
export function parsePlainLine(s: string, refTime: number, hint?: HeaderHint): ParsedLine {
  const c0 = s.charCodeAt(0);
  if (c0 === 73 || c0 === 87 || c0 === 69 || c0 === 70) {
    const k = parseKlog(s, refTime);
    if (k) return k;
  }
  const lead = matchLeadingTimestamp(s, refTime);
  if (lead) {
    // `time,field,...` is a CSV row (PostgreSQL's csvlog); `time, Info ...` is a header with a comma after its time.
    if (s.charCodeAt(lead.end) === 44 /* , */ && !isSpace(s.charCodeAt(lead.end + 1)))
      return csvRow(lead.ts, null, csvFields(s, lead.end + 1));
    const c = s.charCodeAt(0);
    if (c === 60) {
      // `<PRI>1 ` RFC 5424, else `<PRI>Mmm dd` RFC 3164; the priority's low three bits are the severity.
      const level = syslogLevel(Number(s.slice(1, s.indexOf('>'))) % 8);
      const v1 = s.charCodeAt(s.indexOf('>') + 1) === 49;
      return parsedLine(lead.ts, level, s, v1 ? rfc5424Body(s, lead.end) : syslogBody(s, lead.end));
    }
    if (c >= 48 && c <= 57 && /^\d+:[XCSM] /.test(s)) {
      const mark = s.charAt(skipSpaces(s, lead.end));
      return parsedLine(lead.ts, redisLevel(mark), s, skipSpaces(s, lead.end) + 1);
    }
    let i = lead.end;
    if (c >= 65 && c <= 90) {
      i = syslogBody(s, i);
      const e = tokenEnd(s, skipSpaces(s, i));
      const lvl = tokenLevel(s.slice(skipSpaces(s, i), e));
      return lvl ? parsedLine(lead.ts, lvl, s, e) : parsedLine(lead.ts, null, s, i);
    }
    const tagged = hostTagEnd(s, i);
    if (tagged > 0) {
      // `host unit[pid]: msg` after an ISO time (journalctl -o short-iso, rsyslog's ISO templates).
      const e = tokenEnd(s, skipSpaces(s, tagged));
      const lvl = tokenLevel(s.slice(skipSpaces(s, tagged), e));
      return lvl ? parsedLine(lead.ts, lvl, s, e) : parsedLine(lead.ts, null, s, tagged);
    }
    const found = findLevel(s, i);
    if (found) return parsedLine(lead.ts, found[0], s, stripDecorations(s, found[1]));
    return parsedLine(lead.ts, null, s, stripDecorations(s, i));
  }
  const clf = matchClf(s);
  if (clf) {
    // The status code is masked like any number, so its class leads the body as a word:
    // 5xx and 2xx requests then mine as different templates.
    const status = clfStatus(s, clf.end);
    const body = `${outcomeWord(status)} ${(s.slice(0, clf.start) + s.slice(skipSpaces(s, clf.end))).trim()}`;
    return { ts: clf.ts, level: outcomeLevel(status), body };
  }
  const row = levelFirstRow(s, refTime);
  if (row) return row;
  const hdr = findHeaderTimestamp(s, refTime, hint);
  if (hdr) {
    if (hdr.lastKind === 'syslog') return parsedLine(hdr.ts, null, s, syslogBody(s, hdr.end));
    const i = pipeFields(s, hdr.end);
    const found = findLevel(s, i);
    if (found) return parsedLine(hdr.ts, found[0], s, stripDecorations(s, found[1]));
    return parsedLine(hdr.ts, null, s, stripDecorations(s, i));
  }
  return untimedLine(s);
}

/**
 * A CSV row whose time was read: its level is the first field that is an upper-case level word (`ERROR`
 * in PostgreSQL's csvlog) unless known, and its text the non-empty fields after the level, quotes removed.
 */
function csvRow(ts: number, level: Level | null, row: ReturnType<typeof csvFields>): ParsedLine {
  let at = -1;
  for (let k = 0; level === null && k < row.fields.length; k++) {
    level = headerLevel(row.fields[k] as string);
    if (level) at = k;
  }
  const body = row.fields
    .slice(at + 1)
    .filter((f) => f.length > 0)
    .join(' ');
  const out: ParsedLine = level ? { ts, level, body } : { ts, body };
  if (row.open) out.quoteOpen = true;
  return out;
}

/** A CSV row that starts with its level and then its time (`Error,11/27/2026 3:02:06 AM,...`, an Event Viewer export). */
function levelFirstRow(s: string, refTime: number): ParsedLine | null {
  const comma = s.indexOf(',');
  if (comma < 4 || comma > 12) return null;
  const level = normalizeLevel(s.slice(0, comma));
  if (!level) return null;
  const m = timestampAt(s, comma + 1, refTime);
  if (!m || m.kind !== 'full' || s.charCodeAt(m.end) !== 44) return null;
  return csvRow(m.ts, level, csvFields(s, m.end + 1));
}

/**
 * A line without a time of its own: its level when it starts with a level word and a colon (`ERROR: ...`,
 * .NET's `fail: Category[0]`), read as a column, not prose. The body is the whole line, as before.
 */
function untimedLine(s: string): ParsedLine {
  const level = colonLevel(s.slice(0, tokenEnd(s, 0))) ?? tableLevel(s);
  return level ? { ts: null, level, body: s } : { ts: null, body: s };
}

/**
 * The level of a table row (`kubectl get events`: `3m10s   Warning   BackOff ...`): a title-case level word
 * among the first cells, padded by two spaces on each side as a column is. `Normal` is the other value of a
 * Kubernetes event's TYPE column and reads as info there.
 */
function tableLevel(s: string): Level | null {
  if (s.indexOf('   ') < 0) return null;
  let i = 0;
  for (let k = 0; k < 6 && i < s.length; k++) {
    const start = skipSpaces(s, i);
    const e = tokenEnd(s, start);
    if (start >= 2 && isSpace(s.charCodeAt(start - 2)) && isSpace(s.charCodeAt(e)) && isSpace(s.charCodeAt(e + 1))) {
      const tok = s.slice(start, e);
      const lvl = tok === 'Normal' ? 'info' : titleLevel(tok);
      if (lvl) return lvl;
    }
    i = e;
  }
  return null;
}

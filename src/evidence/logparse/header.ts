// Plain-text line headers: find the timestamp, the level, and strip the decorations
// (host, pid, thread, logger) so that only the message body is left for template mining.
// One generic procedure for every style; no per-file settings.

import { headerLevel, normalizeLevel, redisLevel, type Level } from './levels';
import { findHeaderTimestamp, headerLike, matchClf, matchLeadingTimestamp, type HeaderHint } from './timestamps';

export interface ParsedLine {
  /** Epoch ms, or null when the line carries no timestamp of its own. */
  ts: number | null;
  level?: Level;
  body: string;
  /** True when the line starts an event even without a timestamp (a JSON or logfmt record). */
  standalone?: boolean;
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
  if ((first === 91 && last === 93) || (first === 60 && last === 62)) return normalizeLevel(tok.slice(1, -1));
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
    if (tok === '-' || tok === '---' || tok === '|' || tok === ':') {
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
    const lvl = tokenLevel(tok) ?? letterLevel(s, tok, e) ?? (columnWord(s, prevTok, e) ? titleLevel(tok) : null);
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

/** HTTP status of an access-log line: the number right after the quoted request, or 0. */
function accessStatus(s: string, afterTs: number): number {
  const q = s.indexOf('" ', afterTs + 2);
  if (q < 0) return 0;
  const code = Number(s.slice(q + 2, q + 5));
  return Number.isInteger(code) && code >= 100 && code < 600 ? code : 0;
}

const OUTCOME = ['unknown', 'informational', 'success', 'redirect', 'client-error', 'server-error'];

/** The parsed line: its time, level and the body from position `i` on. */
function parsedLine(ts: number, level: Level | null, s: string, i: number): ParsedLine {
  const body = s.slice(skipSpaces(s, i));
  return level ? { ts, level, body } : { ts, body };
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
    const c = s.charCodeAt(0);
    if (c === 60) return parsedLine(lead.ts, null, s, rfc5424Body(s, lead.end));
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
    const found = findLevel(s, i);
    if (found) return parsedLine(lead.ts, found[0], s, stripDecorations(s, found[1]));
    return parsedLine(lead.ts, null, s, stripDecorations(s, i));
  }
  const clf = matchClf(s);
  if (clf) {
    // The status code is masked like any number, so its class leads the body as a word:
    // 5xx and 2xx requests then mine as different templates.
    const status = accessStatus(s, clf.end);
    const cls = Math.floor(status / 100);
    const body = `${OUTCOME[cls] ?? 'unknown'} ${(s.slice(0, clf.start) + s.slice(skipSpaces(s, clf.end))).trim()}`;
    return { ts: clf.ts, level: cls === 5 ? 'error' : cls === 4 ? 'warn' : 'info', body };
  }
  const hdr = findHeaderTimestamp(s, refTime, hint);
  if (hdr) {
    if (hdr.lastKind === 'syslog') return parsedLine(hdr.ts, null, s, syslogBody(s, hdr.end));
    const i = pipeFields(s, hdr.end);
    const found = findLevel(s, i);
    if (found) return parsedLine(hdr.ts, found[0], s, stripDecorations(s, found[1]));
    return parsedLine(hdr.ts, null, s, stripDecorations(s, i));
  }
  return { ts: null, body: s };
}

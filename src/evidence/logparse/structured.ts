// Structured lines: JSON objects and logfmt pairs. The message body is the message field
// followed by the other scalar fields as `key=value`, so the template miner sees their shape.

import { parsePlainLine, type ParsedLine } from './header';
import { normalizeLevel, type Level } from './levels';
import { blockLine } from './line-shapes';
import { parseTimeValue } from './timestamps';

// `@t`, `@l`, `@m` and `@mt` are Serilog's compact JSON (CLEF): its message template is the message.
const TIME_KEYS = ['time', 'ts', 'timestamp', '@timestamp', 'asctime', 't', 'datetime', '@t'];
const LEVEL_KEYS = ['level', 'severity', 'lvl', 'levelname', 'loglevel', 'log.level', '@l'];
/** `log` is Docker's json-file field for the line itself. */
const MSG_KEYS = ['msg', 'message', 'event', 'log', '@mt', '@m'];
/** Fields that describe the emitter, not the event; left out of the body. */
const META_KEYS = new Set([
  'service',
  'host',
  'hostname',
  'pid',
  'logger',
  'caller',
  'v',
  'name',
  'source',
  'app',
  'thread',
  'stream',
]);

/** Pino numeric levels (10..60) or level words. */
function levelOf(v: unknown): Level | null {
  if (typeof v === 'number') {
    if (v >= 60) return 'fatal';
    if (v >= 50) return 'error';
    if (v >= 40) return 'warn';
    if (v >= 30) return 'info';
    if (v >= 20) return 'debug';
    return 'trace';
  }
  // slog writes levels between the named ones as an offset: `DEBUG-2`, `INFO+2`.
  return typeof v === 'string' ? normalizeLevel(v.replace(/[+-]\d+$/, ''), true) : null;
}

/** The first of `keys` that holds a scalar (ECS's `log` is an object of fields, not the message). */
function pick(fields: Map<string, unknown>, keys: string[]): [string, unknown] | null {
  for (const k of keys) {
    const v = fields.get(k);
    if (v !== undefined && v !== null && typeof v !== 'object') return [k, v];
  }
  return null;
}

function scalarText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/**
 * The message as the template miner sees it: its first line, read as a text line (a message that is a
 * whole application line keeps only its body), and for a multi-line message (an exception and its
 * frames) the line that says what kind of block follows (see blockLine).
 */
function messageBody(text: string, refTime: number): { body: string; ts: number | null; level?: Level } {
  const lines = text.trimEnd().split('\n');
  const first = parsePlainLine((lines[0] ?? '').trimEnd(), refTime);
  const next = blockLine(lines);
  const body = next === undefined ? first.body : `${first.body}\n${next}`;
  return first.level ? { body, ts: first.ts, level: first.level } : { body, ts: first.ts };
}

/** Nested objects' fields under dotted names (ECS `{"log":{"level":"error"}}` as `log.level`), two levels deep. */
function flatten(
  obj: Record<string, unknown>,
  prefix = '',
  depth = 0,
  out = new Map<string, unknown>(),
): Map<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && depth < 2)
      flatten(v as Record<string, unknown>, `${prefix}${k}.`, depth + 1, out);
    else if (depth > 0) out.set(prefix + k, v);
  }
  return out;
}

function fromFields(fields: Map<string, unknown>, refTime: number, nested?: Map<string, unknown>): ParsedLine {
  const time = pick(fields, TIME_KEYS) ?? (nested ? pick(nested, TIME_KEYS) : null);
  const lvl = pick(fields, LEVEL_KEYS) ?? (nested ? pick(nested, LEVEL_KEYS) : null);
  const msg = pick(fields, MSG_KEYS) ?? (nested ? pick(nested, MSG_KEYS) : null);
  const msgText = msg ? scalarText(msg[1]) : null;
  const inner = msgText === null ? null : messageBody(msgText, refTime);
  const ts = (time ? parseTimeValue(time[1]) : null) ?? inner?.ts ?? null;
  // CLEF leaves `@l` out for Information.
  const level = (lvl ? levelOf(lvl[1]) : null) ?? inner?.level ?? (fields.has('@mt') ? 'info' : undefined);
  const parts: string[] = [];
  if (inner) parts.push(inner.body);
  for (const [k, v] of fields) {
    if (k === time?.[0] || k === lvl?.[0] || k === msg?.[0] || META_KEYS.has(k)) continue;
    const text = scalarText(v);
    // A multi-line value is a dump (a stack trace), not a value of the message; a value with spaces is quoted, one value.
    if (text === null || text.includes('\n')) continue;
    parts.push(text.includes(' ') ? `${k}=${JSON.stringify(text)}` : `${k}=${text}`);
  }
  const out: ParsedLine = { ts, body: parts.join(' '), standalone: true };
  if (level) out.level = level;
  return out;
}

/** Parses a JSON-object line; null when it is not one. */
export function parseJsonLine(s: string, refTime: number): ParsedLine | null {
  let obj: unknown;
  try {
    obj = JSON.parse(s);
  } catch {
    return null;
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return null;
  const rec = obj as Record<string, unknown>;
  return fromFields(new Map(Object.entries(rec)), refTime, flatten(rec));
}

const LOGFMT_START = /^[A-Za-z_@][\w.@-]*=/;

/** Splits logfmt text into pairs; null when the line is not logfmt (needs >= 2 pairs). */
export function splitLogfmt(s: string): Map<string, string> | null {
  if (!LOGFMT_START.test(s)) return null;
  const out = new Map<string, string>();
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && s.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const eq = s.indexOf('=', i);
    const sp = s.indexOf(' ', i);
    if (eq < 0 || (sp >= 0 && sp < eq)) {
      // bare key (flag)
      const end = sp < 0 ? n : sp;
      out.set(s.slice(i, end), 'true');
      i = end;
      continue;
    }
    const key = s.slice(i, eq);
    i = eq + 1;
    if (s.charCodeAt(i) === 34) {
      let j = i + 1;
      let val = '';
      while (j < n && s.charCodeAt(j) !== 34) {
        if (s.charCodeAt(j) === 92 && j + 1 < n) {
          val += s.charAt(j + 1);
          j += 2;
        } else {
          val += s.charAt(j);
          j++;
        }
      }
      out.set(key, val);
      i = j + 1;
    } else {
      const end = s.indexOf(' ', i);
      out.set(key, s.slice(i, end < 0 ? n : end));
      i = end < 0 ? n : end;
    }
  }
  return out.size >= 2 ? out : null;
}

/** Parses a logfmt line; null when it is not logfmt. */
export function parseLogfmtLine(s: string, refTime: number): ParsedLine | null {
  const pairs = splitLogfmt(s);
  if (!pairs) return null;
  const fields = new Map<string, unknown>(pairs);
  if (!pick(fields, TIME_KEYS) && !pick(fields, LEVEL_KEYS) && !pick(fields, MSG_KEYS)) return null;
  return fromFields(fields, refTime);
}

// Structured lines: JSON objects and logfmt pairs. The message body is the message field
// followed by the other scalar fields as `key=value`, so the template miner sees their shape.

import type { ParsedLine } from './header';
import { normalizeLevel, type Level } from './levels';
import { parseTimeValue } from './timestamps';

const TIME_KEYS = ['time', 'ts', 'timestamp', '@timestamp', 'asctime', 't', 'datetime'];
const LEVEL_KEYS = ['level', 'severity', 'lvl', 'levelname', 'loglevel', 'log.level'];
/** `log` is Docker's json-file field for the line itself. */
const MSG_KEYS = ['msg', 'message', 'event', 'log'];
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
  return typeof v === 'string' ? normalizeLevel(v, true) : null;
}

function pick(fields: Map<string, unknown>, keys: string[]): [string, unknown] | null {
  for (const k of keys) if (fields.has(k)) return [k, fields.get(k)];
  return null;
}

function scalarText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

function fromFields(fields: Map<string, unknown>): ParsedLine {
  const time = pick(fields, TIME_KEYS);
  const lvl = pick(fields, LEVEL_KEYS);
  const msg = pick(fields, MSG_KEYS);
  const ts = time ? parseTimeValue(time[1]) : null;
  const level = lvl ? levelOf(lvl[1]) : null;
  const parts: string[] = [];
  const msgText = msg ? scalarText(msg[1]) : null;
  if (msgText !== null) parts.push(msgText.trimEnd()); // Docker keeps the line's own newline
  for (const [k, v] of fields) {
    if (k === time?.[0] || k === lvl?.[0] || k === msg?.[0] || META_KEYS.has(k)) continue;
    const text = scalarText(v);
    if (text !== null) parts.push(`${k}=${text}`);
  }
  const out: ParsedLine = { ts, body: parts.join(' '), standalone: true };
  if (level) out.level = level;
  return out;
}

/** Parses a JSON-object line; null when it is not one. */
export function parseJsonLine(s: string): ParsedLine | null {
  let obj: unknown;
  try {
    obj = JSON.parse(s);
  } catch {
    return null;
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return null;
  return fromFields(new Map(Object.entries(obj as Record<string, unknown>)));
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
export function parseLogfmtLine(s: string): ParsedLine | null {
  const pairs = splitLogfmt(s);
  if (!pairs) return null;
  const fields = new Map<string, unknown>(pairs);
  if (!pick(fields, TIME_KEYS) && !pick(fields, LEVEL_KEYS) && !pick(fields, MSG_KEYS)) return null;
  return fromFields(fields);
}

// Envelopes that collectors and runtimes wrap around the line an application wrote: Docker's json-file
// record, the CRI text form (with its partial `P` records), the `kubectl logs --timestamps` prefix,
// journald's JSON export and a Google Cloud Logging entry. Unwrapped, the inner text is read like any
// line (its own header, level and continuation rules); the envelope gives its time and, where it has
// one, a severity.

import { outcomeLevel, outcomeWord } from './access';
import { levelRank, normalizeLevel, syslogLevel, type Level } from './levels';
import { parseTimeValue } from './timestamps';

export interface Envelope {
  /** The text inside, without the newline the runtime kept; it may hold several lines (journald). */
  text: string;
  /** The runtime's or collector's time, or null when the record has none. */
  ts: number | null;
  /** The collector's severity (journald PRIORITY, Cloud Logging severity), when it records one. */
  level?: Level;
  /** The record holds only the start of a line; the next record continues it (CRI `P`, Docker's 16 KiB splits). */
  partial: boolean;
  /**
   * The envelope is only a time prefix (`kubectl logs --timestamps`), which an application may also write
   * as its own header: the line is taken as unwrapped only when the text after it reads as a line of its own.
   */
  weak: boolean;
}

const RFC3339 = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)';
const CRI = new RegExp(`^(${RFC3339}) (?:stdout|stderr) ([FP]) ?(.*)$`);
const PREFIX = new RegExp(`^(${RFC3339}) (.*)$`);
const DOCKER_KEYS = new Set(['log', 'stream', 'time', 'attrs']);
/**
 * Docker splits a line only when it fills its 16 KiB copy buffer; a shorter record without a newline is a whole
 * line whose newline is missing (the stream's last write, or a converter that trims it), not half of the next.
 */
const DOCKER_SPLIT_BYTES = 16 * 1024;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function withoutNewline(s: string): string {
  return s.endsWith('\r\n') ? s.slice(0, -2) : s.endsWith('\n') ? s.slice(0, -1) : s;
}

function envelope(text: string, ts: number | null, partial = false, level?: Level | null): Envelope {
  const out: Envelope = { text, ts, partial, weak: false };
  if (level) out.level = level;
  return out;
}

/** journald writes a message that is not valid UTF-8 as an array of bytes. */
function journalText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((b) => typeof b === 'number')) return Buffer.from(v as number[]).toString('utf8');
  return null;
}

function fromJson(rec: Record<string, unknown>): Envelope | null {
  // Docker json-file: only its own keys; a full buffer without its newline was split and continues in the next record.
  if (typeof rec.log === 'string' && typeof rec.time === 'string') {
    if (!Object.keys(rec).every((k) => DOCKER_KEYS.has(k))) return null; // an application's JSON with a `log` field
    const split = !rec.log.endsWith('\n') && Buffer.byteLength(rec.log) >= DOCKER_SPLIT_BYTES;
    return envelope(withoutNewline(rec.log), parseTimeValue(rec.time), split);
  }
  // journald export: MESSAGE, with the time in microseconds since the epoch.
  const message = journalText(rec.MESSAGE);
  if (message !== null && ('__REALTIME_TIMESTAMP' in rec || '_SOURCE_REALTIME_TIMESTAMP' in rec)) {
    const us = Number(rec._SOURCE_REALTIME_TIMESTAMP ?? rec.__REALTIME_TIMESTAMP);
    const level = rec.PRIORITY === undefined ? null : syslogLevel(Number(rec.PRIORITY));
    return envelope(withoutNewline(message), Number.isFinite(us) ? Math.floor(us / 1000) : null, false, level);
  }
  // Cloud Logging entry: the text, or the application's JSON record, with the entry's time and severity.
  const status = requestStatus(rec.httpRequest);
  const payload =
    typeof rec.textPayload === 'string'
      ? rec.textPayload
      : rec.jsonPayload && typeof rec.jsonPayload === 'object'
        ? JSON.stringify(status > 0 ? served(rec.jsonPayload as Record<string, unknown>, status) : rec.jsonPayload)
        : status > 0
          ? JSON.stringify(served({}, status)) // a request entry with no payload (Cloud Run's request log)
          : null;
  if (payload !== null && ('timestamp' in rec || 'receiveTimestamp' in rec)) {
    let level = typeof rec.severity === 'string' ? normalizeLevel(rec.severity) : null;
    // A request entry (a load balancer's) is as bad as its status, whatever severity the collector gave it.
    if (status > 0 && levelRank(outcomeLevel(status)) > levelRank(level ?? undefined)) level = outcomeLevel(status);
    return envelope(withoutNewline(payload), parseTimeValue(rec.timestamp ?? rec.receiveTimestamp), false, level);
  }
  return null;
}

/** The HTTP status of a LogEntry's `httpRequest`, or 0. */
function requestStatus(req: unknown): number {
  const status = req && typeof req === 'object' ? Number((req as Record<string, unknown>).status) : 0;
  return Number.isInteger(status) && status >= 100 && status < 600 ? status : 0;
}

/**
 * A request entry's payload as the access line it stands for: without a message of its own, its message is
 * the status class and the status (`server-error 502`), so 5xx and 2xx requests mine as different templates.
 */
function served(payload: Record<string, unknown>, status: number): Record<string, unknown> {
  if (typeof payload.message === 'string' || typeof payload.msg === 'string') return { ...payload, status };
  return { message: `${outcomeWord(status)} ${status}`, ...payload };
}

/** The envelope around a physical line, or null when the line is not in one. */
export function unwrapEnvelope(line: string): Envelope | null {
  const c = line.charCodeAt(0);
  if (c === 123 /* { */) {
    // Only lines naming an envelope's field are parsed here; other JSON is the application's own record.
    if (
      !line.includes('"log"') &&
      !line.includes('"MESSAGE"') &&
      !line.includes('Payload"') &&
      !line.includes('"httpRequest"')
    )
      return null;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      return null;
    }
    return obj && typeof obj === 'object' && !Array.isArray(obj) ? fromJson(obj as Record<string, unknown>) : null;
  }
  if (!isDigit(c) || line.charCodeAt(10) !== 84 /* T */) return null;
  const cri = CRI.exec(line);
  if (cri) return envelope(cri[3] as string, parseTimeValue(cri[1]), cri[2] === 'P');
  const pre = PREFIX.exec(line);
  if (!pre) return null;
  return { text: pre[2] as string, ts: parseTimeValue(pre[1]), partial: false, weak: true };
}

/**
 * `held` with the next partial record's text appended, kept to its first `max` characters as the reader keeps
 * of any long line: a file of partial records that never end (a garbled or hostile log) costs no more than one.
 */
export function joinPartial(held: string, more: string, max: number): { text: string; cut: boolean } {
  if (held.length + more.length <= max) return { text: held + more, cut: false };
  return { text: held + more.slice(0, Math.max(0, max - held.length)), cut: true };
}

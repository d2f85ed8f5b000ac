// The HTTP status of an access-log line, wherever the format puts it: after the quoted request (Common
// Log Format, nginx, Envoy), after the request timers (AWS ALB, HAProxy) or as `status=` (Heroku's router,
// many logfmt access logs). Its class leads the body as a word, because the status itself is masked like
// any number: 5xx and 2xx requests then mine as different templates, and it gives a line without a level one.

import type { Level } from './levels';

const OUTCOME = ['unknown', 'informational', 'success', 'redirect', 'client-error', 'server-error'];

/** `"GET /x HTTP/1.1" 503`: the status right after a quoted request line. */
const AFTER_REQUEST = /HTTP\/\d(?:\.\d)?" ([1-5]\d\d)(?= |$)/;
/**
 * The status right after the timers an access log writes before it: three durations in seconds or `-1`
 * (ALB: `0.000 0.021 0.000 502`), or four or five slash-separated milliseconds (HAProxy: `0/0/1/69/70 200`).
 */
const AFTER_TIMERS = /(?:^| )(?:(?:(?:-1|\d+\.\d+) ){3}|-?\d+(?:\/-?\d+){3,4} )([1-5]\d\d) /;
const STATUS_KEY = /(?:^| )status=([1-5]\d\d)(?= |$)/;

/** HTTP status of an access-log line (0 when it has none): `from` skips a header already read. */
export function httpStatus(s: string, from = 0): number {
  const text = from > 0 ? s.slice(from) : s;
  let m: RegExpExecArray | null = null;
  if (text.includes('"')) m = (text.includes('HTTP/') ? AFTER_REQUEST.exec(text) : null) ?? AFTER_TIMERS.exec(text);
  if (!m && text.includes('status=')) m = STATUS_KEY.exec(text);
  return m ? Number(m[1]) : 0;
}

/** The HTTP status of a Common Log Format line: the number right after the quoted request, or 0. */
export function clfStatus(s: string, afterTs: number): number {
  const q = s.indexOf('" ', afterTs + 2);
  if (q < 0) return 0;
  const code = Number(s.slice(q + 2, q + 5));
  return Number.isInteger(code) && code >= 100 && code < 600 ? code : 0;
}

/** The word an access line's body starts with for its status (`server-error` for 5xx). */
export function outcomeWord(status: number): string {
  return OUTCOME[Math.floor(status / 100)] ?? 'unknown';
}

/** The level an access line's status implies: 5xx an error, 4xx a warning, anything else info. */
export function outcomeLevel(status: number): Level {
  const cls = Math.floor(status / 100);
  return cls === 5 ? 'error' : cls === 4 ? 'warn' : 'info';
}

/** The columns a W3C extended log's `#Fields:` directive names (CloudFront, IIS), 0-based, -1 when absent. */
export interface W3cColumns {
  status: number;
  date: number;
  time: number;
}

/** The columns of a `#Fields:` directive (`date time ... sc-status ...`); null for any other line. */
export function w3cColumns(line: string): W3cColumns | null {
  if (!line.startsWith('#Fields:')) return null;
  const names = line.slice(8).trim().split(/\s+/);
  return {
    status: names.findIndex((n) => n === 'sc-status' || n === 'status'),
    date: names.indexOf('date'),
    time: names.indexOf('time'),
  };
}

/**
 * A W3C data line read by its columns (fields split by tabs, else spaces): the time from `date` and `time`
 * when the header did not give one (W3C times are UTC), and the status's class and level as an access line's.
 */
export function withColumns<T extends { ts: number | null; body: string; level?: Level }>(
  parsed: T,
  line: string,
  cols: W3cColumns,
): T {
  const fields = line.split(line.includes('\t') ? '\t' : ' ');
  let out = parsed;
  if (out.ts === null && cols.date >= 0 && cols.time >= 0) {
    const ts = Date.parse(`${fields[cols.date] ?? ''}T${fields[cols.time] ?? ''}Z`);
    if (Number.isFinite(ts)) out = { ...out, ts };
  }
  const status = cols.status >= 0 ? Number(fields[cols.status]) : 0;
  if (!Number.isInteger(status) || status < 100 || status > 599) return out;
  return { ...out, body: `${outcomeWord(status)} ${out.body}`, level: out.level ?? outcomeLevel(status) };
}

// Container log files as the runtime writes them (/var/log/containers, `kubectl logs` exports): each line the
// application wrote is wrapped in an envelope, Docker's json-file `{"log":"<line>\n","stream":"stdout","time":"…"}`
// or the CRI text form `2023-01-29T08:42:22.383Z stdout F <line>`. Unwrapped, the line is parsed as the
// application wrote it (its own level, its own JSON fields), dated by the runtime's time when it carries no full
// date of its own (often only a time of day in the node's zone).

import { parseLine } from '../../logparse';

const DOCKER_KEYS = new Set(['log', 'stream', 'time', 'attrs']);
const CRI = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) (?:stdout|stderr) [FP] (.*)$/;

/** Dates an unwrapped line with the envelope's time; an indented line stays undated, a continuation of the one before. */
function dated(inner: string, time: string): string {
  const line = inner.replace(/\r?\n$/, '');
  if (line === '' || /^\s/.test(line)) return line;
  if (line.startsWith('{')) {
    try {
      const obj: unknown = JSON.parse(line);
      if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
        // The application's own JSON: keep its time when it has one, else give it the runtime's.
        if (parseLine(line, 0).ts !== null) return line;
        return JSON.stringify({ time, ...(obj as Record<string, unknown>) });
      }
    } catch {
      // not JSON after all: a plain line that starts with a brace
    }
  }
  return `${time} ${line}`;
}

/** The application's line inside a container runtime's envelope, or the line itself when it is not in one. */
export function unwrapContainerLine(line: string): string {
  if (line.startsWith('{"log":') || (line.startsWith('{') && line.includes('"log":'))) {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      return line;
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return line;
    const rec = obj as Record<string, unknown>;
    if (typeof rec.log !== 'string' || typeof rec.time !== 'string') return line;
    if (!Object.keys(rec).every((k) => DOCKER_KEYS.has(k))) return line; // an application's JSON with a `log` field
    return dated(rec.log, rec.time);
  }
  const cri = CRI.exec(line);
  return cri ? dated(cri[2] as string, cri[1] as string) : line;
}

// Joins physical lines into events: a line without its own timestamp (Java `\tat ...`,
// `Caused by:`, Python tracebacks, Go panics, any indented line) continues the event before it.

import { parseLine } from './line';
import type { Level } from './levels';

export interface AssembledEvent {
  /** Sequential index of the event in its input (0-based). */
  index: number;
  ts: number;
  level?: Level;
  /** Message body of the first line (header stripped), for template mining. */
  body: string;
  /** Raw text, physical lines joined with '\n' (capped at maxEventChars). */
  text: string;
  /** 1-based number of the first physical line. */
  line: number;
  /** Number of physical lines it spans. */
  lines: number;
}

export interface AssemblerOptions {
  /** Reference time for year-less timestamps (syslog); defaults to now. */
  refTime?: number;
  /** Cap on the joined raw text of one event (later lines still count, their text is dropped). */
  maxEventChars?: number;
}

/** Streaming assembler: push lines in order, receive each event once the next one begins (and at flush). */
export class EventAssembler {
  private readonly refTime: number;
  private readonly maxChars: number;
  private cur: AssembledEvent | null = null;
  private nextIndex = 0;
  private lastTs: number | null = null;
  /** Index of the event the last pushed line belongs to; -1 when the line was dropped. */
  currentIndex = -1;
  /** Lines that could not be placed in any event (no timestamp and nothing before them). */
  malformed = 0;
  /** 1-based number of the first malformed line, for the problem report. */
  firstMalformedLine = 0;

  constructor(opts: AssemblerOptions = {}) {
    this.refTime = opts.refTime ?? Date.now();
    this.maxChars = opts.maxEventChars ?? 16_384;
  }

  /** Feeds one physical line; returns the previous event when this line starts a new one. */
  push(raw: string, lineNo: number): AssembledEvent | null {
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (line.length === 0 || isBlank(line)) {
      this.currentIndex = this.cur ? this.cur.index : -1;
      return null;
    }
    const c = line.charCodeAt(0);
    // Indented lines never start an event: skip the parse for them.
    const parsed = c === 32 || c === 9 ? null : parseLine(line, this.refTime);
    if (parsed && (parsed.ts !== null || parsed.standalone)) {
      const ts = parsed.ts ?? this.lastTs;
      if (ts === null) return this.drop(lineNo);
      this.lastTs = ts;
      const done = this.cur;
      const ev: AssembledEvent = { index: this.nextIndex++, ts, body: parsed.body, text: line, line: lineNo, lines: 1 };
      if (parsed.level) ev.level = parsed.level;
      this.cur = ev;
      this.currentIndex = ev.index;
      return done;
    }
    if (!this.cur) return this.drop(lineNo);
    this.cur.lines++;
    if (this.cur.text.length + line.length < this.maxChars) this.cur.text += '\n' + line;
    this.currentIndex = this.cur.index;
    return null;
  }

  /** Returns the event still open at the end of input. */
  flush(): AssembledEvent | null {
    const done = this.cur;
    this.cur = null;
    return done;
  }

  private drop(lineNo: number): null {
    this.malformed++;
    if (this.firstMalformedLine === 0) this.firstMalformedLine = lineNo;
    this.currentIndex = -1;
    return null;
  }
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

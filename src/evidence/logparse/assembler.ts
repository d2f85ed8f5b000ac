// Joins physical lines into events. A line with its own timestamp (or a JSON/logfmt record) starts
// an event. A line without one continues the event before it only when it has the shape of a
// multi-line continuation (indented, Java `at ...` / `Caused by:`, Python tracebacks, Go panics);
// any other line is an event of its own and takes its neighbour's time, so every line of any text
// log belongs to an event and gets a template.

import { w3cColumns, withColumns, type W3cColumns } from './access';
import { joinPartial, unwrapEnvelope, type Envelope } from './envelope';
import type { ParsedLine } from './header';
import { quoteOpen } from './csv';
import { parseLine } from './line';
import { MAX_LINE_CHARS } from './reader';
import type { Level } from './levels';
import { learnHeaderHint, type HeaderHint } from './timestamps';
import { CONTINUATION, EXCEPTION_LINE, isBlank, startShape, stripAnsi } from './line-shapes';

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
  /** Reference time (the incident clock): year-less timestamps are dated from it, and a file without any time takes it. */
  refTime?: number;
  /** Cap on the joined raw text of one event (later lines still count, their text is dropped). */
  maxEventChars?: number;
}

/** Events whose time is not known yet (untimed lines before the first timed one) wait at most this many. */
const MAX_PENDING = 10_000;

const NONE: readonly AssembledEvent[] = Object.freeze([]);

/** Streaming assembler: push lines in order, receive events once complete (and at flush), in input order. */
export class EventAssembler {
  private readonly refTime: number;
  private readonly maxChars: number;
  private cur: AssembledEvent | null = null;
  private readonly pending: AssembledEvent[] = [];
  private nextIndex = 0;
  private lastTs: number | null = null;
  private hint: HeaderHint | undefined;
  /** The last line continued the open event as an indented line (a stack frame). */
  private afterIndented = false;
  /** Learnt: an indented line continues the open event (false where most lines are indented and none shows an event start). */
  private indentJoins = true;
  /** Learnt: indented lines often carry their own time here, so each is parsed and a timed one starts an event. */
  private parseIndented = false;
  /** Learnt: the shape of the first token that most lines start with (`[9][a]`), when it is a header's. */
  private startShape: string | null = null;
  /** Learnt: a line that is neither timed nor of the start shape continues the open event. */
  private joinUnmarked = false;
  /** Learnt: the start shape alone marks where events start; a time elsewhere is content (a table's date column). */
  private shapeStarts = false;
  /** Learnt from a W3C `#Fields:` directive: the columns of the time and the HTTP status. */
  private w3c: W3cColumns | null = null;
  /** The open event is a CSV row inside a quoted field: the lines up to the closing quote continue it. */
  private inQuote = false;
  /** Partial records (CRI `P`, split Docker lines) waiting for the record that ends their line. */
  private partial: { env: Envelope; line: number; count: number; cut: boolean } | null = null;
  /** Lines joined from partial records that passed MAX_LINE_CHARS and were cut there; the first one's line. */
  truncatedLines = 0;
  firstTruncatedLine = 0;
  /** Index of the event the last pushed line belongs to; -1 for a blank line before any event. */
  currentIndex = -1;
  /** Events without a time of their own (they took a neighbour's). */
  untimed = 0;
  /** Events dated at the reference time because nothing before or near them had a time. */
  undated = 0;
  /** 1-based first line of an undated event, for the problem report. */
  firstUndatedLine = 0;

  constructor(opts: AssemblerOptions = {}) {
    this.refTime = opts.refTime ?? Date.now();
    this.maxChars = opts.maxEventChars ?? 16_384;
  }

  /**
   * Learns the file's header shape from a sample of its first lines (call before pushing them):
   * when most lines the general rules cannot date carry a time at the same token, after words,
   * that position is read as the header's time for the whole file. It also learns what indentation
   * means here: a stack frame under a timed line (the usual case), part of every line's header (a file
   * indented throughout, its lines timed), or nothing (mostly indented lines and no time anywhere).
   */
  learn(sample: readonly string[]): void {
    const seen: Array<{ line: string; indented: boolean; own: boolean }> = [];
    let indented = 0;
    let indentedTimed = 0;
    let timed = 0;
    const untimed: string[] = [];
    for (const colored of innerLines(sample, this.refTime)) {
      const raw = stripAnsi(colored);
      if (isBlank(raw)) continue;
      const c = raw.charCodeAt(0);
      const isIndented = c === 32 || c === 9;
      const line = isIndented ? raw.trimStart() : raw;
      const p = parseLine(line, this.refTime);
      const own = p.ts !== null || p.standalone === true;
      seen.push({ line, indented: isIndented, own });
      if (own) timed++;
      else untimed.push(line);
      if (isIndented) {
        indented++;
        if (own) indentedTimed++;
      }
    }
    this.hint = learnHeaderHint(untimed, this.refTime) ?? undefined;
    if (this.hint) for (const l of seen) if (!l.own) l.own = parseLine(l.line, this.refTime, this.hint).ts !== null;
    this.parseIndented = indentedTimed >= 3 && indentedTimed * 2 >= indented;
    this.indentJoins = this.parseIndented || timed > 0 || indented * 2 < seen.length;
    this.learnStarts(seen.filter((l) => !l.indented || !this.indentJoins));
  }

  /**
   * Learns whether unmarked lines continue the event before them: where a fifth or more of the lines
   * are marked as event starts (their own time, or the commonest header shape such as `[2][main]`) and the unmarked ones
   * come in runs under a marked one (a table, a command's output), the file shows a multi-line pattern.
   * A stray unmarked line here and there does not: it stays an event of its own.
   */
  private learnStarts(lines: ReadonlyArray<{ line: string; own: boolean }>): void {
    const shapes = new Map<string, number>();
    for (const l of lines) {
      const sh = startShape(l.line);
      if (sh) shapes.set(sh, (shapes.get(sh) ?? 0) + 1);
    }
    let top: string | null = null;
    let topCount = 0;
    for (const [sh, n] of shapes) if (n > topCount) [top, topCount] = [sh, n];
    this.startShape = top !== null && topCount >= 5 && topCount * 5 >= lines.length ? top : null;
    // Where most lines of the start shape carry no time (the header has none) and fewer other lines
    // do, a time elsewhere is content (a `date` printed by a command, a table's date column): the
    // start shape alone then marks where events start, and such a line continues the event.
    let shaped = 0;
    let shapedTimed = 0;
    let timedOffShape = 0;
    for (const l of lines) {
      if (this.startShape !== null && startShape(l.line) === this.startShape) {
        shaped++;
        if (l.own) shapedTimed++;
      } else if (l.own) timedOffShape++;
    }
    const shapeOnly = shaped > 0 && shapedTimed * 2 <= shaped && timedOffShape <= shaped;
    let marked = 0;
    let runs = 0;
    let runLines = 0;
    let inRun = false;
    let afterMarked = false;
    for (const l of lines) {
      const onShape = this.startShape !== null && startShape(l.line) === this.startShape;
      if (onShape || (l.own && !shapeOnly)) {
        marked++;
        afterMarked = true;
        inRun = false;
        continue;
      }
      if (!afterMarked) continue;
      if (!inRun) runs++;
      inRun = true;
      runLines++;
    }
    this.joinUnmarked = lines.length >= 20 && marked * 5 >= lines.length && runs >= 2 && runLines >= 2 * runs;
    this.shapeStarts = this.joinUnmarked && shapeOnly;
  }

  /** True while the last pushed line was a partial record: its event is known once a later record ends the line. */
  get holding(): boolean {
    return this.partial !== null;
  }

  /** Feeds one physical line; returns the events it completed (usually none or the one before it). */
  push(raw: string, lineNo: number): readonly AssembledEvent[] {
    const env = unwrapEnvelope(raw);
    if (env?.partial) {
      if (this.partial) this.partial.env.text = this.joined(this.partial, env.text);
      else this.partial = { env, line: lineNo, count: 0, cut: false };
      this.partial.count++;
      return NONE;
    }
    const p = this.partial;
    if (env && p) {
      // The record that ends the held line: one line, from the first partial record's line on.
      this.partial = null;
      env.text = this.joined(p, env.text);
      env.ts = p.env.ts ?? env.ts;
      return this.pushEnvelope(env, p.line, raw, p.count);
    }
    const held = this.endPartial();
    if (!env) return held.concat(this.pushLine(raw, lineNo, null, raw));
    return held.concat(this.pushEnvelope(env, lineNo, raw, 0));
  }

  private joined(p: { env: Envelope; line: number; cut: boolean }, more: string): string {
    const { text, cut } = joinPartial(p.env.text, more, MAX_LINE_CHARS);
    if (cut && !p.cut) {
      p.cut = true;
      this.truncatedLines++;
      if (this.firstTruncatedLine === 0) this.firstTruncatedLine = p.line;
    }
    return text;
  }

  /** Partial records held when the input ends or a line that is not a record follows: a line of their own. */
  private endPartial(): AssembledEvent[] {
    const p = this.partial;
    if (!p) return [];
    this.partial = null;
    return this.pushEnvelope(p.env, p.line, p.env.text, p.count - 1);
  }

  /**
   * Feeds the text inside an envelope, line by line; the physical line belongs to the event its first line is in.
   * One record is one message (journald MESSAGE, textPayload): its untimed later lines continue its event, so a
   * PEM block or a stack trace in it stays one event, redacted whole.
   */
  private pushEnvelope(env: Envelope, lineNo: number, raw: string, extraLines: number): AssembledEvent[] {
    const out: AssembledEvent[] = [];
    let first = -2;
    let opened = false;
    for (const l of env.text.split('\n')) {
      out.push(...this.pushLine(l, lineNo, env, raw, opened));
      if (first === -2) first = this.currentIndex;
      opened ||= !isBlank(l);
    }
    if (this.cur) this.cur.lines += extraLines;
    this.currentIndex = first;
    return out;
  }

  /**
   * One line as the application wrote it. `env` is the envelope it came in (its time dates the event; a
   * text header's own time may lack the date or zone); `whole` is the physical line, read instead when a
   * weak envelope turns out to be the application's own header; `inRecord`: a later line of the same record.
   */
  private pushLine(
    raw: string,
    lineNo: number,
    env: Envelope | null,
    whole: string,
    inRecord = false,
  ): readonly AssembledEvent[] {
    const line = stripAnsi(raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw);
    if (line.length === 0 || isBlank(line)) {
      this.currentIndex = this.cur ? this.cur.index : -1;
      return NONE;
    }
    if (this.inQuote && this.cur) {
      this.inQuote = quoteOpen(line, true);
      return this.extend(line);
    }
    const c = line.charCodeAt(0);
    const indented = c === 32 || c === 9;
    // An indented line continues the open event (skipping the parse) unless the file taught otherwise.
    let parsed: ParsedLine | null = null;
    if (indented && this.cur && this.indentJoins) {
      if (this.parseIndented) parsed = parseLine(line.trimStart(), this.refTime, this.hint);
      if (!parsed || (parsed.ts === null && parsed.standalone !== true)) {
        this.afterIndented = true;
        return this.extend(line);
      }
    }
    const afterIndented = this.afterIndented;
    this.afterIndented = false;
    const text = indented ? line.trimStart() : line;
    parsed ??= parseLine(text, this.refTime, this.hint);
    if (text.charCodeAt(0) === 35) this.w3c = w3cColumns(text) ?? this.w3c;
    else if (this.w3c) parsed = withColumns(parsed, text, this.w3c);
    const own = parsed.ts !== null || parsed.standalone === true;
    // A record that holds several lines is one whole message (a journald MESSAGE, a textPayload with a
    // traceback): its first line starts an event even when it reads like a continuation (`panic: `,
    // `Traceback (`). A one-line record (Docker, CRI) may be one line of a stack trace and joins as any line.
    const opensRecord = env !== null && !inRecord && env.text.includes('\n');
    if (
      !own &&
      this.cur &&
      !opensRecord &&
      (inRecord || CONTINUATION.test(text) || (afterIndented && !parsed.level && EXCEPTION_LINE.test(text)))
    )
      return this.extend(line);
    if (env?.weak && !own) return this.pushLine(whole, lineNo, null, whole);
    // A record a runtime dated on its own is a line the application wrote by itself: only the explicit
    // continuation shapes above join it to the one before, not the learnt run of unmarked lines.
    if (
      this.cur &&
      env === null &&
      (!own || this.shapeStarts) &&
      this.joinUnmarked &&
      (this.startShape === null || startShape(text) !== this.startShape)
    )
      return this.extend(line);
    // A structured record's own time is exact; a text header's may lack the date or zone, so the envelope's wins.
    const ts =
      env !== null && env.ts !== null && !(parsed.standalone === true && parsed.ts !== null) ? env.ts : parsed.ts;
    const ev: AssembledEvent = {
      index: this.nextIndex++,
      ts: ts ?? this.lastTs ?? Number.NaN,
      body: parsed.body,
      text: line,
      line: lineNo,
      lines: 1,
    };
    const level = parsed.level ?? env?.level;
    if (level) ev.level = level;
    if (ts !== null) this.lastTs = ts;
    else this.untimed++;
    const done = this.close();
    this.cur = ev;
    this.inQuote = parsed.quoteOpen === true;
    this.currentIndex = ev.index;
    if (ts !== null && this.pending.length) return this.release(ts, done);
    return done ? [done] : NONE;
  }

  /** Returns the events still open at the end of input. */
  flush(): readonly AssembledEvent[] {
    const held = this.endPartial();
    const done = this.close();
    this.cur = null;
    if (this.pending.length) return held.concat(this.release(null, done));
    return done ? held.concat(done) : held;
  }

  private extend(line: string): readonly AssembledEvent[] {
    const cur = this.cur as AssembledEvent;
    cur.lines++;
    if (cur.text.length + line.length < this.maxChars) cur.text += '\n' + line;
    this.currentIndex = cur.index;
    return NONE;
  }

  /** Closes the open event: returns it when its time is known, else queues it for the next time seen. */
  private close(): AssembledEvent | null {
    const ev = this.cur;
    if (!ev) return null;
    if (!Number.isNaN(ev.ts)) return ev;
    this.pending.push(ev);
    if (this.pending.length >= MAX_PENDING) return this.releaseOne();
    return null;
  }

  private releaseOne(): AssembledEvent | null {
    const ev = this.pending.shift() ?? null;
    if (ev) this.date(ev, null);
    return ev;
  }

  /** Dates the queued events with the next time seen (or the reference time) and returns them in order. */
  private release(ts: number | null, done: AssembledEvent | null): AssembledEvent[] {
    const out = this.pending.splice(0);
    for (const ev of out) this.date(ev, ts);
    if (done && !out.includes(done)) out.push(done);
    return out;
  }

  private date(ev: AssembledEvent, ts: number | null): void {
    if (ts !== null) {
      ev.ts = ts;
      return;
    }
    ev.ts = this.refTime;
    this.undated++;
    if (this.firstUndatedLine === 0) this.firstUndatedLine = ev.line;
  }
}

/**
 * The lines an application wrote, for learning a file's shape: envelopes unwrapped, partial records joined,
 * and a weak envelope's prefix kept where the text after it is not a line of its own.
 */
function innerLines(sample: readonly string[], refTime: number): string[] {
  const out: string[] = [];
  let partial = '';
  for (const raw of sample) {
    const env = unwrapEnvelope(raw);
    if (!env) {
      out.push(raw);
      continue;
    }
    if (env.partial) {
      partial = joinPartial(partial, env.text, MAX_LINE_CHARS).text;
      continue;
    }
    const text = joinPartial(partial, env.text, MAX_LINE_CHARS).text;
    partial = '';
    if (env.weak && !/^\s/.test(text) && !CONTINUATION.test(text) && parseLine(text, refTime).ts === null)
      out.push(raw);
    else out.push(...text.split('\n'));
  }
  if (partial) out.push(partial);
  return out;
}

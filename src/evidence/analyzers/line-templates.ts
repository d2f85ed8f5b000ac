// Template per physical line of one log file, streaming: lines are assembled into events and mined
// as they come; per line only two integers are kept (its event, the event's cluster) because a
// cluster's template is final only at the end. Continuation lines (a stack trace) carry the
// template of the line that began their event.

import { EventAssembler, type AssembledEvent } from '../logparse';
import { TemplateMiner, blockBody, templateId, type TemplateMinerOptions } from './templates';

/** Growable Int32 list: a million lines cost 4 MB, not a million boxed numbers. */
class IntList {
  private buf = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    this.set(this.length, v);
  }
  set(i: number, v: number): void {
    while (i >= this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[i] = v;
    if (i >= this.length) this.length = i + 1;
  }
  get(i: number): number {
    return this.buf[i] as number;
  }
}

/** Lines held to learn a file's header shape before mining starts. */
const LEARN_LINES = 256;

export interface LineTemplaterOptions extends TemplateMinerOptions {
  /** The incident clock: dates year-less timestamps (default: now; grouping does not depend on it). */
  refTime?: number;
}

/** Streaming per-line templating of one log file: `push` every line, `finish`, then read per line. */
export class LineTemplater {
  readonly assembler: EventAssembler;
  readonly miner: TemplateMiner;
  private readonly lineEvent = new IntList();
  private readonly eventCluster = new IntList();
  /** Physical lines pushed; the last ones may be partial records whose event is known once their line ends. */
  private pushed = 0;
  /** The first lines, held until the assembler has learnt the file's header shape from them. */
  private sample: string[] | null = [];

  constructor(opts: LineTemplaterOptions = {}) {
    const { refTime, ...miner } = opts;
    this.assembler = new EventAssembler(refTime === undefined ? {} : { refTime });
    this.miner = new TemplateMiner(miner);
  }

  private take(events: readonly AssembledEvent[]): void {
    for (const ev of events) this.eventCluster.set(ev.index, this.miner.addCluster(blockBody(ev)));
  }

  /** Adds the next physical line (without its newline). */
  push(line: string): void {
    if (this.sample) {
      this.sample.push(line);
      if (this.sample.length >= LEARN_LINES) this.replay();
      return;
    }
    this.add(line);
  }

  /** Ends the input; per-line answers are final from here. */
  finish(): void {
    if (this.sample) this.replay();
    this.take(this.assembler.flush());
    this.record();
  }

  private replay(): void {
    const sample = this.sample ?? [];
    this.sample = null;
    this.assembler.learn(sample);
    for (const l of sample) this.add(l);
  }

  private add(line: string): void {
    this.take(this.assembler.push(line, ++this.pushed));
    if (!this.assembler.holding) this.record();
  }

  /** The event of the line just pushed, and of the partial records before it that its line ended. */
  private record(): void {
    while (this.lineEvent.length < this.pushed) this.lineEvent.push(this.assembler.currentIndex);
  }

  get lines(): number {
    return this.lineEvent.length;
  }

  /** Cluster of a 0-based line, or -1 for a blank line before any event. */
  clusterOfLine(i: number): number {
    const ev = this.lineEvent.get(i);
    return ev < 0 ? -1 : this.eventCluster.get(ev);
  }

  /** Final template text of a cluster. */
  templateOf(cluster: number): string {
    return this.miner.templateOf(cluster);
  }
}

/**
 * Template id per line of one file's raw lines (null only for blank lines before any event): the
 * grouping the miner makes, with zero configuration. Lines with the same id are one template.
 */
export function templateIdsOfLines(lines: Iterable<string>, opts: LineTemplaterOptions = {}): Array<string | null> {
  const t = new LineTemplater(opts);
  for (const l of lines) t.push(l);
  t.finish();
  const ids = new Map<number, string>();
  const out: Array<string | null> = [];
  for (let i = 0; i < t.lines; i++) {
    const c = t.clusterOfLine(i);
    if (c < 0) {
      out.push(null);
      continue;
    }
    let id = ids.get(c);
    if (id === undefined) {
      id = templateId(t.templateOf(c));
      ids.set(c, id);
    }
    out.push(id);
  }
  return out;
}

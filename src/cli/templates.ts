// `incident-scout templates <logfile> [--json]`: the template miner over one log file.
// Streaming: lines are parsed and mined as they are read; per line only two integers are kept
// (its event, the event's cluster) because templates are final only at the end of the file.
// Each physical line gets the template of the event it belongs to, so the continuation lines
// of a stack trace carry the template of the line that began it; lines before any timestamped
// line belong to no event and get null.

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { EventAssembler, type AssembledEvent } from '../evidence/logparse';
import { TemplateMiner, templateId } from '../evidence/analyzers/templates';

class IntList {
  private buf = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
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

const USAGE = 'usage: incident-scout templates <logfile> [--json]\n';

/** Writes with backpressure; stops quietly once the reader has gone (`| head` closes the pipe). */
class Output {
  closed = false;
  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', () => {
      this.closed = true;
    });
  }
  async write(text: string): Promise<void> {
    if (this.closed) return;
    if (!this.out.write(text)) {
      await once(this.out, 'drain').catch(() => {
        this.closed = true;
      });
    }
  }
}

/** Runs the `templates` command; returns the process exit code. */
export async function templatesCommand(args: string[], stream: NodeJS.WritableStream): Promise<number> {
  const out = new Output(stream);
  const json = args.includes('--json');
  const files = args.filter((a) => !a.startsWith('--'));
  const file = files[0];
  if (!file || files.length > 1 || args.some((a) => a.startsWith('--') && a !== '--json')) {
    await out.write(USAGE);
    return 2;
  }
  const assembler = new EventAssembler();
  const miner = new TemplateMiner();
  const lineEvent = new IntList();
  const eventCluster = new IntList();
  const take = (ev: AssembledEvent | null): void => {
    if (ev) eventCluster.set(ev.index, miner.addCluster(ev.body));
  };
  const input = createReadStream(file, { encoding: 'utf8' });
  try {
    await once(input, 'open');
  } catch (err) {
    await out.write(`cannot read ${file}: ${(err as Error).message}\n`);
    return 1;
  }
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of rl) {
    take(assembler.push(line, ++lineNo));
    lineEvent.push(assembler.currentIndex);
  }
  take(assembler.flush());

  if (!json) {
    const rows = miner.templates();
    await out.write(`${'COUNT'.padStart(8)}  ${'ID'.padEnd(9)}  TEMPLATE\n`);
    for (const t of rows) {
      const text = t.template.length > 160 ? t.template.slice(0, 159) + '…' : t.template;
      await out.write(`${String(t.count).padStart(8)}  ${t.id.padEnd(9)}  ${text}\n`);
    }
    await out.write(`${rows.length} templates, ${lineNo} lines, ${assembler.malformed} lines outside any event\n`);
    return 0;
  }
  // Resolve each cluster's final id and text once; then emit per line in input order.
  const resolved = new Map<number, string>();
  const tail = (cluster: number): string => {
    let s = resolved.get(cluster);
    if (s === undefined) {
      const template = miner.templateOf(cluster);
      s = `"template_id":${JSON.stringify(templateId(template))},"template":${JSON.stringify(template)}}\n`;
      resolved.set(cluster, s);
    }
    return s;
  };
  let chunk = '';
  for (let i = 0; i < lineEvent.length; i++) {
    const ev = lineEvent.get(i);
    chunk += `{"line":${i + 1},` + (ev < 0 ? '"template_id":null,"template":null}\n' : tail(eventCluster.get(ev)));
    if (out.closed) return 0;
    if (chunk.length > 65_536) {
      await out.write(chunk);
      chunk = '';
    }
  }
  if (chunk) await out.write(chunk);
  return 0;
}

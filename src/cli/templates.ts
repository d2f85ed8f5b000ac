// `incident-scout templates <logfile> [--json]`: the template miner over one log file.
// Streaming: lines are parsed and mined as they are read; per line only two integers are kept
// (its event, the event's cluster) because templates are final only at the end of the file.
// Each physical line gets the template of the event it belongs to, so the continuation lines
// of a stack trace carry the template of the line that began it. Every line of a text log gets a
// template (see the assembler); only blank lines before any event get null.

import { access } from 'node:fs/promises';
import { once } from 'node:events';
import { LineTemplater } from '../evidence/analyzers/line-templates';
import { templateId } from '../evidence/analyzers/templates';
import { MAX_LINE_CHARS, newReadStats, readLogLines } from '../evidence/logparse/reader';

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
  try {
    await access(file);
  } catch (err) {
    await out.write(`cannot read ${file}: ${(err as Error).message}\n`);
    return 1;
  }
  const lines = new LineTemplater();
  const stats = newReadStats();
  try {
    for await (const batch of readLogLines(file, stats)) for (const line of batch) lines.push(line);
  } catch (err) {
    await out.write(`cannot read ${file}: ${(err as Error).message}\n`);
    return 1;
  }
  lines.finish();
  if (stats.binary) {
    await out.write(`${file}: binary file, not read as a log\n`);
    return 1;
  }
  const notes = [
    stats.truncatedLines ? `${stats.truncatedLines} lines longer than ${MAX_LINE_CHARS / 1024} KiB truncated (first: line ${stats.firstTruncatedLine})` : '',
    stats.capped ? 'file cut at the size cap' : '',
  ].filter(Boolean);

  if (!json) {
    const rows = lines.miner.templates();
    await out.write(`${'COUNT'.padStart(8)}  ${'ID'.padEnd(9)}  TEMPLATE\n`);
    for (const t of rows) {
      const text = t.template.length > 160 ? t.template.slice(0, 159) + '…' : t.template;
      await out.write(`${String(t.count).padStart(8)}  ${t.id.padEnd(9)}  ${text}\n`);
    }
    await out.write(`${rows.length} templates, ${lines.lines} lines, ${lines.assembler.untimed} events without a timestamp of their own${notes.map((n) => `, ${n}`).join('')}\n`);
    return 0;
  }
  // Resolve each cluster's final id and text once; then emit per line in input order.
  const resolved = new Map<number, string>();
  const tail = (cluster: number): string => {
    let s = resolved.get(cluster);
    if (s === undefined) {
      const template = lines.templateOf(cluster);
      s = `"template_id":${JSON.stringify(templateId(template))},"template":${JSON.stringify(template)}}\n`;
      resolved.set(cluster, s);
    }
    return s;
  };
  let chunk = '';
  for (let i = 0; i < lines.lines; i++) {
    const cluster = lines.clusterOfLine(i);
    chunk += `{"line":${i + 1},` + (cluster < 0 ? '"template_id":null,"template":null}\n' : tail(cluster));
    if (out.closed) return 0;
    if (chunk.length > 65_536) {
      await out.write(chunk);
      chunk = '';
    }
  }
  if (chunk) await out.write(chunk);
  return 0;
}

// `incident-scout templates <logfile> [--json]`: the template miner over one log file.
// Streaming: lines are parsed and mined as they are read; per line only two integers are kept
// (its event, the event's cluster) because templates are final only at the end of the file.
// Each physical line gets the template of the event it belongs to, so the continuation lines
// of a stack trace carry the template of the line that began it. Every line of a text log gets a
// template (see the assembler); only blank lines before any event get null.

import { once } from 'node:events';
import { redactSecrets } from '../domain/redact';
import { argumentError, parseCommand, type CommandSpec } from './args';
import { openInput } from './input';
import { LineTemplater } from '../evidence/analyzers/line-templates';
import { templateId } from '../evidence/analyzers/templates';
import { MAX_LINE_CHARS, newReadStats, readLogLines } from '../evidence/logparse/reader';

export const TEMPLATES_SPEC = {
  name: 'templates',
  usage: 'templates <logfile|-> [--json]',
  description: `Fold the lines of a log file into templates (the constant text, variables as <*>) with counts.
<logfile> may be - for standard input. Multi-line events (stack traces) count once, under the line
that began them.

  --json   one JSON object per input line instead: {"line", "template_id", "template"}`,
  options: { json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
} satisfies CommandSpec<{ json: { type: 'boolean' } }>;

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

/**
 * A template as printed: a value that was the same on every line (a key logged with each request) is constant
 * text to the miner, so the printed template is redacted like anything else that leaves the process. Its id
 * stays that of the mined text, the id `analyze` reports.
 */
const shown = (template: string): string => redactSecrets(template).text;

/** Runs the `templates` command; returns the process exit code. Usage and read errors go to `errStream`. */
export async function templatesCommand(
  args: string[],
  stream: NodeJS.WritableStream,
  errStream: NodeJS.WritableStream = process.stderr,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  const parsed = parseCommand(TEMPLATES_SPEC, args, stream, errStream);
  if (typeof parsed === 'number') return parsed;
  const out = new Output(stream);
  const json = parsed.values.json === true;
  const file = parsed.positionals[0] as string;
  const opened = await openInput(file, stdin);
  if ('problem' in opened) return argumentError(TEMPLATES_SPEC, opened.problem, errStream);
  // A file is read by path below (gzip detection, size cap); the stream only proved it can be opened.
  if (file !== '-') (opened.stream as { destroy?: () => void }).destroy?.();
  const lines = new LineTemplater();
  const stats = newReadStats();
  try {
    for await (const batch of readLogLines(file, stats, file === '-' ? { input: opened.stream } : {}))
      for (const line of batch) lines.push(line);
  } catch (err) {
    return argumentError(TEMPLATES_SPEC, `cannot read ${file}: ${(err as Error).message}`, errStream);
  }
  lines.finish();
  if (stats.binary) {
    return argumentError(TEMPLATES_SPEC, `${file} is a binary file, not read as a log`, errStream);
  }
  const notes = [
    stats.truncatedLines
      ? `${stats.truncatedLines} line${stats.truncatedLines === 1 ? '' : 's'} longer than ${MAX_LINE_CHARS / 1024} KiB truncated (first: line ${stats.firstTruncatedLine})`
      : '',
    stats.capped ? 'file cut at the size cap' : '',
  ].filter(Boolean);

  if (!json) {
    const rows = lines.miner.templates();
    await out.write(`${'COUNT'.padStart(8)}  ${'ID'.padEnd(9)}  TEMPLATE\n`);
    for (const t of rows) {
      const whole = shown(t.template);
      const text = whole.length > 160 ? whole.slice(0, 159) + '…' : whole;
      await out.write(`${String(t.count).padStart(8)}  ${t.id.padEnd(9)}  ${text}\n`);
    }
    await out.write(
      `${rows.length} templates, ${lines.lines} lines, ${lines.assembler.untimed} events without a timestamp of their own${notes.map((n) => `, ${n}`).join('')}\n`,
    );
    return 0;
  }
  // Resolve each cluster's final id and text once; then emit per line in input order.
  const resolved = new Map<number, string>();
  const tail = (cluster: number): string => {
    let s = resolved.get(cluster);
    if (s === undefined) {
      const template = lines.templateOf(cluster);
      s = `"template_id":${JSON.stringify(templateId(template))},"template":${JSON.stringify(shown(template))}}\n`;
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

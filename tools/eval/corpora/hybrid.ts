// Builds the `hybrid` log set from a snapshot of logpai/hybridlogparser: for each system the raw log
// unchanged and a `<log>_structured.csv` with one EventId per physical line, the event that line
// belongs to. The source labels events, not lines (`<EventId>, <first line>` in
// `<log>_structured.log`); an event runs from its first line to the line before the next one, so
// the lines of a multi-line text block or a table (and the blank line closing it) carry its id.
//
//   npm run build:tools && node dist-tools/tools/eval/corpora/hybrid.js <hybridlogparser git dir> <out dir>

import * as fs from 'node:fs';
import * as path from 'node:path';
import { gitLs, gitShow, writeSet } from './git';

export const HYBRID_README = `# hybrid

Source: https://github.com/logpai/hybridlogparser (datasets/HiBench, datasets/CTS; Xu et al., "Hue: A user-adaptive parser for hybrid logs", ESEC/FSE 2023). Hybrid logs: single-line events, multi-line text blocks and tables, labelled per event. Built with tools/eval/corpora/hybrid.ts from the repository's HEAD: the raw log unchanged, \`<X>_structured.csv\` with one EventId per physical line (the event it belongs to).
`;

/**
 * One label per physical line from the per-event labels: `starts` are `<EventId>, <1-based first
 * line>` rows in file order. Lines before the first event would have no event; the source has none,
 * so that is an error rather than a guess.
 */
export function lineLabels(starts: string, lineCount: number): string[] {
  const events = starts
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^([^,\s]+)\s*,\s*(\d+)$/.exec(l);
      if (!m) throw new Error(`unreadable event row: ${l}`);
      return { id: m[1] as string, line: Number(m[2]) };
    });
  const first = events[0];
  if (!first || first.line !== 1) throw new Error('the first event does not start on line 1');
  const out: string[] = [];
  for (let k = 0; k < events.length; k++) {
    const ev = events[k] as { id: string; line: number };
    const end = k + 1 < events.length ? (events[k + 1] as { line: number }).line : lineCount + 1;
    if (end <= ev.line || end > lineCount + 1) throw new Error(`event ${ev.id} at line ${ev.line} out of order`);
    for (let i = ev.line; i < end; i++) out.push(ev.id);
  }
  return out;
}

/** Physical lines as loghub.ts counts them: split on \n, without the empty piece after a final newline. */
export function physicalLines(text: string): number {
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

function main(): void {
  const [gitDir, outDir] = process.argv.slice(2);
  if (!gitDir || !outDir) {
    process.stderr.write('usage: hybrid.js <hybridlogparser git dir> <out dir>\n');
    process.exit(2);
  }
  const files = gitLs(gitDir, 'datasets');
  const labelled = files.filter((f) => f.endsWith('.log_structured.log'));
  if (!labelled.length) throw new Error(`no datasets/*/*.log_structured.log in ${gitDir}`);
  for (const lab of labelled) {
    const log = lab.slice(0, -'_structured.log'.length);
    const system = path.basename(path.dirname(log));
    const raw = gitShow(gitDir, log);
    const labels = lineLabels(gitShow(gitDir, lab).toString('utf8'), physicalLines(raw.toString('utf8')));
    writeSet(path.join(outDir, system), path.basename(log), raw, labels);
    console.log(`${system}: ${labels.length} lines`);
  }
  fs.writeFileSync(path.join(outDir, 'README.md'), HYBRID_README);
}

if (require.main === module) main();

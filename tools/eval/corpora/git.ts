// Shared by the corpus builders: read files from a bare git snapshot and write one labelled system
// in the layout tools/eval/loghub.ts reads (`<dir>/<log>` and `<dir>/<log>_structured.csv`).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

/** Paths of the files under `prefix` at HEAD of a (bare) git directory. */
export function gitLs(gitDir: string, prefix: string): string[] {
  const out = execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '--name-only', 'HEAD', '--', prefix], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return out.split('\n').filter(Boolean);
}

/** A file's bytes at HEAD. */
export function gitShow(gitDir: string, file: string): Buffer {
  return execFileSync('git', ['--git-dir', gitDir, 'show', `HEAD:${file}`], { maxBuffer: 1 << 30 });
}

/** Writes `<dir>/<name>` and `<dir>/<name>_structured.csv` (LineId,EventId; one row per physical line). */
export function writeSet(dir: string, name: string, log: Buffer | string, labels: readonly string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), log);
  const csv = ['LineId,EventId', ...labels.map((id, i) => `${i + 1},${csvField(id)}`)].join('\n') + '\n';
  fs.writeFileSync(path.join(dir, `${name}_structured.csv`), csv);
}

/** RFC 4180 quoting where needed. */
export function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// The files of a scenario folder: symbolic links followed (a folder at most once), and every entry that
// cannot be read, or is not of the folder's kind, named in the problems rather than skipped silently.

import { readdir, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { fsReason } from '../../../domain/errors';
import type { ProblemLog } from '../problems';

/**
 * Files under `dir` as paths relative to it (`a.log`, `checkout/pod-1.log`), sorted; none when it is missing.
 * Symbolic links are followed (a folder at most once, so a loop ends); what cannot be read is reported.
 */
async function listFiles(
  dir: string,
  p: ProblemLog,
  label: string,
  prefix = '',
  seen = new Set<string>(),
): Promise<string[]> {
  const here = path.join(dir, prefix);
  let entries;
  try {
    const real = await realpath(here);
    if (seen.has(real)) {
      p.add(`${label}/${prefix}`, 'folder already read by another path (a symbolic link loop), not read again');
      return [];
    }
    seen.add(real);
    entries = await readdir(here, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && prefix === '') return [];
    p.add(`${label}/${prefix}`, `folder not read: ${fsReason(err)}`);
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    let kind: { isFile(): boolean; isDirectory(): boolean } = e;
    if (e.isSymbolicLink()) {
      try {
        kind = await stat(path.join(dir, rel));
      } catch (err) {
        p.add(`${label}/${rel}`, `symbolic link not followed: ${fsReason(err)}`);
        continue;
      }
    }
    if (kind.isFile()) out.push(rel);
    else if (kind.isDirectory() && !e.name.startsWith('.')) out.push(...(await listFiles(dir, p, label, rel, seen)));
    else if (!kind.isDirectory()) p.add(`${label}/${rel}`, 'not read: not a regular file (a pipe, socket or device)');
  }
  return out.sort();
}

/** Lists one folder of the scenario, reporting the files it holds that are not of its kind. */
export async function filesOf(
  dir: string,
  folder: string,
  kind: RegExp,
  expected: string,
  p: ProblemLog,
): Promise<string[]> {
  const all = await listFiles(path.join(dir, folder), p, folder);
  for (const f of all.filter((x) => !kind.test(x) && !path.basename(x).startsWith('.')))
    p.add(`${folder}/${f}`, `not read: expected ${expected}`);
  return all.filter((x) => kind.test(x));
}

// What makes a directory a scenario directory (the files source's layout), checked before use so a
// wrong EVIDENCE_DIR or `analyze` argument is refused with what is wrong instead of read as empty.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The entries of a scenario directory; at least one evidence entry must be present. */
export const SCENARIO_ENTRIES = [
  'incident.yaml',
  'logs/',
  'metrics/',
  'changes.jsonl',
  'topology.yaml',
  'traces/',
] as const;

export const SCENARIO_EXPECTED =
  'expected a scenario directory with any of incident.yaml, logs/<service>.log, metrics/*.prom, changes.jsonl, topology.yaml, traces/*.json';

/** Why `dir` is not a usable scenario directory (one phrase naming it), or null when it is. Callers add SCENARIO_EXPECTED. */
export function scenarioProblem(dir: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES') return `${dir} cannot be read (permission denied)`;
    return `${dir} does not exist`;
  }
  if (!stat.isDirectory()) return `${dir} is a file, not a directory`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return `${dir} cannot be read (permission denied)`;
  }
  const present = SCENARIO_ENTRIES.filter((entry) => {
    const name = entry.replace(/\/$/, '');
    if (!names.includes(name)) return false;
    return entry.endsWith('/') === isDir(path.join(dir, name));
  });
  if (present.length === 0) return `${dir} is not a scenario directory (it has none of ${SCENARIO_ENTRIES.join(', ')})`;
  return null;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

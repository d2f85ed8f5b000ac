// Template-miner grouping accuracy over labelled log sets laid out like Loghub: a system directory
// holds `<X>` (the raw log) and `<X>_structured[_corrected].csv` (LineId, ..., EventId). The
// product's miner runs through its public CLI (`incident-scout templates <file> --json`), the
// zero-configuration Drain reference in-process.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { z } from 'zod';
import { DrainReference } from './drain-reference';
import { eventIds, groupingAccuracy } from './metrics';

/** Published Drain grouping accuracy with a hand-written format and regexes per system (Zhu et al., ICSE-SEIP 2019, Table II). */
export const PUBLISHED_DRAIN: Readonly<Record<string, number>> = {
  HDFS: 0.998,
  Hadoop: 0.948,
  Spark: 0.92,
  Zookeeper: 0.967,
  BGL: 0.963,
  OpenSSH: 0.788,
  Apache: 1.0,
};

export interface LogSystem {
  name: string;
  log: string;
  csv: string;
}

export interface LogResult {
  set: string;
  system: string;
  lines: number;
  ga: number | null;
  drainGa: number | null;
  secs: number;
  error?: string;
}

const STRUCTURED = /^(.+)_structured(_corrected)?\.csv$/;

/** The labelled systems in `dir`: the directory itself when it holds a structured CSV, else its subdirectories. */
export function findSystems(dir: string): LogSystem[] {
  const inDir = (d: string): LogSystem | null => {
    const files = fs.readdirSync(d);
    const csvs = files.filter((f) => STRUCTURED.test(f)).sort((a, b) => b.length - a.length); // corrected first
    for (const csv of csvs) {
      const log = (STRUCTURED.exec(csv) as RegExpExecArray)[1] as string;
      if (files.includes(log)) return { name: path.basename(d), log: path.join(d, log), csv: path.join(d, csv) };
    }
    return null;
  };
  const self = inDir(dir);
  if (self) return [self];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => inDir(path.join(dir, e.name)))
    .filter((s): s is LogSystem => s !== null)
    .sort((a, b) => a.name.localeCompare(b.name));
}

const TemplateLine = z.object({ line: z.number(), template_id: z.string().nullable() });

/** Each line's template id from the product's `templates --json` (null: the line got no template). */
function minerGroups(cli: string, file: string, n: number, timeoutS: number): Array<string | null> {
  const res = spawnSync(process.execPath, [cli, 'templates', file, '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: timeoutS * 1000,
  });
  if (res.error) throw res.error;
  if (res.status !== 0)
    throw new Error(`templates exited ${res.status ?? res.signal}: ${(res.stderr || res.stdout).trim().slice(-300)}`);
  const groups: Array<string | null> = new Array<string | null>(n).fill(null);
  for (const l of res.stdout.split('\n')) {
    if (!l) continue;
    const row = TemplateLine.parse(JSON.parse(l));
    if (row.line >= 1 && row.line <= n) groups[row.line - 1] = row.template_id;
  }
  return groups;
}

export function evaluateSystem(set: string, sys: LogSystem, cli: string, timeoutS: number): LogResult {
  const t0 = Date.now();
  const base = { set, system: sys.name };
  try {
    const truth = eventIds(fs.readFileSync(sys.csv, 'utf8'));
    const lines = fs
      .readFileSync(sys.log, 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\n')
      .map((l) => l.replace(/\r$/, ''));
    if (lines.length < truth.length) throw new Error(`${lines.length} log lines for ${truth.length} labels`);
    const drain = new DrainReference();
    const drainGroups = lines.slice(0, truth.length).map((l) => drain.add(l));
    const drainGa = groupingAccuracy(drainGroups, truth);
    let ga: number | null = null;
    let error: string | undefined;
    try {
      ga = groupingAccuracy(minerGroups(cli, sys.log, truth.length, timeoutS), truth);
    } catch (err) {
      error = (err as Error).message;
    }
    return { ...base, lines: truth.length, ga, drainGa, secs: (Date.now() - t0) / 1000, ...(error ? { error } : {}) };
  } catch (err) {
    return {
      ...base,
      lines: 0,
      ga: null,
      drainGa: null,
      secs: (Date.now() - t0) / 1000,
      error: (err as Error).message,
    };
  }
}

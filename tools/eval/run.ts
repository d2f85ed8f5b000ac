// `npm run eval`: the product's root-cause ranking over scenario sets (beside a naive reference
// ranker) and its template miner over labelled log sets; writes EVALUATION.md. See tools/eval/README.md.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { AnalyzeOutput, ScoreResults, calibrationOf, type Row } from './metrics';
import { generateOwnSet } from './own';
import { evaluateSystem, findSystems, type LogResult } from './loghub';
import { renderReport, type ScenarioSetResult } from './report';
import { visibilityOfSet } from './visible';

/** The checkout: the nearest directory above this file with a package.json (works from tools/ and dist-tools/). */
function findRepo(from: string): string {
  for (let d = from; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) throw new Error(`no package.json above ${from}`);
  }
}
const REPO = findRepo(__dirname);
const CLI = path.join(REPO, 'bin/incident-scout.js');
const USAGE =
  'usage: npm run eval -- [--dir NAME=PATH]... [--rcd-src SNAPSHOT] [--petshop-src SNAPSHOT] [--nezha-src SNAPSHOT] [--own N] [--loghub PATH] [--logs NAME=PATH]... ' +
  '[--shared PATH] [--only scenarios|logs] [--jobs N] [--timeout S] [--limit N] [--out FILE]';

function fail(message: string): never {
  process.stderr.write(`eval: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** The command line's options (types inferred by parseArgs); a bad option is a usage error. */
function parseOptions() {
  try {
    return parseArgs({
      options: {
        dir: { type: 'string', multiple: true, default: [] },
        logs: { type: 'string', multiple: true, default: [] },
        'rcd-src': { type: 'string' },
        'petshop-src': { type: 'string' },
        'nezha-src': { type: 'string' },
        own: { type: 'string' },
        loghub: { type: 'string' },
        shared: { type: 'string' },
        only: { type: 'string' },
        jobs: { type: 'string', default: '2' },
        timeout: { type: 'string', default: '120' },
        limit: { type: 'string' },
        out: { type: 'string', default: path.join(REPO, 'EVALUATION.md') },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    return fail((err as Error).message);
  }
}
const opt = parseOptions();

function named(spec: string, flag: string): { name: string; path: string } {
  const eq = spec.indexOf('=');
  if (eq <= 0) fail(`--${flag} takes NAME=PATH, got "${spec}"`);
  const p = path.resolve(spec.slice(eq + 1));
  if (!fs.existsSync(p)) fail(`--${flag} ${spec}: no such directory`);
  return { name: spec.slice(0, eq), path: p };
}

/** Runs a command, printing each output line with a prefix; resolves with the exit code. */
function runPrefixed(prefix: string, cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [child.stdout, child.stderr])
      createInterface({ input: s }).on('line', (l) => l.trim() && console.log(`[${prefix}] ${l}`));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function scoreSet(
  name: string,
  dir: string,
  score: string,
  label: string,
  cmd: string,
  outFile: string,
  saveDir: string | null,
): Promise<{ rows: Row[]; wall: number }> {
  const t0 = Date.now();
  const args = [
    score,
    '--cmd',
    cmd,
    '--dir',
    dir,
    '--jobs',
    String(opt.jobs),
    '--timeout',
    String(opt.timeout),
    '--out',
    outFile,
  ];
  if (opt.limit) args.push('--limit', opt.limit);
  const code = await runPrefixed(`${name} ${label}`, process.execPath, args);
  if (code !== 0 || !fs.existsSync(outFile)) throw new Error(`score.mjs exited ${code} on ${dir} (${label})`);
  const scored = ScoreResults.parse(JSON.parse(fs.readFileSync(outFile, 'utf8')));
  const rows = scored.scenarios.map((s): Row => {
    let out: AnalyzeOutput | null = null;
    if (saveDir) {
      try {
        out = AnalyzeOutput.parse(JSON.parse(fs.readFileSync(path.join(saveDir, `${s.name}.json`), 'utf8')));
      } catch {
        out = null; // a crash or bad JSON: already a miss in the scorer's row
      }
    }
    const row: Row = { ...s, calibration: calibrationOf(out, s.root) };
    if (!s.ok && saveDir) {
      const last = readTail(path.join(saveDir, `${s.name}.stderr`));
      if (last) row.error = `${s.error ?? 'failed'}: ${last}`;
    }
    return row;
  });
  return { rows, wall: (Date.now() - t0) / 1000 };
}

/** The last non-empty line a run wrote to stderr, shortened; '' when none was kept. */
function readTail(file: string): string {
  try {
    const lines = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return (lines[lines.length - 1] ?? '').slice(0, 200);
  } catch {
    return '';
  }
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function commitOf(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    // The reports themselves do not count: a second run would otherwise see the first one's EVALUATION.md.
    const dirty = execFileSync(
      'git',
      ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!EVALUATION.md', ':!BENCHMARKS.md'],
      {
        cwd: REPO,
        encoding: 'utf8',
      },
    ).trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

async function main(): Promise<void> {
  if (opt.help) {
    console.log(USAGE);
    return;
  }
  if (opt.only && opt.only !== 'scenarios' && opt.only !== 'logs')
    fail(`--only takes scenarios or logs, got "${opt.only}"`);
  const wantScenarios = opt.only !== 'logs';
  const wantLogs = opt.only !== 'scenarios';
  const shared = path.resolve(opt.shared ?? path.join(REPO, '../shared/eval'));
  const score = path.join(shared, 'score.mjs');

  const sets = (opt.dir ?? []).map((d) => named(d, 'dir'));
  // Converters: the development sets' in ../shared/eval, the others' in tools/eval/converters.
  const converts: Array<{ name: string; script: string; src: string }> = [];
  if (opt['rcd-src'])
    converts.push({ name: 'rcd', script: path.join(shared, 'from-rcd.mjs'), src: path.resolve(opt['rcd-src']) });
  if (opt['petshop-src'])
    converts.push({
      name: 'petshop',
      script: path.join(shared, 'from-petshop.mjs'),
      src: path.resolve(opt['petshop-src']),
    });
  if (opt['nezha-src'])
    converts.push({
      name: 'nezha',
      script: path.join(REPO, 'tools/eval/converters/from-nezha.mjs'),
      src: path.resolve(opt['nezha-src']),
    });
  const own = opt.own === undefined ? 0 : Number(opt.own);
  if (!Number.isInteger(own) || own < 0) fail(`--own takes a count of scenarios, got "${opt.own}"`);
  const logSets = (opt.logs ?? []).map((d) => named(d, 'logs'));
  const loghub = path.resolve(opt.loghub ?? path.join(REPO, '../shared/datasets/loghub-2k'));
  if (fs.existsSync(loghub)) logSets.unshift({ name: 'loghub-2k', path: loghub });
  else if (opt.loghub) fail(`--loghub ${opt.loghub}: no such directory`);

  const missing: string[] = [];
  if (wantScenarios && !sets.length && !converts.length && !own)
    missing.push('scenario sets (--dir NAME=PATH, --rcd-src, --petshop-src, --nezha-src, --own N)');
  if (wantScenarios && !fs.existsSync(score)) missing.push(`the scorer (${score}; --shared PATH)`);
  if (wantLogs && !logSets.length)
    missing.push(`labelled log sets (--loghub PATH or --logs NAME=PATH; ${loghub} is absent)`);
  if (missing.length) fail(`missing ${missing.join(', ')}; --only scenarios|logs measures one half`);
  const probe = spawnSync(process.execPath, [CLI, 'analyze', '--help'], { encoding: 'utf8' });
  if (probe.status !== 0)
    fail(`the CLI does not run (${(probe.stderr || probe.stdout).trim()}): run \`npm run build\` (npm run eval does)`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-scout-eval-'));
  const scenarioSets: ScenarioSetResult[] = [];
  const logs: LogResult[] = [];
  try {
    if (wantScenarios) {
      for (const c of converts) {
        const out = path.join(work, 'converted', c.name);
        console.log(`[convert] ${c.name} from ${c.src}`);
        const code = await runPrefixed(`convert ${c.name}`, process.execPath, [
          c.script,
          '--src',
          c.src,
          '--out',
          out,
          '--quiet',
        ]);
        if (code !== 0) throw new Error(`${path.basename(c.script)} exited ${code}`);
        sets.push({ name: c.name, path: out });
      }
      if (own) {
        console.log(`[own] generating ${own} scenarios of the project's own kind`);
        sets.push({ name: 'own', path: generateOwnSet(path.join(work, 'own'), own) });
      }
      for (const s of sets) {
        const saveDir = path.join(work, 'outputs', s.name);
        const capture = path.join(__dirname, 'capture.js');
        const product = await scoreSet(
          s.name,
          s.path,
          score,
          'analyze',
          `${q(process.execPath)} ${q(capture)} ${q(saveDir)} ${q(process.execPath)} ${q(CLI)} analyze`,
          path.join(work, `${s.name}-analyze.json`),
          saveDir,
        );
        const reference = await scoreSet(
          s.name,
          s.path,
          score,
          'reference',
          `${q(process.execPath)} ${q(path.join(__dirname, 'reference-ranker.js'))}`,
          path.join(work, `${s.name}-reference.json`),
          null,
        );
        const source = readmeSource(s.path);
        const visible = await visibilityOfSet(
          s.path,
          product.rows.map((r) => r.name),
        );
        const judge = (rows: Row[]): Row[] => rows.map((r) => ({ ...r, visible: visible.get(r.name) ?? null }));
        scenarioSets.push({
          name: s.name,
          path: s.path,
          product: judge(product.rows),
          reference: judge(reference.rows),
          wall: { product: product.wall, reference: reference.wall },
          ...(source ? { source } : {}),
        });
      }
    }
    if (wantLogs) {
      for (const set of logSets) {
        const systems = findSystems(set.path);
        if (!systems.length) console.log(`[logs ${set.name}] no labelled systems under ${set.path}`);
        for (const sys of systems) {
          const r = evaluateSystem(set.name, sys, CLI, Number(opt.timeout));
          logs.push(r);
          console.log(
            `[logs ${set.name}] ${sys.name.padEnd(12)} GA ${r.ga === null ? 'failed' : r.ga.toFixed(3)}  Drain ${r.drainGa === null ? '-' : r.drainGa.toFixed(3)}  ${r.secs.toFixed(1)}s${r.error ? `  ${r.error}` : ''}`,
          );
        }
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  const cpus = os.cpus();
  const report = renderReport({
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: commitOf(),
    machine: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, load ${os.loadavg()[0]?.toFixed(1)} at start of writing`,
    command: `npm run eval -- ${process.argv.slice(2).join(' ')}`.trim(),
    reproduce: [
      '# converted sets (see ../shared/eval/README.md), Loghub-2k from ../shared/datasets/loghub-2k by default:',
      'npm run eval -- --dir rcd=<converted rcd> --dir petshop=<converted petshop> --own 12 --logs loghub-extra=<labelled dirs>',
      '# or convert from the snapshots on the way:',
      'npm run eval -- --rcd-src <azamikram/rcd snapshot> --petshop-src <amazon-science/petshop-root-cause-analysis snapshot> --own 12',
      '# the third set, not a development set (tools/eval/converters/from-nezha.mjs):',
      'npm run eval -- --nezha-src <IntelligentDDS/Nezha snapshot> --only scenarios',
    ],
    scenarioSets,
    logs,
    logSources: wantLogs
      ? logSets.flatMap((set) => {
          const source = readmeSource(set.path);
          return source ? [{ set: set.name, source }] : [];
        })
      : [],
    notMeasured: [
      ...(wantScenarios ? [] : ['root-cause ranking (--only logs)']),
      ...(wantLogs ? [] : ['log template grouping (--only scenarios)']),
    ],
  });
  fs.writeFileSync(opt.out as string, report);
  console.log(`wrote ${opt.out}`);
}

/** A set's provenance: the first paragraph after the title of its README.md, on one line. */
function readmeSource(dir: string): string | undefined {
  const readme = path.join(dir, 'README.md');
  if (!fs.existsSync(readme)) return undefined;
  const paragraphs = fs
    .readFileSync(readme, 'utf8')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith('#'));
  return paragraphs[0]?.replace(/\s+/g, ' ') || undefined;
}

main().catch((err: unknown) => {
  process.stderr.write(`eval: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

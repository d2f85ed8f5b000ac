// Template miner benchmark: lines/s over each Loghub-2k file and over a generated 1M-line log
// of mixed formats; peak RSS of the `templates --json` command on the 1M-line file, measured in
// a child process so the figure is the command's own.

import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { EventAssembler } from '../../src/evidence/logparse';
import { TemplateMiner } from '../../src/evidence/analyzers/templates';
import { blockBody } from '../../src/evidence/analyzers/templates';
import { templatesCommand } from '../../src/cli/templates';
import { redactSecrets } from '../../src/domain/redact';

/** The Loghub-2k directory: `../shared/datasets/loghub-2k` beside the repo, found from src/ or dist/. */
function loghubDir(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, '..', 'shared', 'datasets', 'loghub-2k');
    if (existsSync(candidate)) return candidate;
  }
  return path.resolve(__dirname, '../../../shared/datasets/loghub-2k');
}
const SYSTEMS = ['HDFS', 'Hadoop', 'Spark', 'Zookeeper', 'BGL', 'OpenSSH', 'Apache'];

/** Deterministic PRNG (mulberry32) so the generated log is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const PATHS = ['/api/cart', '/api/pay', '/api/items', '/health', '/api/users/42'];

/** One generated event (possibly multi-line) in one of several real-world formats. */
function genEvent(r: () => number, t: number): string {
  const n = (max: number): number => Math.floor(r() * max);
  const iso = new Date(t).toISOString();
  const ip = `10.${n(255)}.${n(255)}.${n(255)}`;
  switch (n(8)) {
    case 0:
      return JSON.stringify({
        time: iso,
        level: r() < 0.1 ? 'error' : 'info',
        msg: `order ${n(1e6)} placed`,
        user: USERS[n(5)],
        latency_ms: n(900),
      });
    case 1:
      return `time=${iso} level=warn msg="slow query" table=orders duration=${n(5000)}ms rows=${n(100)}`;
    case 2: {
      const head = `${iso.replace('T', ' ').slice(0, 23)}  ERROR 1 --- [nio-8080-exec-${n(10)}] c.e.checkout.PaymentClient : payment call failed for order ${n(1e6)}`;
      return r() < 0.5
        ? head
        : `${head}\njava.net.SocketTimeoutException: Read timed out\n\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:${n(300)})\n\tat com.example.PaymentClient.call(PaymentClient.java:${n(200)})\n\t... ${n(40)} more`;
    }
    case 3:
      return `${iso.replace('T', ' ').slice(0, 19)},${String(n(1000)).padStart(3, '0')} - worker.jobs - INFO - processed job ${n(1e5)} in ${(r() * 3).toFixed(3)}s`;
    case 4:
      return `${ip} - - [${new Date(t).toUTCString().slice(5, 16).replace(/ /g, '/')}:${iso.slice(11, 19)} +0000] "GET ${PATHS[n(5)]} HTTP/1.1" ${r() < 0.05 ? 503 : 200} ${n(9000)} "-" "curl/8.${n(9)}"`;
    case 5:
      return `${iso.replace('T', ' ').slice(0, 23)} UTC [${n(30000)}] ERROR:  duplicate key value violates unique constraint "orders_pkey"`;
    case 6:
      return `1:M ${new Date(t).getUTCDate()} Nov 2026 ${iso.slice(11, 23)} * ${n(100)} changes in 300 seconds. Saving...`;
    default:
      return `Nov 27 ${iso.slice(11, 19)} web-${n(9)} sshd[${n(30000)}]: Accepted publickey for ${USERS[n(5)]} from ${ip} port ${n(65535)} ssh2`;
  }
}

/** Writes (once) a deterministic log of `lines` physical lines under the OS temp dir; returns its path. */
export async function generateLog(lines = 1_000_000): Promise<string> {
  const file = path.join(tmpdir(), `incident-scout-bench-${lines}.log`);
  if (existsSync(file) && statSync(file).size > 0) return file;
  const r = rng(42);
  const out = createWriteStream(file);
  let t = Date.UTC(2026, 10, 27, 3, 0, 0);
  let written = 0;
  let chunk = '';
  while (written < lines) {
    t += Math.floor(r() * 50);
    const ev = genEvent(r, t)
      .split('\n')
      .slice(0, lines - written);
    written += ev.length;
    chunk += ev.join('\n') + '\n';
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return file;
}

/** Parses and mines the lines in memory; returns lines/s of parse+mine. */
function measure(lines: string[]): { linesPerSec: number; templates: number } {
  const start = process.hrtime.bigint();
  const asm = new EventAssembler({ refTime: Date.UTC(2026, 10, 27) });
  const miner = new TemplateMiner();
  for (let i = 0; i < lines.length; i++) {
    for (const ev of asm.push(lines[i] as string, i + 1)) miner.addCluster(blockBody(ev));
  }
  for (const ev of asm.flush()) miner.addCluster(blockBody(ev));
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  return { linesPerSec: Math.round(lines.length / secs), templates: miner.templates().length };
}

/** Runs the benchmark; keys are figure names, values numbers or text. */
export async function benchTemplates(opts: { loghubDir?: string } = {}): Promise<Record<string, string | number>> {
  const loghub = opts.loghubDir ?? loghubDir();
  const result: Record<string, string | number> = {};
  for (const sys of SYSTEMS) {
    const file = path.join(loghub, sys, `${sys}_2k.log`);
    if (!existsSync(file)) {
      result[`loghub_${sys}`] = 'dataset missing';
      continue;
    }
    const lines = readFileSync(file, 'utf8').split('\n');
    // Repeat the 2k lines so the timer sees more than a few milliseconds (the miner is warm after the first pass).
    const many: string[] = [];
    for (let k = 0; k < 25; k++) many.push(...lines);
    // Best of three: the machine may be shared, and the first run includes JIT warm-up.
    result[`loghub_${sys}_lines_per_s`] = Math.max(
      measure(many).linesPerSec,
      measure(many).linesPerSec,
      measure(many).linesPerSec,
    );
  }
  // Redaction of a hostile 64 KiB line (the longest a log line can be): each of these took 10 to 90 s when a
  // key name's prefix or an e-mail's local part was rescanned from every `.`, `_` or `-` of a long run.
  const hostile = [
    `${'a.'.repeat(32_768)}@`,
    `a@${'1.'.repeat(32_768)}`,
    `${'a_'.repeat(32_768)}secret=hunter2xyz`,
    `${'a-'.repeat(32_768)}pass: hunter2xyz`,
  ];
  result['redact_hostile_64KiB_line_worst_ms'] = Math.round(
    Math.max(
      ...hostile.map((line) => {
        const t = performance.now();
        redactSecrets(line);
        return performance.now() - t;
      }),
    ),
  );
  const big = await generateLog();
  const bigLines = readFileSync(big, 'utf8').split('\n');
  const m = measure(bigLines);
  result['generated_1M_lines_per_s_in_memory'] = m.linesPerSec;
  result['generated_1M_templates'] = m.templates;
  // End to end: the streaming command (read, parse, mine, write JSON per line) in a child process.
  // The child runs this compiled file; under ts-jest/ts-node there is no .js to run.
  if (!__filename.endsWith('.js'))
    return { ...result, cli_json_1M: 'run the compiled bench (npm run bench) for the RSS figure' };
  const child = execFileSync(process.execPath, [__filename, '--child', big], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const parsed: unknown = JSON.parse(child);
  if (parsed && typeof parsed === 'object') Object.assign(result, parsed);
  return result;
}

async function child(file: string): Promise<void> {
  let lines = 0;
  const counter = new Writable({
    write: (c: Buffer, _e, cb) => {
      for (let i = 0; i < c.length; i++) if (c[i] === 10) lines++;
      cb();
    },
  });
  const start = process.hrtime.bigint();
  await templatesCommand([file, '--json'], counter);
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(
    JSON.stringify({ cli_json_1M_lines_per_s: Math.round(lines / secs), cli_json_1M_peak_rss_mb: maxRssMb }),
  );
}

if (require.main === module) {
  const [flag, file] = process.argv.slice(2);
  const run =
    flag === '--child' && file
      ? child(file)
      : benchTemplates(flag === '--loghub' && file ? { loghubDir: file } : {}).then((r) => console.log(r));
  run.catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

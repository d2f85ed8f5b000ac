// Runs the real bot as its own process (`node bin/incident-scout.js serve`), as a replica would run:
// for tests with two replicas on one Redis, a worker killed mid-investigation, or a Redis restart.
// Needs `npm run build` first (npm test and npm run test:faults do it).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'incident-scout.js');

export interface AppProcess {
  port: number;
  url: string; // the request URL: http://127.0.0.1:<port>/slack/events
  child: ChildProcess;
  /** Everything the process logged (stdout and stderr), for assertions about secrets and errors. */
  output(): string;
  /** Waits until a log line matches, e.g. a job start. */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `incident-scout serve` with exactly `env` (plus PATH) and waits for its "serving" log line. */
export async function spawnApp(env: Record<string, string>, timeoutMs = 20_000): Promise<AppProcess> {
  if (!existsSync(path.join(REPO, 'dist', 'cli', 'index.js')))
    throw new Error('dist/ is missing: run `npm run build` before this test');
  const port = Number(env.PORT ?? (await freePort()));
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LOG_LEVEL: 'info', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: Array<{ re: RegExp; resolve: (line: string) => void }> = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (const w of [...waiters]) {
      const line = out.split('\n').find((l) => w.re.test(l));
      if (line) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const waitForLog = (re: RegExp, ms = timeoutMs): Promise<string> => {
    const line = out.split('\n').find((l) => re.test(l));
    if (line) return Promise.resolve(line);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no log line matching ${re} within ${ms} ms; output:\n${out.slice(-4000)}`)),
        ms,
      );
      waiters.push({ re, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the app exited (${code}) before logging ${re}; output:\n${out.slice(-4000)}`));
      });
    });
  };

  await waitForLog(/"msg":"serving"/, timeoutMs);
  return {
    port,
    url: `http://127.0.0.1:${port}/slack/events`,
    child,
    output: () => out,
    waitForLog,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `incident-scout <args>` to completion with exactly `env` (plus PATH); kills it after `timeoutMs`. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  opts: { timeoutMs?: number; input?: string; cwd?: string } = {},
): Promise<CliRun> {
  if (!existsSync(path.join(REPO, 'dist', 'cli', 'index.js')))
    throw new Error('dist/ is missing: run `npm run build` before this test');
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? REPO,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  child.stdin?.end(opts.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr, ms: Date.now() - started };
}

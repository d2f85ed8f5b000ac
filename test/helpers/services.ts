// Start-or-skip for tests that need a service binary (redis-server, redis-sentinel, prometheus,
// alertmanager): when the binaries are on PATH the suite runs and starts its own throwaway
// instance on a free port; when they are not, the suite is skipped with ONE printed line saying
// what to install — except under CI=true, where a missing service fails the run. startProcess is the
// one start-and-wait-until-ready the Prometheus and Alertmanager helpers share.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';

export interface ServiceNeed {
  /** What the suite needs, for the message: "Prometheus". */
  name: string;
  /** Executables that must all be on PATH. */
  binaries: string[];
  /** How to install them: "apt-get install -y prometheus". */
  install: string;
}

export const PROMETHEUS: ServiceNeed = {
  name: 'Prometheus',
  binaries: ['prometheus', 'promtool'],
  install: 'apt-get install -y prometheus',
};
export const ALERTMANAGER: ServiceNeed = {
  name: 'Alertmanager',
  binaries: ['prometheus-alertmanager'],
  install: 'apt-get install -y prometheus-alertmanager',
};
export const REDIS: ServiceNeed = {
  name: 'Redis',
  binaries: ['redis-server', 'redis-cli'],
  install: 'apt-get install -y redis-server',
};
export const REDIS_SENTINEL: ServiceNeed = {
  name: 'Redis Sentinel',
  binaries: ['redis-server', 'redis-sentinel', 'redis-cli'],
  install: 'apt-get install -y redis-server redis-sentinel',
};

/** The absolute path of `bin` on PATH, or undefined. Synchronous so suites can decide at definition time. */
export function which(bin: string, envPath: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, bin);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The binaries of `need` that are missing from PATH. */
export function missingBinaries(need: ServiceNeed, envPath?: string): string[] {
  return need.binaries.filter((b) => which(b, envPath) === undefined);
}

/** The one line a skipped suite prints. */
export function skipLine(need: ServiceNeed, missing: string[]): string {
  return `skipped: ${need.name} tests need ${missing.join(', ')} on PATH (install: ${need.install})`;
}

export type ServiceDecision = { run: true } | { run: false; fail: boolean; message: string };

/** Whether a suite needing `need` runs, is skipped, or (CI=true) fails for want of it. */
export function decide(need: ServiceNeed, env: Record<string, string | undefined> = process.env): ServiceDecision {
  const missing = missingBinaries(need, env.PATH ?? '');
  if (missing.length === 0) return { run: true };
  return { run: false, fail: env.CI === 'true', message: skipLine(need, missing) };
}

/**
 * `describe` when the service's binaries are installed. Otherwise the suite is skipped with one
 * line on stderr, or under CI=true replaced by one failing test carrying the same message.
 */
export function describeWithService(need: ServiceNeed, title: string, body: () => void): void {
  const d = decide(need);
  if (d.run) {
    describe(title, body);
    return;
  }
  if (d.fail) {
    describe(title, () => {
      it(`needs ${need.name}`, () => {
        throw new Error(`CI=true and ${d.message.replace(/^skipped: /, '')}`);
      });
    });
    return;
  }
  process.stderr.write(`${d.message}\n`);
  // Skipped because the service is not installed on this machine (the line above says what to install).
  describe.skip(title, body);
}

export interface RunningProcess {
  /** What it printed so far (last 4000 characters), to explain a failure. */
  output(): string;
  /** Stops it (SIGTERM, waits for exit) and removes its work directory. */
  close(): Promise<void>;
}

/**
 * Spawns a service (`bin args`) and resolves once `readyUrl` answers 2xx; `work` (its config and data)
 * is removed on close. Fails with the process's output when it exits or is not ready within `timeoutMs`.
 */
export async function startProcess(opts: {
  name: string;
  bin: string;
  args: string[];
  readyUrl: string;
  work: string;
  timeoutMs?: number;
  /** Which status of readyUrl means ready (default: 2xx). */
  readyWhen?: (status: number) => boolean;
}): Promise<RunningProcess> {
  const readyWhen = opts.readyWhen ?? ((status: number) => status >= 200 && status < 300);
  const child: ChildProcess = spawn(opts.bin, opts.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (b: Buffer): void => {
    output = (output + b.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(opts.work, { recursive: true, force: true });
  };
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`${opts.name} exited (${child.exitCode}):\n${output}`);
    }
    try {
      if (readyWhen((await fetch(opts.readyUrl)).status)) return { output: () => output, close };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await close();
      throw new Error(`${opts.name} not ready after ${timeoutMs / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

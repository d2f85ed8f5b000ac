// Executors: run a frozen RenderedAction with the change identity and nothing else of the bot's
// environment. Commands: no shell, timeout, output cap. HTTP: fixed URL, `${NAME}` headers resolved here.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ActionRun } from '../config/actions';
import { redactSecrets } from '../domain/redact';
import type { ExecutionResult, RenderedAction } from '../domain/types';

export const SAFE_PATH = '/usr/local/bin:/usr/bin:/bin';
const TRUNCATED = '\n… [output truncated]';
const KILL_GRACE_MS = 2_000;
const SECRET_REF = /\$\{([A-Z_][A-Z0-9_]*)\}/g;

/** Runs one rendered action under its manifest spec (timeout, output cap). Never throws for a failed run. */
export interface Executor {
  run(rendered: RenderedAction, spec: ActionRun, signal?: AbortSignal): Promise<ExecutionResult>;
}

export interface ExecutorDeps {
  /** The change identity: Config.executor.env. The child sees only this (plus a safe PATH default). */
  env: Readonly<Record<string, string>>;
  workdir?: string | undefined;
  fetch?: typeof fetch;
  /** Redaction of output; defaults to src/domain/redact.ts redactSecrets. */
  redact?: (text: string) => string;
  now?: () => number;
}

/** The real executor: child processes via spawn without a shell, HTTP via the injected fetch. */
export function createExecutor(deps: ExecutorDeps): Executor {
  const now = deps.now ?? (() => performance.now());
  const env = childEnv(deps.env);
  const scrub = secretScrubber(deps.env, deps.redact ?? ((t) => redactSecrets(t).text));
  return {
    async run(rendered, spec, signal) {
      const started = now();
      const finish = (r: Omit<ExecutionResult, 'durationMs'>): ExecutionResult => ({
        ...r,
        output: scrub(r.output),
        ...(r.error !== undefined ? { error: scrub(r.error) } : {}),
        durationMs: Math.max(0, Math.round(now() - started)),
      });
      if (rendered.kind === 'command') {
        if (!('command' in spec)) return finish({ ok: false, exitCode: null, output: '', error: 'rendered a command for an http action' });
        return finish(await runCommand(rendered.argv, env, deps.workdir, spec.timeout_seconds * 1000, spec.max_output_bytes, signal));
      }
      if (!('http' in spec)) return finish({ ok: false, exitCode: null, output: '', error: 'rendered a request for a command action' });
      const fetchFn = deps.fetch ?? fetch;
      return finish(await runHttp(rendered, deps.env, fetchFn, spec.http.timeout_seconds * 1000, signal));
    },
  };
}

/** Only the change identity; PATH from it (relative entries made absolute) or a safe default. */
export function childEnv(identity: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = { ...identity };
  const p = identity.PATH;
  env.PATH = p ? p.split(':').filter(Boolean).map((d) => path.resolve(d)).join(':') : SAFE_PATH;
  return env;
}

async function runCommand(
  argv: string[],
  env: Record<string, string>,
  workdir: string | undefined,
  timeoutMs: number,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<Omit<ExecutionResult, 'durationMs'>> {
  const [file, ...args] = argv;
  if (!file) return { ok: false, exitCode: null, output: '', error: 'empty command' };
  const tmp = workdir ? null : await mkdtemp(path.join(os.tmpdir(), 'scout-exec-'));
  const cwd = workdir ?? (tmp as string);
  try {
    return await new Promise((resolve) => {
      // spawn with shell:false is what execFile wraps; we use it directly so an over-long output is
      // capped while the command runs to completion (execFile's maxBuffer would kill it midway).
      // detached: the command leads its own process group, so a timeout stops its children too
      // (a grandchild holding stdout open would otherwise keep us waiting past the timeout).
      const child = spawn(file, args, { env, cwd, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      let stopReason: string | undefined;
      const take = (b: Buffer): void => {
        if (kept >= maxBytes) {
          truncated = true;
          return;
        }
        const part = b.subarray(0, maxBytes - kept);
        if (part.length < b.length) truncated = true;
        chunks.push(part);
        kept += part.length;
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      const stop = (why: string): void => {
        if (stopReason) return;
        stopReason = why;
        killGroup(child.pid, 'SIGTERM');
        setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
      };
      const timer = setTimeout(() => stop(`timed out after ${Math.round(timeoutMs / 1000)}s`), timeoutMs);
      const onAbort = (): void => stop('cancelled');
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
      let spawnError: string | undefined;
      child.on('error', (err: NodeJS.ErrnoException) => {
        spawnError = err.code === 'ENOENT' ? `command not found: ${file} (PATH of the change identity)` : err.message;
      });
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const output = trimOutput(Buffer.concat(chunks).toString('utf8')) + (truncated ? TRUNCATED : '');
        const error = spawnError ?? stopReason ?? (sig ? `killed by ${sig}` : undefined);
        resolve({ ok: code === 0 && !error, exitCode: code, output, ...(error !== undefined ? { error } : {}) });
      });
    });
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

async function runHttp(
  rendered: Extract<RenderedAction, { kind: 'http' }>,
  identity: Readonly<Record<string, string>>,
  fetchFn: typeof fetch,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Omit<ExecutionResult, 'durationMs'>> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(rendered.headers)) {
    const missing: string[] = [];
    headers[k] = v.replace(SECRET_REF, (_m, name: string) => {
      const value = identity[name];
      if (value === undefined) missing.push(name);
      return value ?? '';
    });
    if (missing.length > 0) return { ok: false, exitCode: null, output: '', error: `the change identity has no ${missing.join(', ')} (set SCOUT_EXEC_${missing[0]})` };
  }
  const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
  try {
    const res = await fetchFn(rendered.url, {
      method: rendered.method,
      headers,
      ...(rendered.body !== null && rendered.method !== 'GET' ? { body: JSON.stringify(rendered.body) } : {}),
      signal: AbortSignal.any(signals),
      redirect: 'manual', // a redirect could leave the fixed host
    });
    const text = await res.text();
    const output = trimOutput(`HTTP ${res.status} ${res.statusText}\n${text}`);
    return { ok: res.ok, exitCode: null, output, ...(res.ok ? {} : { error: `HTTP ${res.status}` }) };
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    const error = name === 'TimeoutError' ? `timed out after ${Math.round(timeoutMs / 1000)}s` : `request failed: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, exitCode: null, output: '', error };
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Keeps the last lines that matter: trailing whitespace off, at most 4000 characters for the thread. */
export function trimOutput(text: string, maxChars = 4000): string {
  const t = text.replace(/\s+$/, '');
  return t.length > maxChars ? `…${t.slice(t.length - maxChars + 1)}` : t;
}

const SECRET_NAME = /TOKEN|SECRET|PASS|KEY|CREDENTIAL|AUTH|COOKIE|SESSION/i;

/** Replaces the values of the change identity's secret-named variables (and whatever `extra` finds) in output. */
function secretScrubber(identity: Readonly<Record<string, string>>, extra?: (t: string) => string): (t: string) => string {
  const secrets = Object.entries(identity)
    .filter(([k, v]) => SECRET_NAME.test(k) && v.length >= 6)
    .map(([, v]) => v)
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const s of secrets) out = out.split(s).join('[redacted]');
    return extra ? extra(out) : out;
  };
}

// The `command` executor kind: an argv run without a shell, with the change identity as its whole
// environment, a timeout that stops its process group, and an output cap.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { ProposalInvalid } from '../../domain/errors';
import { defineExecutorKind, trimOutput, type Fill, type Outcome } from './kind';
import { clipText } from '../../domain/text';

export const SAFE_PATH = '/usr/local/bin:/usr/bin:/bin';
const TRUNCATED = '\n… [output truncated]';
const KILL_GRACE_MS = 2_000;
const HAS_PLACEHOLDER = /(?<!\$)\{[a-zA-Z_][a-zA-Z0-9_]*\}/;

export const command = defineExecutorKind({
  name: 'command',
  usage: '`command: [argv...]`',
  schema: z
    .object({
      command: z
        .array(z.string().min(1))
        .min(1, 'expected an argv array such as ["kubectl", "rollout", "undo", "deployment/{service}"]'),
      timeout_seconds: z.number().int().min(1).max(3600).default(60),
      max_output_bytes: z.number().int().min(256).max(1_048_576).default(16_384),
    })
    .strict(),
  rendered: z.object({ kind: z.literal('command'), argv: z.array(z.string()) }),
  templates: (spec) => spec.command,
  check: (spec) =>
    HAS_PLACEHOLDER.test(spec.command[0] ?? '')
      ? [{ path: ['command', 0], message: 'the program (argv[0]) must be fixed, not a parameter' }]
      : [],
  render: (spec, fill) => ({ kind: 'command', argv: spec.command.map((el, i) => renderArg(fill, el, i)) }),
  run: (rendered, spec, env, signal) =>
    runCommand(
      rendered.argv,
      childEnv(env.identity),
      env.workdir,
      spec.timeout_seconds * 1000,
      spec.max_output_bytes,
      signal,
    ),
  describe: (r) => ({ text: r.argv.map(quoteArg).join(' '), detail: { argv: r.argv } }),
  timeout: (spec) => spec.timeout_seconds,
});

/** One argv element: every placeholder fills its place inside THIS element, never split, no shell. */
function renderArg(fill: Fill, template: string, index: number): string {
  if (index === 0 && HAS_PLACEHOLDER.test(template)) {
    throw new ProposalInvalid(`${fill.actionId}: the program to run must be fixed in the manifest.`);
  }
  const value = fill.text(template);
  if (value.startsWith('-') && !template.startsWith('-')) {
    const name = /^\{([a-zA-Z_][a-zA-Z0-9_]*)\}/.exec(template)?.[1];
    const leadValue = name !== undefined ? String(fill.value(name)) : undefined;
    const ok =
      name !== undefined &&
      leadValue !== undefined &&
      leadValue.startsWith('-') &&
      patternAllowsLeadingDash(fill.pattern(name));
    if (!ok) {
      throw new ProposalInvalid(
        `${fill.actionId}: ${name ?? 'a parameter'}=${shownValue(leadValue ?? value)} would start a command argument with "-", which could be read as an option. Refused.`,
      );
    }
  }
  return value;
}

/**
 * True when the pattern itself begins with a literal "-" (e.g. `^-?[0-9]+$`): only then may a
 * value start an argv element with a dash. A "-" inside a character class (`[a-z-]`) does not count.
 */
export function patternAllowsLeadingDash(pattern: string | undefined): boolean {
  if (!pattern) return false;
  const body = pattern.replace(/^\^/, '').replace(/^\(\?:/, '');
  return body.startsWith('-') || body.startsWith('\\-');
}

function shownValue(value: string): string {
  return clipText(JSON.stringify(value), 80);
}

/** Quotes an argument so a value with spaces visibly stays one argument. */
function quoteArg(a: string): string {
  return /^[A-Za-z0-9_./=:,@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** Only the change identity; PATH from it (relative entries made absolute) or a safe default. */
export function childEnv(identity: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = { ...identity };
  const p = identity.PATH;
  env.PATH = p
    ? p
        .split(':')
        .filter(Boolean)
        .map((d) => path.resolve(d))
        .join(':')
    : SAFE_PATH;
  return env;
}

async function runCommand(
  argv: string[],
  env: Record<string, string>,
  workdir: string | undefined,
  timeoutMs: number,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<Outcome> {
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
      const child = spawn(file, args, {
        env,
        cwd,
        shell: false,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
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

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

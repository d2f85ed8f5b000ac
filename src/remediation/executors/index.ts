// The registry of executor kinds, and the executor that runs a frozen action under its manifest block.
// A kind is one file in this folder (`defineExecutorKind`) and one line in EXECUTOR_KINDS.
import { z } from 'zod';
import { redactSecrets } from '../../domain/redact';
import type { ExecutionResult, RenderedAction } from '../../domain/types';
import { command } from './command';
import { http } from './http';
import type { ActionRun, ExecutorKind } from './kind';

const EXECUTOR_KINDS: readonly [ExecutorKind, ...ExecutorKind[]] = [command, http];

export { SAFE_PATH, childEnv, patternAllowsLeadingDash } from './command';
export { trimOutput, type ActionRun, type BlockProblem, type Fill } from './kind';

/** A manifest `run` or `precondition` block: exactly one kind's form, bound to that kind. */
export const actionRunSchema: z.ZodType<ActionRun> = z.union(
  [EXECUTOR_KINDS[0].manifest, ...EXECUTOR_KINDS.slice(1).map((k) => k.manifest)],
  {
    message: `expected ${EXECUTOR_KINDS.map((k) => k.usage).join(' or ')}`,
  },
);

/** What a frozen action shows a person (approval card) and records in the audit trail. */
export function describeRendered(rendered: RenderedAction): { text: string; detail: Record<string, unknown> } {
  for (const k of EXECUTOR_KINDS) {
    const d = k.describe(rendered);
    if (d) return d;
  }
  return { text: `(an action of unknown kind "${rendered.kind}")`, detail: { kind: rendered.kind } };
}

/** Runs one rendered action under its manifest block (timeout, output cap). Never throws for a failed run. */
export interface Executor {
  run(rendered: RenderedAction, run: ActionRun, signal?: AbortSignal): Promise<ExecutionResult>;
}

export interface ExecutorDeps {
  /** The change identity: Config.executor.env. A run sees only this (a command gets a safe PATH default). */
  env: Readonly<Record<string, string>>;
  workdir?: string | undefined;
  fetch?: typeof fetch;
  /** Redaction of output; defaults to src/domain/redact.ts redactSecrets. */
  redact?: (text: string) => string;
  now?: () => number;
}

/** The real executor: every kind runs with the change identity; output is scrubbed of its secrets. */
export function createExecutor(deps: ExecutorDeps): Executor {
  const now = deps.now ?? (() => performance.now());
  const scrub = secretScrubber(deps.env, deps.redact ?? ((t) => redactSecrets(t).text));
  const env = { identity: deps.env, workdir: deps.workdir, fetch: deps.fetch ?? fetch };
  return {
    async run(rendered, run, signal) {
      const started = now();
      const r = await run.run(rendered, env, signal);
      return {
        ...r,
        output: scrub(r.output),
        ...(r.error !== undefined ? { error: scrub(r.error) } : {}),
        durationMs: Math.max(0, Math.round(now() - started)),
      };
    },
  };
}

const SECRET_NAME = /TOKEN|SECRET|PASS|KEY|CREDENTIAL|AUTH|COOKIE|SESSION/i;

/** Replaces the values of the change identity's secret-named variables (and whatever `extra` finds) in output. */
function secretScrubber(
  identity: Readonly<Record<string, string>>,
  extra?: (t: string) => string,
): (t: string) => string {
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

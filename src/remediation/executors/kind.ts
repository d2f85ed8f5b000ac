// What one executor kind is: the manifest block that selects it (`schema`), how a proposal freezes it
// (`render`), how it runs (`run`), how a person and the audit trail see it (`describe`) and its time limit
// (`timeout`). A kind is one file in this folder and one line in ./index.ts.
import { z } from 'zod';
import type { ExecutionResult, ParamValue, RenderedAction } from '../../domain/types';

/** A run's result before the executor adds the duration and scrubs secrets. */
export type Outcome = Omit<ExecutionResult, 'durationMs'>;

/** What a run may use: the change identity and nothing else of the bot's environment. */
export interface ExecEnv {
  /** The change identity (Config.executor.env). */
  identity: Readonly<Record<string, string>>;
  workdir?: string | undefined;
  fetch: typeof fetch;
}

/** The action's validated parameters, as a render sees them. Every method throws ProposalInvalid on misuse. */
export interface Fill {
  readonly actionId: string;
  /** `template` with every `{param}` replaced by its value (through `encode`, default as is). */
  text(template: string, encode?: (s: string) => string): string;
  /** The typed value of one parameter. */
  value(name: string): ParamValue;
  /** The manifest pattern of a string parameter. */
  pattern(name: string): string | undefined;
}

/** A problem of one manifest block, at a path inside it. */
export interface BlockProblem {
  path: Array<string | number>;
  message: string;
}

export interface ExecutorKindSpec<Spec, Rendered extends RenderedAction> {
  /** The `kind` of what it renders, and the key of its manifest block (`command:`, `http:`). */
  name: Rendered['kind'];
  /** How the manifest writes it, for the message when a block matches no kind. */
  usage: string;
  schema: z.ZodType<Spec>;
  /** The frozen form a proposal stores. */
  rendered: z.ZodType<Rendered>;
  /** The strings of a block that may hold `{param}` placeholders. */
  templates(spec: Spec): string[];
  /** Rules beyond the schema (a fixed program, a fixed host). */
  check(spec: Spec): BlockProblem[];
  render(spec: Spec, fill: Fill): Rendered;
  run(rendered: Rendered, spec: Spec, env: ExecEnv, signal?: AbortSignal): Promise<Outcome>;
  /** One line for the approval card, and the fields the audit trail records. */
  describe(rendered: Rendered): { text: string; detail: Record<string, unknown> };
  /** Seconds a run may take before it is stopped. */
  timeout(spec: Spec): number;
}

/** A manifest block bound to its kind: what the catalog and the executor call, whatever the kind. */
export interface ActionRun {
  readonly kind: string;
  placeholders(): Set<string>;
  problems(): BlockProblem[];
  timeoutSeconds(): number;
  render(fill: Fill): RenderedAction;
  run(rendered: RenderedAction, env: ExecEnv, signal?: AbortSignal): Promise<Outcome>;
}

/** A registered kind, its types closed over. */
export interface ExecutorKind {
  readonly name: string;
  readonly usage: string;
  /** The manifest block, parsed and bound. */
  readonly manifest: z.ZodType<ActionRun>;
  /** The card line and audit fields of a frozen action of this kind; null when it is not one. */
  describe(rendered: RenderedAction): { text: string; detail: Record<string, unknown> } | null;
}

/** `{param}` (not `${SECRET}`). */
const PLACEHOLDER = /(?<!\$)\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g;

/** Declares one executor kind; register it in ./index.ts. */
export function defineExecutorKind<Spec, Rendered extends RenderedAction>(
  k: ExecutorKindSpec<Spec, Rendered>,
): ExecutorKind {
  const bind = (spec: Spec): ActionRun => ({
    kind: k.name,
    placeholders: () =>
      new Set(k.templates(spec).flatMap((t) => [...t.matchAll(PLACEHOLDER)].map((m) => m[1] as string))),
    problems: () => k.check(spec),
    timeoutSeconds: () => k.timeout(spec),
    render: (fill) => k.render(spec, fill),
    async run(rendered, env, signal) {
      const own = k.rendered.safeParse(rendered);
      if (!own.success)
        return {
          ok: false,
          exitCode: null,
          output: '',
          error: `the proposal holds an action of kind "${rendered.kind}", but the catalog runs it as "${k.name}"`,
        };
      return k.run(own.data, spec, env, signal);
    },
  });
  return {
    name: k.name,
    usage: k.usage,
    manifest: k.schema.transform(bind),
    describe(rendered) {
      const own = k.rendered.safeParse(rendered);
      return own.success ? k.describe(own.data) : null;
    },
  };
}

/** Keeps the last lines that matter: trailing whitespace off, at most 4000 characters for the thread. */
export function trimOutput(text: string, maxChars = 4000): string {
  const t = text.replace(/\s+$/, '');
  return t.length > maxChars ? `…${t.slice(t.length - maxChars + 1)}` : t;
}

// What one evidence tool is: a name, a description and a zod input schema (sent to Claude as JSON Schema),
// `run` (the read itself, through the shared EvidenceContext and only the services the caller may read) and
// optionally `plan` (what the deterministic brain does with the tool when a scout is granted it).
import { z } from 'zod';
import type { ToolName } from '../../domain/tools';
import type { Signal } from '../../evidence/types';
import type { DraftClaim } from '../citations';
import type { EvidenceContext } from '../context';
import type { GateResult } from '../gate';
import type { ToolOutput } from '../types';

export interface ToolEnv {
  ctx: EvidenceContext;
  /** The caller's service scope (already the gate's rule). */
  inScope: (service: string) => boolean;
}

/** What one plan step adds to a deterministic finding. */
export interface PlanOut {
  claims: DraftClaim[];
  /** One sentence for the finding's summary ('' says nothing). */
  summary: string;
  /** The confidence the finding reaches because of this step; absent when it adds none. */
  confidence?: number;
}

/** What a plan step works with; `call` runs the plan's own tool through the scout's gate. */
export interface PlanEnv<In> extends ToolEnv {
  /** A service the person's focus named and the scout may read. */
  service?: string;
  /** The signals the source serves. */
  signals: readonly Signal[];
  call(input: In): Promise<GateResult>;
}

export interface ToolPlan<In> {
  /** Whether the step runs for a scout granted these tools (default: whenever the tool is granted). */
  when?: (granted: readonly ToolName[]) => boolean;
  /** The step runs only when no other step of the scout does. */
  fallback?: boolean;
  run(env: PlanEnv<In>): Promise<PlanOut>;
}

export interface ToolSpec<N extends ToolName, I extends z.ZodObject> {
  name: N;
  description: string;
  input: I;
  run(env: ToolEnv, input: z.output<I>): Promise<ToolOutput>;
  plan?: ToolPlan<z.input<I>>;
}

/** The gate's view of a plan step: it supplies the call. */
export interface RegisteredPlan {
  when?: (granted: readonly ToolName[]) => boolean;
  fallback: boolean;
  run(
    env: Omit<PlanEnv<unknown>, 'call'>,
    call: (name: ToolName, input: unknown) => Promise<GateResult>,
  ): Promise<PlanOut>;
}

/** A registered tool, its input type closed over: callers hand it raw input and it validates. */
export interface Tool<N extends ToolName = ToolName> {
  readonly name: N;
  readonly description: string;
  readonly input: z.ZodObject;
  /** Validates raw input; on success the parsed input and the call that runs the tool on it. */
  prepare(
    raw: unknown,
  ):
    | { ok: true; input: Record<string, unknown>; run: (env: ToolEnv) => Promise<ToolOutput> }
    | { ok: false; error: z.ZodError };
  readonly plan?: RegisteredPlan;
}

/** Declares one tool; register it in src/investigation/tools/index.ts. */
export function defineTool<N extends ToolName, I extends z.ZodObject>(spec: ToolSpec<N, I>): Tool<N> {
  const plan = spec.plan;
  return {
    name: spec.name,
    description: spec.description,
    input: spec.input,
    prepare(raw) {
      const parsed = spec.input.safeParse(raw ?? {});
      if (!parsed.success) return { ok: false, error: parsed.error };
      const input = parsed.data;
      return { ok: true, input, run: (env) => spec.run(env, input) };
    },
    ...(plan
      ? {
          plan: {
            ...(plan.when ? { when: plan.when } : {}),
            fallback: plan.fallback ?? false,
            run: (env, call) => plan.run({ ...env, call: (input) => call(spec.name, input) }),
          },
        }
      : {}),
  };
}

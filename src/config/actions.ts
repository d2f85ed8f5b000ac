import { z } from 'zod';
import { actionRunSchema, type ActionRun } from '../remediation/executors';
import { parseYamlWith } from './format';

const param = z
  .object({
    type: z.enum(['string', 'integer', 'boolean'], { message: 'expected string, integer or boolean' }),
    description: z.string().optional(),
    pattern: z
      .string()
      .refine((p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      }, 'expected a valid regular expression')
      .optional(),
    enum: z
      .array(z.union([z.string(), z.number()]))
      .min(1)
      .optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    /** Where the synthesis may take the value from: the suspected service, its implicated change, ... */
    from: z
      .enum(['suspect.service', 'suspect.change', 'suspect.version', 'suspect.previous_version', 'incident.channel'])
      .optional(),
  })
  .strict();

/** A `run` or `precondition` block: one executor kind's form (src/remediation/executors/), bound to it. */
const run = actionRunSchema;

const approval = z
  .object({
    approvers: z
      .object({
        users: z.array(z.string().regex(/^[UW][A-Z0-9]+$/, 'expected Slack user ids like U012ABCDEF')).default([]),
        usergroups: z
          .array(z.string().regex(/^S[A-Z0-9]+$/, 'expected Slack usergroup ids like S0123ABCD'))
          .default([]),
      })
      .strict()
      .refine((a) => a.users.length + a.usergroups.length > 0, 'expected at least one approver user or usergroup'),
    required: z.number().int().min(1).max(5).optional(),
    allow_requester: z.boolean().default(false),
    expires_after_minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
  })
  .strict();

const action = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_-]{1,47}$/, 'expected a lowercase id: letters, digits, - or _'),
    title: z.string().min(3).max(75),
    description: z.string().min(10),
    risk: z.enum(['low', 'medium', 'high']),
    blast_radius: z.string().min(3),
    params: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), param).default({}),
    run,
    precondition: run.optional(),
    approval,
    /** When the synthesis may propose this action on its own: the top hypothesis implicates a change of one of these kinds. */
    suggest: z
      .object({ change_kinds: z.array(z.enum(['deploy', 'config', 'flag', 'infra'])).min(1) })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    // Every {placeholder} in the run templates must be a declared parameter.
    for (const [key, r] of [
      ['run', a.run],
      ['precondition', a.precondition],
    ] as const) {
      if (!r) continue;
      for (const name of r.placeholders()) {
        if (!(name in a.params))
          ctx.addIssue({ code: 'custom', path: [key], message: `uses {${name}} but params has no "${name}"` });
      }
      for (const p of r.problems()) ctx.addIssue({ code: 'custom', path: [key, ...p.path], message: p.message });
    }
    for (const [name, p] of Object.entries(a.params)) {
      if (p.type !== 'string' && p.pattern)
        ctx.addIssue({
          code: 'custom',
          path: ['params', name, 'pattern'],
          message: 'pattern applies to string parameters only',
        });
      if (p.type === 'string' && !p.pattern && !p.enum) {
        ctx.addIssue({
          code: 'custom',
          path: ['params', name],
          message: 'string parameters need a pattern or an enum (untyped text never reaches a command)',
        });
      }
    }
  });

const manifest = z
  .object({ actions: z.array(action).min(1, 'expected at least one action') })
  .strict()
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.actions.forEach((a, i) => {
      if (seen.has(a.id))
        ctx.addIssue({ code: 'custom', path: ['actions', i, 'id'], message: `duplicate action id "${a.id}"` });
      seen.add(a.id);
    });
  });

export type ActionParamSpec = z.infer<typeof param>;
export type { ActionRun };
export type ActionSpec = z.infer<typeof action>;

/** The approvals an action needs: the manifest's `required`, else 2 for high risk and 1 otherwise. */
export function requiredApprovals(a: ActionSpec): number {
  return a.approval.required ?? (a.risk === 'high' ? 2 : 1);
}

/** Parses manifests/actions.yaml text; returns the catalog or the problems, one line each. */
export function parseActions(text: string, file: string): { actions: ActionSpec[] } | { problems: string[] } {
  const r = parseYamlWith(manifest, text, file);
  return 'problems' in r ? r : { actions: r.data.actions };
}

/**
 * The approver ids the shipped catalog and the demo use (manifests/actions.yaml, src/demo). A real
 * workspace has none of them: a catalog that still names one has not been edited for this team.
 */
export const DEMO_APPROVER_IDS: readonly string[] = ['U0DEMOLEAD', 'U0DEMOSRE', 'U0DEMOGUEST', 'S0ONCALL'];

/** The demo placeholder ids among the catalog's approvers, sorted and unique. */
export function placeholderApprovers(actions: readonly ActionSpec[]): string[] {
  const found = new Set<string>();
  for (const a of actions) {
    for (const id of [...a.approval.approvers.users, ...a.approval.approvers.usergroups]) {
      if (DEMO_APPROVER_IDS.includes(id)) found.add(id);
    }
  }
  return [...found].sort();
}

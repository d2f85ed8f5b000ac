import { z } from 'zod';
import { TOOL_NAMES } from '../domain/tools';
import { parseYamlWith } from './format';

const budget = z
  .object({
    max_tool_calls: z.number().int().min(1, 'expected an integer >= 1').max(200),
    max_turns: z.number().int().min(1, 'expected an integer >= 1').max(50),
    max_seconds: z.number().int().min(5, 'expected an integer >= 5 (seconds)').max(3600),
    max_output_tokens: z.number().int().min(256, 'expected an integer >= 256').max(64000),
  })
  .strict();

const scout = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'expected a lowercase name: letters, digits, - or _ (max 32)'),
    purpose: z.string().min(10, 'expected a sentence saying what this scout looks for'),
    tools: z
      .array(z.enum(TOOL_NAMES, { message: `expected one of ${TOOL_NAMES.join(', ')}` }))
      .min(1, 'expected at least one tool'),
    scope: z
      .object({
        services: z.array(z.string().min(1)).min(1, 'expected service names, or ["*"] for all'),
        sources: z.array(z.string().min(1)).min(1, 'expected source names (files, prometheus, loki), or ["*"]'),
      })
      .strict(),
    budget,
    model: z.string().min(1).optional(),
  })
  .strict();

const manifest = z
  .object({
    scouts: z
      .array(scout)
      .min(1, 'expected at least one scout')
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((s, i) => {
          if (seen.has(s.name))
            ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate scout name "${s.name}"` });
          seen.add(s.name);
        });
      }),
  })
  .strict();

export type ScoutBudget = z.infer<typeof budget>;
export type ScoutManifest = z.infer<typeof scout>;

/** Parses manifests/scouts.yaml text; returns the scouts or the problems, one line each. */
export function parseScouts(text: string, file: string): { scouts: ScoutManifest[] } | { problems: string[] } {
  const r = parseYamlWith(manifest, text, file);
  return 'problems' in r ? r : { scouts: r.data.scouts };
}

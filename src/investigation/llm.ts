// Shared pieces of the Claude brain: turning SDK errors into fallback reasons, tool definitions from zod.
import Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { ToolName } from '../domain/tools';
import { toolFor, toolJsonSchema } from './tools';

/** The model could not be used (after the SDK's own retries); the scout falls back to its deterministic plan. */
export class LlmFault extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'LlmFault';
  }
}

/** A short, user-facing reason for an SDK error (branching on the SDK's classes, never on messages). */
export function faultReason(err: unknown): string | null {
  if (err instanceof Anthropic.APIUserAbortError) return null; // our own stop, not a fault
  if (err instanceof Anthropic.APIConnectionTimeoutError) return 'the Claude API timed out';
  if (err instanceof Anthropic.APIConnectionError) return 'the Claude API could not be reached';
  if (err instanceof Anthropic.RateLimitError) return 'the Claude API rate-limited us (429) after retries';
  if (err instanceof Anthropic.APIError && err.status === 529)
    return 'the Claude API was overloaded (529) after retries';
  if (err instanceof Anthropic.InternalServerError) return `the Claude API failed (${err.status}) after retries`;
  if (err instanceof Anthropic.APIError) return `the Claude API refused the request (${err.status ?? 'no status'})`;
  return null;
}

/** A Claude tool definition from a zod schema ($schema dropped: the API wants the bare object schema). */
export function toolDef(name: string, description: string, schema: Record<string, unknown>): Anthropic.Tool {
  const { $schema: _drop, ...rest } = schema;
  void _drop;
  return { name, description, input_schema: { type: 'object', ...rest } };
}

/** Definitions of the gate's tools a scout may call. */
export function gateToolDefs(tools: readonly ToolName[]): Anthropic.Tool[] {
  return tools.map(toolFor).map((tool) => toolDef(tool.name, tool.description, toolJsonSchema(tool)));
}

export const reportFindingsInput = z
  .object({
    summary: z.string().min(1).max(1000),
    confidence: z.number().min(0).max(1),
    claims: z
      .array(
        z
          .object({
            text: z.string().min(1).max(600),
            evidence: z.array(z.string().max(16)).max(12).describe('Evidence ids from tool results, e.g. ["E3", "E7"]'),
            service: z.string().max(80).optional(),
          })
          .strict(),
      )
      .max(10),
  })
  .strict();

export const REPORT_FINDINGS: Anthropic.Tool = toolDef(
  'report_findings',
  'Report what you found and stop. Every claim must cite the evidence ids (E…) from tool results that support it.',
  z.toJSONSchema(reportFindingsInput) as Record<string, unknown>,
);

export const submitHypothesesInput = z
  .object({
    summary: z.string().min(1).max(1000),
    hypotheses: z
      .array(
        z
          .object({
            service: z.string().min(1).max(80),
            cause: z.string().min(1).max(500),
            confidence: z.number().min(0).max(1),
            evidence: z.array(z.string().max(16)).max(12),
            against: z.array(z.string().max(300)).max(8).optional(),
            change: z.string().max(120).nullable().optional(),
          })
          .strict(),
      )
      .max(5),
    red_herrings: z
      .array(
        z
          .object({ what: z.string().max(300), why: z.string().max(500), evidence: z.array(z.string().max(16)).max(6) })
          .strict(),
      )
      .max(6),
  })
  .strict();

export const SUBMIT_HYPOTHESES: Anthropic.Tool = toolDef(
  'submit_hypotheses',
  'Submit ranked root-cause hypotheses (most likely first) with evidence ids for and against, and name the red herrings.',
  z.toJSONSchema(submitHypothesesInput) as Record<string, unknown>,
);

/** Input, output tokens of a response (cache reads and writes count as input). */
export function tokensOf(usage: Anthropic.Usage): { input: number; output: number } {
  return {
    input: usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0),
    output: usage.output_tokens,
  };
}

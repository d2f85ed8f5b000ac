// The Claude brain for one scout: a manual tool-use loop with the Anthropic SDK. Tools come from zod
// schemas; parallel tool calls are answered in one user message (tool_result blocks first); the system
// prompt and the last tool carry cache_control; every stop_reason is handled; the loop ends with a
// `report_findings` call. Faults raise LlmFault so the runner falls back to the deterministic plan.
import Anthropic from '@anthropic-ai/sdk';
import { BudgetSpent } from '../domain/errors';
import type { DraftClaim } from './citations';
import type { FindingDraft } from './deterministic';
import { throwIfStopped } from './errors';
import { UNTRUSTED_DATA_RULES, type ToolGate } from './gate';
import { faultReason, gateToolDefs, LlmFault, REPORT_FINDINGS, reportFindingsInput, tokensOf } from './llm';

export interface ClaudeScoutOptions {
  client: Anthropic;
  model: string;
  gate: ToolGate;
  /** Investigation context for the first user message: window, incident, focus. */
  brief: string;
  signal?: AbortSignal;
}

type Block = Anthropic.ContentBlockParam;

/** Runs the loop until report_findings; throws LlmFault, BudgetSpent (no report possible) or RoundStopped. */
export async function runClaudeScout(opts: ClaudeScoutOptions): Promise<FindingDraft> {
  const { client, model, gate } = opts;
  const scout = gate.scout;
  const tools: Anthropic.Tool[] = [...gateToolDefs(gate.allowedTools()), REPORT_FINDINGS];
  // Cache breakpoint on the last tool: tools and system prompt form a stable prefix across turns and scouts.
  const last = tools[tools.length - 1] as Anthropic.Tool;
  tools[tools.length - 1] = { ...last, cache_control: { type: 'ephemeral' } };
  const system: Anthropic.TextBlockParam[] = [
    {
      type: 'text',
      text:
        `You are the "${scout.name}" scout of an incident investigation. ${scout.purpose}\n` +
        `You may only use your tools; they are read-only and scoped. ${UNTRUSTED_DATA_RULES}\n` +
        'Work in few steps: call tools (in parallel when independent), then call report_findings once. ' +
        'Keep claims short and factual; every claim cites the evidence ids that support it; say which ' +
        'signals were already present before the onset (red herrings).',
      cache_control: { type: 'ephemeral' },
    },
  ];
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: opts.brief }];
  const perTurn = Math.min(2048, scout.budget.max_output_tokens);
  let nudged = false;
  let invalid = 0;
  let forced = false;

  for (;;) {
    throwIfStopped(opts.signal);
    const spent = gate.spentReason();
    if (spent && forced) throw new BudgetSpent(`${scout.name}: ${spent}`);
    if (spent) forced = true; // one last turn, forced to report with what it has
    let resp: Anthropic.Message;
    try {
      resp = await client.messages.create(
        {
          model,
          max_tokens: perTurn,
          system,
          tools,
          messages,
          ...(forced ? { tool_choice: { type: 'tool' as const, name: 'report_findings' } } : {}),
        },
        opts.signal ? { signal: opts.signal } : {},
      );
    } catch (err) {
      throwIfStopped(opts.signal);
      const reason = faultReason(err);
      if (reason) throw new LlmFault(reason, { cause: err });
      throw err;
    }
    const t = tokensOf(resp.usage);
    gate.countTurn(t.input, t.output);
    messages.push({ role: 'assistant', content: resp.content });
    const uses = resp.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');

    switch (resp.stop_reason) {
      case 'refusal':
        throw new LlmFault('the model declined to continue (refusal)');
      case 'pause_turn':
        // The API paused a long turn; sending the conversation back as it is lets it continue.
        continue;
      case 'max_tokens': {
        const results = uses.map((u) => toolError(u.id, 'output was cut at max_tokens; this call was not run'));
        messages.push({
          role: 'user',
          content: [
            ...results,
            {
              type: 'text',
              text: 'Your output was cut off. Call report_findings now, concisely (at most 5 short claims).',
            },
          ],
        });
        continue;
      }
      case 'tool_use': {
        const report = uses.find((u) => u.name === 'report_findings');
        if (report) {
          const parsed = reportFindingsInput.safeParse(report.input);
          if (parsed.success) return toDraft(parsed.data);
          invalid++;
          if (invalid >= 2) throw new LlmFault('the model sent malformed report_findings input twice');
        }
        const results: Block[] = [];
        let budgetHit = false;
        // Parallel tool calls run together and are all answered in ONE user message, tool_result blocks first.
        const answers = await Promise.all(
          uses.map(async (u): Promise<Anthropic.ToolResultBlockParam> => {
            if (u.name === 'report_findings') {
              return toolError(
                u.id,
                `invalid input: ${report && !reportFindingsInput.safeParse(u.input).success ? issues(u.input) : 'ignored'}`,
              );
            }
            try {
              const r = await gate.call(u.name, u.input);
              if (r.code === 'invalid_input') invalid++;
              return {
                type: 'tool_result',
                tool_use_id: u.id,
                content: r.text,
                ...(r.isError ? { is_error: true } : {}),
              };
            } catch (err) {
              if (err instanceof BudgetSpent) {
                budgetHit = true;
                return toolError(u.id, `${err.userMessage}. Call report_findings now with what you have.`);
              }
              throw err;
            }
          }),
        );
        if (invalid >= 2) throw new LlmFault('the model sent malformed tool input twice');
        results.push(...answers);
        if (budgetHit) results.push({ type: 'text', text: 'Budget spent: call report_findings now.' });
        messages.push({ role: 'user', content: results });
        continue;
      }
      default: {
        // end_turn / stop_sequence / anything new: the scout must end with report_findings; nudge once.
        if (nudged)
          throw new LlmFault(`the model stopped (${resp.stop_reason ?? 'no reason'}) without calling report_findings`);
        nudged = true;
        const results = uses.map((u) => toolError(u.id, 'not run'));
        messages.push({
          role: 'user',
          content: [
            ...results,
            { type: 'text', text: 'Please call report_findings now; every claim must cite evidence ids.' },
          ],
        });
      }
    }
  }
}

function toolError(id: string, text: string): Anthropic.ToolResultBlockParam {
  return { type: 'tool_result', tool_use_id: id, content: `error: ${text}`, is_error: true };
}

function issues(input: unknown): string {
  const r = reportFindingsInput.safeParse(input);
  return r.success ? 'ok' : r.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
}

function toDraft(input: {
  summary: string;
  confidence: number;
  claims: Array<{ text: string; evidence: string[]; service?: string | undefined }>;
}): FindingDraft {
  const claims: DraftClaim[] = input.claims.map((c) => ({
    text: c.text,
    evidence: c.evidence.map((e) =>
      e
        .trim()
        .replace(/^\[|\]$/g, '')
        .toUpperCase(),
    ),
    ...(c.service ? { service: c.service } : {}),
  }));
  return { summary: input.summary, confidence: input.confidence, claims };
}

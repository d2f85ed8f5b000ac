// The lead's synthesis with Claude: one forced `submit_hypotheses` call over the scouts' findings, with the
// deterministic ranking given as a check. Ids the scouts' gates never issued are dropped and noted.
import Anthropic from '@anthropic-ai/sdk';
import type { Finding, Hypothesis, Synthesis } from '../domain/types';
import type { Ranking } from '../evidence/analyzers/ranking';
import { UNTRUSTED_DATA_RULES, wrapUntrusted } from './gate';
import { faultReason, LlmFault, SUBMIT_HYPOTHESES, submitHypothesesInput, tokensOf } from './llm';

export interface ClaudeLeadOptions {
  client: Anthropic;
  model: string;
  investigationId: string;
  findings: readonly Finding[];
  ranking: Ranking;
  partial: boolean;
  focus?: string;
  signal?: AbortSignal;
}

/** Asks the lead model for ranked hypotheses; throws LlmFault when it cannot (the caller falls back). */
export async function synthesizeWithClaude(
  opts: ClaudeLeadOptions,
): Promise<{ synthesis: Synthesis; input: number; output: number }> {
  const issued = new Set(opts.findings.flatMap((f) => f.evidence.map((e) => e.id)));
  const findingsText = opts.findings
    .map((f) => {
      const claims = f.claims
        .map((c) => `- (${c.status}${c.note ? `: ${c.note}` : ''}) ${c.text} [${c.evidence.join(', ')}]`)
        .join('\n');
      const ev = f.evidence
        .slice(0, 20)
        .map((e) => `[${e.id}] ${e.excerpt}`)
        .join('\n');
      return `## Scout ${f.scout} (${f.brain}${f.fallbackReason ? `, fell back: ${f.fallbackReason}` : ''}), confidence ${f.confidence}\n${f.summary}\n${claims}\nEvidence:\n${ev}`;
    })
    .join('\n\n');
  const rankingText = opts.ranking.suspects
    .slice(0, 6)
    .map(
      (s, i) =>
        `${i + 1}. ${s.service} score ${s.score}: ${s.reason}${s.against.length ? ` (against: ${s.against.join('; ')})` : ''}`,
    )
    .concat(opts.ranking.redHerrings.slice(0, 6).map((r) => `red herring: ${r.what}: ${r.why}`))
    .join('\n');
  const system: Anthropic.TextBlockParam[] = [
    {
      type: 'text',
      text:
        "You are the lead of an incident investigation. Rank root-cause hypotheses from the scouts' findings. " +
        'Cite only evidence ids that appear in the findings. Prefer verified claims; treat unverified and ' +
        `contradicted ones with care. Name red herrings. ${UNTRUSTED_DATA_RULES}`,
      cache_control: { type: 'ephemeral' },
    },
  ];
  // Every part built from evidence or people's words is data between markers: the ranking quotes change
  // summaries and log templates as written, and the focus is what someone typed in the channel.
  const user =
    (opts.focus ? `A person asked to focus on:\n${wrapUntrusted(opts.focus, 'focus')}\n\n` : '') +
    `Findings:\n${wrapUntrusted(findingsText, 'findings')}\n\nDeterministic ranking (a check, from the analyzers):\n` +
    `${rankingText ? wrapUntrusted(rankingText, 'ranking') : '(no suspects)'}\n\nCall submit_hypotheses.`;
  let resp: Anthropic.Message;
  try {
    resp = await opts.client.messages.create(
      {
        model: opts.model,
        max_tokens: 2048,
        system,
        tools: [{ ...SUBMIT_HYPOTHESES, cache_control: { type: 'ephemeral' } }],
        tool_choice: { type: 'tool', name: 'submit_hypotheses' },
        messages: [{ role: 'user', content: user }],
      },
      opts.signal ? { signal: opts.signal } : {},
    );
  } catch (err) {
    const reason = faultReason(err);
    if (reason) throw new LlmFault(reason, { cause: err });
    throw err;
  }
  const t = tokensOf(resp.usage);
  if (resp.stop_reason === 'refusal') throw new LlmFault('the lead model declined (refusal)');
  const use = resp.content.find(
    (b): b is Anthropic.ToolUseBlock => b.type === 'tool_use' && b.name === 'submit_hypotheses',
  );
  if (!use) throw new LlmFault(`the lead model did not submit hypotheses (${resp.stop_reason ?? 'no reason'})`);
  const parsed = submitHypothesesInput.safeParse(use.input);
  if (!parsed.success) throw new LlmFault('the lead model sent malformed hypotheses');
  const known = (ids: string[]): string[] => ids.filter((id) => issued.has(id));
  const hypotheses: Hypothesis[] = parsed.data.hypotheses.map((h, i) => {
    const unknown = h.evidence.filter((id) => !issued.has(id));
    return {
      rank: i + 1,
      service: h.service,
      cause: h.cause,
      confidence: Math.round(h.confidence * 100) / 100,
      evidence: known(h.evidence),
      against: [
        ...(h.against ?? []).map((a) => (/^E\d+$/.test(a) ? a : `!${a}`)),
        ...(unknown.length ? [`!cited ${unknown.join(', ')}, never issued`] : []),
      ],
      change: h.change ?? null,
    };
  });
  const synthesis: Synthesis = {
    investigationId: opts.investigationId,
    hypotheses,
    redHerrings: parsed.data.red_herrings.map((r) => ({ what: r.what, why: r.why, evidence: known(r.evidence) })),
    summary: parsed.data.summary,
    partial: opts.partial,
  };
  return { synthesis, input: t.input, output: t.output };
}

// The scout's tool-use loop with the real SDK against the Anthropic fake: every stop_reason handled.
import Anthropic from '@anthropic-ai/sdk';
import type { ScoutManifest } from '../../../src/config';
import { lastToolResults, startAnthropicFake, type RunningAnthropicFake } from '../../support/anthropic-fake';
import { runClaudeScout } from '../../../src/investigation/claude';
import { EvidenceContext } from '../../../src/investigation/context';
import { ToolGate } from '../../../src/investigation/gate';
import { LlmFault } from '../../../src/investigation/llm';
import { MemoryStore } from '../../../src/store/memory';
import { NOW, ONSET, T0, tinySource } from './source';

let llm: RunningAnthropicFake;
let client: Anthropic;

beforeAll(async () => {
  llm = await startAnthropicFake();
  client = new Anthropic({
    apiKey: 'sk-ant-test-000000000000000000000',
    baseURL: llm.url,
    maxRetries: 0,
    timeout: 5000,
  });
});
afterAll(async () => {
  await llm.close();
});
beforeEach(() => llm.fake.reset());

function gate(budget: Partial<ScoutManifest['budget']> = {}, services = ['*']): ToolGate {
  const m: ScoutManifest = {
    name: 'logs',
    purpose: 'Finds new log templates.',
    tools: ['logs_patterns', 'logs_search'],
    scope: { services, sources: ['*'] },
    budget: { max_tool_calls: 8, max_turns: 6, max_seconds: 90, max_output_tokens: 4000, ...budget },
  };
  const ctx = new EvidenceContext(tinySource(), { from: T0, onset: ONSET, to: NOW });
  return new ToolGate(m, {
    store: new MemoryStore(),
    incidentId: 'C1',
    investigationId: 'inv-1',
    ctx,
    clock: { now: () => new Date() },
  });
}

const report = (
  claims: Array<{ text: string; evidence: string[] }> = [{ text: 'payments errors are new', evidence: ['E1'] }],
) => ({
  content: [
    { type: 'tool_use' as const, name: 'report_findings', input: { summary: 'done', confidence: 0.7, claims } },
  ],
});
const run = (g: ToolGate) => runClaudeScout({ client, model: 'claude-haiku-5-5', gate: g, brief: 'Investigate.' });

describe('runClaudeScout', () => {
  it('answers parallel tool calls in one user message and ends with report_findings', async () => {
    llm.fake.script([
      {
        content: [
          { type: 'tool_use', name: 'logs_patterns', input: { label: 'new' } },
          { type: 'tool_use', name: 'logs_search', input: { query: 'authorization' } },
        ],
        usage: { input_tokens: 500, output_tokens: 40 },
      },
      { ...report(), usage: { input_tokens: 900, output_tokens: 60 } },
    ]);
    const g = gate();
    const draft = await run(g);
    expect(draft.claims).toEqual([{ text: 'payments errors are new', evidence: ['E1'] }]);
    const results = lastToolResults(llm.fake.requests[1]!);
    expect(results).toHaveLength(2);
    expect(results[0]!.text).toMatch(/^<<untrusted-data nonce=/);
    expect(g.usage).toMatchObject({ toolCalls: 2, turns: 2, inputTokens: 1400, outputTokens: 100 });
    expect(llm.fake.exchanges.every((e) => e.status === 200)).toBe(true);
  });

  it('returns an out-of-scope call to the model as an error result', async () => {
    llm.fake.script([
      { content: [{ type: 'tool_use', name: 'logs_patterns', input: { service: 'payments' } }] },
      report([]),
    ]);
    await run(gate({}, ['checkout']));
    const [r] = lastToolResults(llm.fake.requests[1]!);
    expect(r).toMatchObject({ is_error: true });
    expect(r!.text).toMatch(/refused: service "payments" is outside the scope of scout logs/);
    // Only granted tools are offered to the model in the first place.
    const tools = (llm.fake.requests[0]!.body['tools'] as Array<{ name: string }>).map((t) => t.name);
    expect(tools).toEqual(['logs_patterns', 'logs_search', 'report_findings']);
  });

  it('resends on pause_turn to let the model continue', async () => {
    llm.fake.script([{ content: [{ type: 'text', text: 'thinking…' }], stop_reason: 'pause_turn' }, report()]);
    await run(gate());
    const second = llm.fake.requests[1]!.body as { messages: Array<{ role: string }> };
    expect(second.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('asks for a concise report after max_tokens', async () => {
    llm.fake.script([{ content: [{ type: 'text', text: 'a very long' }], stop_reason: 'max_tokens' }, report()]);
    await run(gate());
    expect(JSON.stringify(llm.fake.requests[1]!.body)).toContain('Call report_findings now, concisely');
  });

  it('nudges once when the model ends its turn without reporting, then gives up', async () => {
    llm.fake.script([
      { content: [{ type: 'text', text: 'I think it is payments.' }], stop_reason: 'end_turn' },
      report(),
    ]);
    await expect(run(gate())).resolves.toMatchObject({ summary: 'done' });
    llm.fake.reset();
    llm.fake.script([{ content: [{ type: 'text', text: 'a' }] }, { content: [{ type: 'text', text: 'b' }] }]);
    await expect(run(gate())).rejects.toThrow(/stopped \(end_turn\) without calling report_findings/);
  });

  it('treats a refusal as a fault to fall back from', async () => {
    llm.fake.script([{ content: [{ type: 'text', text: 'no' }], stop_reason: 'refusal' }]);
    await expect(run(gate())).rejects.toBeInstanceOf(LlmFault);
  });

  it('gives the model one chance to fix malformed input, then falls back', async () => {
    llm.fake.script([
      { content: [{ type: 'tool_use', name: 'logs_search', input: { query: 5 } }] },
      { content: [{ type: 'tool_use', name: 'report_findings', input: { summary: 'x' } }] },
    ]);
    await expect(run(gate())).rejects.toThrow(/malformed/);
    expect(lastToolResults(llm.fake.requests[1]!)[0]!.text).toMatch(/invalid input for logs_search/);
  });

  it('forces report_findings when the turn budget is spent', async () => {
    llm.fake.script([{ content: [{ type: 'tool_use', name: 'logs_patterns', input: {} }] }, report()]);
    await run(gate({ max_turns: 1 }));
    expect(llm.fake.requests[1]!.body['tool_choice']).toEqual({ type: 'tool', name: 'report_findings' });
  });

  it('turns a 529 into an LlmFault with a reason people can read', async () => {
    llm.fake.script([{ status: 529 }]);
    await expect(run(gate())).rejects.toMatchObject({ reason: 'the Claude API was overloaded (529) after retries' });
    llm.fake.script([{ status: 429, retryAfter: 0 }]);
    await expect(run(gate())).rejects.toMatchObject({ reason: 'the Claude API rate-limited us (429) after retries' });
  });

  it('turns a client timeout (after the SDK retries) into an LlmFault', async () => {
    const slow = new Anthropic({
      apiKey: 'sk-ant-test-000000000000000000000',
      baseURL: llm.url,
      maxRetries: 0,
      timeout: 150,
    });
    llm.fake.script([{ delayMs: 1000, then: report() }]);
    await expect(
      runClaudeScout({ client: slow, model: 'claude-haiku-5-5', gate: gate(), brief: 'Investigate.' }),
    ).rejects.toMatchObject({ reason: 'the Claude API timed out' });
  });
});

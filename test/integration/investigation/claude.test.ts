// The Claude brain with the real SDK against the project's Anthropic fake: citations checked against the
// ids the gates issued, and a run of 529s falling back to the deterministic plan, said so in the thread.
import {
  lastToolResults,
  startAnthropicFake,
  type RecordedRequest,
  type RunningAnthropicFake,
  type ScriptedReply,
} from '../../support/anthropic-fake';
import { startSlackFake, type RunningSlackFake } from '../../../src/demo/slack-fake';
import { fakeAnthropic, makeHarness, readable } from './harness';

let slack: RunningSlackFake;
let llm: RunningAnthropicFake;

beforeAll(async () => {
  slack = await startSlackFake();
  llm = await startAnthropicFake();
});

afterAll(async () => {
  await llm.close();
  await slack.close();
});

beforeEach(() => {
  llm.fake.reset();
});

interface Body {
  system?: Array<{ text: string }>;
  messages: Array<{ role: string }>;
  tool_choice?: { name?: string };
}

const MAIN_TOOL: Record<string, string> = {
  logs: 'logs_patterns',
  metrics: 'metrics_anomalies',
  changes: 'changes_list',
};

/** A scout conversation: call its main tool, then report one claim on a real id and one on E999. */
function scriptedScouts(req: RecordedRequest): ScriptedReply {
  const body = req.body as unknown as Body;
  const sys = body.system?.[0]?.text ?? '';
  const usage = { input_tokens: 1200, output_tokens: 150 };
  if (sys.includes('lead of an incident')) {
    return {
      content: [
        {
          type: 'tool_use',
          name: 'submit_hypotheses',
          input: {
            summary: 'payments deploy',
            hypotheses: [{ service: 'payments', cause: 'bad deploy', confidence: 0.8, evidence: ['E1'] }],
            red_herrings: [],
          },
        },
      ],
      usage: { input_tokens: 3000, output_tokens: 300 },
    };
  }
  const scout = /the "(\w+)" scout/.exec(sys)?.[1] ?? 'logs';
  const turns = body.messages.filter((m) => m.role === 'assistant').length;
  if (turns === 0)
    return {
      content: [
        { type: 'text', text: 'Looking.' },
        { type: 'tool_use', name: MAIN_TOOL[scout] ?? 'topology', input: {} },
      ],
      usage,
    };
  const seen = /\[(E\d+)\]/.exec(lastToolResults(req)[0]?.text ?? '')?.[1] ?? 'E1';
  return {
    content: [
      {
        type: 'tool_use',
        name: 'report_findings',
        input: {
          summary: `${scout} report`,
          confidence: 0.7,
          claims: [
            { text: `${scout}: the first item is notable`, evidence: [seen] },
            { text: `${scout}: payments is the root cause`, evidence: ['E999'], service: 'payments' },
          ],
        },
      },
    ],
    usage,
  };
}

it('shows a claim citing an evidence id no gate issued as unverified', async () => {
  llm.fake.respondWith(scriptedScouts);
  const h = makeHarness(slack, { anthropic: fakeAnthropic(llm.url) });
  await h.svc.start({ incident: h.incident, trigger: 'channel_created' });
  await h.queue.drain(60_000);

  expect(llm.fake.exchanges.every((e) => e.status === 200)).toBe(true);
  const card = slack.fake.messages(h.channel)[0]!;
  const findings = card.replies.filter((r) => /^Scout /.test(r.text));
  expect(findings).toHaveLength(3);
  for (const f of findings) {
    const text = readable(f);
    expect(text).toMatch(/unverified · [a-z]+: payments is the root cause `E999`/);
    expect(text).toContain("cites E999, which this scout's tool gate never issued");
    expect(text).toMatch(/:white_check_mark: verified · [a-z]+: the first item is notable `E\d+`/);
  }
  // Tokens are counted into the status card against the budget.
  expect(readable(card)).toMatch(/tokens 2\.4k in \/ 300 of 4\.0k out/);
  // Prompt caching on the system prompt and the last tool; tools from zod schemas.
  const first = llm.fake.requests[0]!.body as {
    system: Array<{ cache_control?: unknown }>;
    tools: Array<{ name: string; cache_control?: unknown; input_schema: { type: string } }>;
  };
  expect(first.system[0]!.cache_control).toEqual({ type: 'ephemeral' });
  expect(first.tools[first.tools.length - 1]).toMatchObject({
    name: 'report_findings',
    cache_control: { type: 'ephemeral' },
  });
  expect(first.tools.every((t) => t.input_schema.type === 'object')).toBe(true);
  const synthesis = card.replies.find((r) => r.metadata?.event_type === 'incident_scout_hypotheses')!;
  expect((synthesis.metadata!.event_payload as { hypotheses: Array<{ service: string }> }).hypotheses[0]!.service).toBe(
    'payments',
  );
  await h.queue.close();
});

it('falls back to the deterministic plan on a run of 529s and says so in the thread', async () => {
  llm.fake.respondWith(() => ({ status: 529, type: 'overloaded_error', message: 'Overloaded' }));
  const h = makeHarness(slack, { anthropic: fakeAnthropic(llm.url) });
  await h.svc.start({ incident: h.incident, trigger: 'channel_created' });
  await h.queue.drain(60_000);

  // The SDK retried (maxRetries 1) before we gave up: two requests per scout, one more pair for the lead.
  expect(llm.fake.exchanges.length).toBe(8);
  const card = slack.fake.messages(h.channel)[0]!;
  const findings = card.replies.filter((r) => /^Scout /.test(r.text));
  expect(findings).toHaveLength(3);
  for (const f of findings) {
    expect(readable(f)).toContain(
      'Fell back to the deterministic plan: the Claude API was overloaded (529) after retries',
    );
    // The finding says which brain wrote it: the deterministic analyzers, not Claude.
    expect(readable(f)).toContain('deterministic analyzers');
  }
  expect(readable(card)).toMatch(/\*logs\* fallback/);
  expect(card.replies.some((r) => /The lead fell back to the deterministic ranking/.test(r.text))).toBe(true);
  const synthesis = card.replies.find((r) => r.metadata?.event_type === 'incident_scout_hypotheses')!;
  expect((synthesis.metadata!.event_payload as { hypotheses: Array<{ service: string }> }).hypotheses[0]!.service).toBe(
    'payments',
  );
  await h.queue.close();
});

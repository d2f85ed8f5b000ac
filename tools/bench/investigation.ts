// Benchmark of the investigation path on the example scenario, through the whole app: a signed
// `channel_created` event to the app's HTTP endpoint -> kickoff message -> status card -> synthesis reply
// (deterministic brain, MemoryStore, in-process queue, Slack fake). Then the same with the Claude brain
// against the Anthropic fake (scripted scouts), counting input and output tokens per investigation.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Anthropic from '@anthropic-ai/sdk';
import { DEFAULT_SCENARIO, loadConfig } from '../../src/config';
import {
  lastToolResults,
  startAnthropicFake,
  type RecordedRequest,
  type ScriptedReply,
} from '../../test/support/anthropic-fake';
import { SlackEventClient, startSlackFake } from '../../src/demo/slack-fake';
import { silentLogger } from '../../src/logging';
import { buildRuntime } from '../../src/main';
import { MemoryStore } from '../../src/store/memory';

const RUNS = 3;

interface Timing {
  kickoffMs: number;
  cardMs: number;
  synthesisMs: number;
  inputTokens: number;
  outputTokens: number;
  llmRequests: number;
}

/** A scripted scout/lead conversation for the Anthropic fake: one tool call, then a cited report. */
function scripted(req: RecordedRequest): ScriptedReply {
  const body = req.body as {
    system?: Array<{ text?: string }>;
    messages?: Array<{ role?: string }>;
    tools?: Array<{ name?: string }>;
  };
  const sys = body.system?.[0]?.text ?? '';
  if (sys.includes('lead of an incident')) {
    return {
      content: [
        {
          type: 'tool_use',
          name: 'submit_hypotheses',
          input: {
            summary: 'payments deploy',
            hypotheses: [{ service: 'payments', cause: 'deploy v4.2.0', confidence: 0.8, evidence: [] }],
            red_herrings: [],
          },
        },
      ],
    };
  }
  const turns = (body.messages ?? []).filter((m) => m.role === 'assistant').length;
  const first = body.tools?.[0]?.name ?? 'topology';
  if (turns === 0) return { content: [{ type: 'tool_use', name: first, input: {} }] };
  const id = /\[(E\d+)\]/.exec(lastToolResults(req)[0]?.text ?? '')?.[1] ?? 'E1';
  return {
    content: [
      {
        type: 'tool_use',
        name: 'report_findings',
        input: {
          summary: 'report',
          confidence: 0.6,
          claims: [{ text: 'the first item moved at the onset', evidence: [id] }],
        },
      },
    ],
  };
}

async function once(withClaude: boolean): Promise<Timing> {
  const slack = await startSlackFake();
  const llm = withClaude ? await startAnthropicFake() : null;
  llm?.fake.respondWith(scripted);
  const signingSecret = randomBytes(16).toString('hex');
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: slack.fake.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.url,
      EVIDENCE_DIR: DEFAULT_SCENARIO,
      LOG_LEVEL: 'silent',
    },
    { requireSlack: true },
  );
  const anthropic = llm
    ? new Anthropic({ apiKey: 'sk-ant-bench-000000000000000000000', baseURL: llm.url, maxRetries: 0, timeout: 10_000 })
    : undefined;
  const runtime = buildRuntime(config, {
    logger: silentLogger(),
    store: new MemoryStore(),
    host: '127.0.0.1',
    ...(anthropic ? { anthropic } : {}),
  });
  try {
    const { port } = await runtime.built.start(0);
    const client = new SlackEventClient({
      appUrl: `http://127.0.0.1:${port}/slack/events`,
      signingSecret,
      fake: slack.fake,
    });
    const t0 = performance.now();
    const { channelId } = await client.openIncidentChannel(`inc-bench-${randomBytes(3).toString('hex')}`, 'U0HUMAN001');
    await slack.fake.waitFor((f) => f.messages(channelId).length > 0, 30_000, 'the kickoff');
    const kickoffMs = performance.now() - t0;
    const isCard = (t: string): boolean => /Investigation · round/.test(t);
    await slack.fake.waitFor((f) => f.messages(channelId).some((m) => isCard(m.text)), 30_000, 'the status card');
    const cardMs = performance.now() - t0;
    await slack.fake.waitFor(
      (f) =>
        f
          .messages(channelId)
          .some((m) => m.replies.some((r) => r.metadata?.event_type === 'incident_scout_hypotheses')),
      60_000,
      'the synthesis',
    );
    const synthesisMs = performance.now() - t0;
    await runtime.queue.drain(60_000);
    const usage = llm?.fake.usageTotals();
    return {
      kickoffMs,
      cardMs,
      synthesisMs,
      inputTokens: usage ? usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens : 0,
      outputTokens: usage?.output_tokens ?? 0,
      llmRequests: llm?.fake.exchanges.length ?? 0,
    };
  } finally {
    await runtime.close();
    await llm?.close();
    await slack.close();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Runs the benchmark; figures are medians over RUNS fresh runtimes. */
export async function benchInvestigation(): Promise<Record<string, string | number>> {
  const det: Timing[] = [];
  for (let i = 0; i < RUNS; i++) det.push(await once(false));
  const llm: Timing[] = [];
  for (let i = 0; i < RUNS; i++) llm.push(await once(true));
  const ms = (xs: number[]): number => Math.round(median(xs));
  return {
    'investigation.measured_from': 'signed channel_created event to the app (Slack fake)',
    'investigation.deterministic.kickoff_ms': ms(det.map((t) => t.kickoffMs)),
    'investigation.deterministic.status_card_ms': ms(det.map((t) => t.cardMs)),
    'investigation.deterministic.synthesis_ms': ms(det.map((t) => t.synthesisMs)),
    'investigation.claude_fake.synthesis_ms': ms(llm.map((t) => t.synthesisMs)),
    'investigation.claude_fake.llm_requests': median(llm.map((t) => t.llmRequests)),
    'investigation.claude_fake.input_tokens': median(llm.map((t) => t.inputTokens)),
    'investigation.claude_fake.output_tokens': median(llm.map((t) => t.outputTokens)),
  };
}

if (require.main === module) {
  benchInvestigation().then(
    (r) => {
      for (const [k, v] of Object.entries(r)) process.stdout.write(`${k}: ${v}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

// The model API overloaded (529) and hanging past the client timeout: every scout and the lead fall back
// to the deterministic plan, the thread says so and why, and the synthesis still names the root cause.
import { loadConfig } from '../../src/config';
import {
  startAnthropicFake,
  type RecordedRequest,
  type RunningAnthropicFake,
  type ScriptedReply,
} from '../support/anthropic-fake';
import { SlackEventClient, startSlackFake, type RunningSlackFake } from '../../src/demo/slack-fake';
import { silentLogger } from '../../src/logging';
import { buildRuntime, type Runtime } from '../../src/main';
import { MemoryStore } from '../../src/store/memory';
import {
  addPeople,
  appEnv,
  competentModel,
  conversationOf,
  findingScout,
  isSynthesis,
  LEAD,
  readable,
  SIGNING_SECRET,
} from '../helpers/faults';

const TIMEOUT_MS = 400;
const MAX_RETRIES = 2;

let slack: RunningSlackFake;
let llm: RunningAnthropicFake;
let runtime: Runtime;
let client: SlackEventClient;

beforeAll(async () => {
  slack = await startSlackFake();
  llm = await startAnthropicFake();
  addPeople(slack.fake);
  // The knobs are read from the environment like in production: that wiring is part of what is tested.
  const config = loadConfig(
    appEnv({
      slackUrl: slack.url,
      extra: {
        LOG_LEVEL: 'silent',
        ANTHROPIC_API_KEY: 'sk-ant-faults-storm-000000000000000000',
        ANTHROPIC_BASE_URL: llm.url,
        ANTHROPIC_TIMEOUT_MS: String(TIMEOUT_MS),
        ANTHROPIC_MAX_RETRIES: String(MAX_RETRIES),
      },
    }),
    { requireSlack: true },
  );
  expect(config.anthropic).toMatchObject({ timeoutMs: TIMEOUT_MS, maxRetries: MAX_RETRIES });
  runtime = buildRuntime(config, { logger: silentLogger(), store: new MemoryStore(), host: '127.0.0.1' });
  const { port } = await runtime.built.start(0);
  client = new SlackEventClient({
    appUrl: `http://127.0.0.1:${port}/slack/events`,
    signingSecret: SIGNING_SECRET,
    fake: slack.fake,
  });
});

afterAll(async () => {
  await runtime?.close();
  await llm?.close();
  await slack?.close();
});

const overloaded: ScriptedReply = { status: 529, type: 'overloaded_error', message: 'Overloaded' };
const hang: ScriptedReply = { delayMs: TIMEOUT_MS * 6 };

/**
 * logs: every call overloaded. metrics: every call hangs past the timeout. changes: its first turn works
 * (a tool call), then the storm starts mid-conversation. lead: hangs.
 */
function storm(req: RecordedRequest): ScriptedReply {
  const who = conversationOf(req);
  if (who === 'logs') return overloaded;
  if (who === 'metrics' || who === 'lead') return hang;
  const turns = (req.body.messages as Array<{ role: string }>).filter((m) => m.role === 'assistant').length;
  return turns === 0 ? competentModel()(req) : overloaded;
}

it('falls back to the deterministic plan for every scout and the lead, says why in the thread, and still finds the cause', async () => {
  llm.fake.respondWith(storm);
  const { fake } = slack;
  const { channelId } = await client.openIncidentChannel('inc-model-storm', LEAD);
  const thread = await fake.waitFor(
    (f) => f.messages(channelId).find((m) => m.replies.some(isSynthesis)),
    60_000,
    'the synthesis',
  );
  await runtime.queue.drain(30_000);
  const replies = fake.messages(channelId).find((m) => m.ts === thread.ts)!.replies;

  const findings = replies.filter((r) => findingScout(r));
  expect(findings.map((f) => findingScout(f)).sort()).toEqual(['changes', 'logs', 'metrics']);
  const said = (scout: string): string => readable(findings.find((f) => findingScout(f) === scout)!);
  expect(said('logs')).toContain(
    'Fell back to the deterministic plan: the Claude API was overloaded (529) after retries',
  );
  expect(said('metrics')).toContain('Fell back to the deterministic plan: the Claude API timed out');
  expect(said('changes')).toContain(
    'Fell back to the deterministic plan: the Claude API was overloaded (529) after retries',
  );
  // Each finding says which brain wrote it: the deterministic analyzers, not Claude.
  for (const f of findings) expect(readable(f)).toContain('deterministic analyzers');
  expect(
    replies.filter((r) => /The lead fell back to the deterministic ranking: the Claude API timed out/.test(r.text)),
  ).toHaveLength(1);

  const syntheses = replies.filter(isSynthesis);
  expect(syntheses).toHaveLength(1);
  const top = (syntheses[0]!.metadata!.event_payload as { hypotheses: Array<{ service: string }> }).hypotheses[0];
  expect(top?.service).toBe('payments');

  // The SDK retried as configured before giving up: 1 + MAX_RETRIES requests for each failing call.
  const asked = (who: string): number => llm.fake.requests.filter((r) => conversationOf(r) === who).length;
  // The fake records a request when it answers it: a hung one only after its delay.
  await fake.waitFor(
    () => asked('lead') >= 1 + MAX_RETRIES && asked('metrics') >= 1 + MAX_RETRIES,
    10_000,
    'the hung requests to be recorded',
  );
  expect(asked('logs')).toBe(1 + MAX_RETRIES);
  expect(asked('metrics')).toBe(1 + MAX_RETRIES);
  expect(asked('changes')).toBe(1 + 1 + MAX_RETRIES);
  expect(asked('lead')).toBe(1 + MAX_RETRIES);
  expect(replies.some((r) => /investigation failed/i.test(r.text))).toBe(false);
}, 90_000);

// Slack throttles (429 with Retry-After) and fails (5xx) in bursts while an incident opens: every
// message still arrives once, in order within its thread, and no earlier than Retry-After allows.
import { loadConfig } from '../../src/config';
import { SlackEventClient, startSlackFake, type FakeMessage, type RunningSlackFake } from '../../src/demo/slack-fake';
import { silentLogger } from '../../src/logging';
import { buildRuntime, type Runtime } from '../../src/main';
import { MemoryStore } from '../../src/store/memory';
import {
  addPeople,
  appEnv,
  findingCounts,
  findingScout,
  isProposal,
  isSynthesis,
  LEAD,
  SIGNING_SECRET,
} from '../helpers/faults';

const STORM = 7;
const BURST = 7;

let slack: RunningSlackFake;
let runtime: Runtime;
let client: SlackEventClient;

beforeAll(async () => {
  slack = await startSlackFake();
  addPeople(slack.fake);
  const config = loadConfig(appEnv({ slackUrl: slack.url, extra: { LOG_LEVEL: 'silent' } }), { requireSlack: true });
  // The production retry policy (no retryConfig override): that is what is under test.
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
  await slack?.close();
});

/** Waits until the incident's thread holds a synthesis and a proposal card, and the bot has gone quiet. */
async function settled(channel: string): Promise<FakeMessage & { replies: FakeMessage[] }> {
  const { fake } = slack;
  const thread = await fake.waitFor(
    (f) => f.messages(channel).find((m) => m.replies.some(isSynthesis) && m.replies.some(isProposal)),
    90_000,
    'a thread with a synthesis and a proposal',
  );
  await runtime.queue.drain(30_000);
  let seen = -1;
  while (seen !== fake.callLog.length) {
    seen = fake.callLog.length;
    await new Promise((r) => setTimeout(r, 1_500));
  }
  return fake.messages(channel).find((m) => m.ts === thread.ts) ?? thread;
}

/** What a person sees in an incident channel: one kickoff, one card whose thread is findings, then synthesis, then the proposal. */
function expectCompleteChannel(channel: string, thread: FakeMessage & { replies: FakeMessage[] }): void {
  const { fake } = slack;
  const top = fake.messages(channel);
  expect(top.filter((m) => /Incident Scout is investigating/.test(m.text))).toHaveLength(1);
  expect(top.filter((m) => m.replies.length > 0)).toHaveLength(1);
  expect(findingCounts(fake, channel)).toEqual({ changes: 1, logs: 1, metrics: 1 });
  const kinds = thread.replies.map((r) =>
    findingScout(r)
      ? 'finding'
      : isSynthesis(r)
        ? 'synthesis'
        : isProposal(r)
          ? 'proposal'
          : r.files.length > 0
            ? 'chart'
            : 'other',
  );
  // The charts: one after the metrics finding, one after the synthesis, each uploaded once.
  expect(kinds.filter((k) => k === 'chart')).toHaveLength(2);
  expect(kinds.filter((k) => k === 'synthesis')).toHaveLength(1);
  expect(kinds.filter((k) => k === 'proposal')).toHaveLength(1);
  // In order: every finding before the synthesis, the proposal after it.
  expect(kinds.lastIndexOf('finding')).toBeLessThan(kinds.indexOf('synthesis'));
  expect(kinds.indexOf('proposal')).toBeGreaterThan(kinds.indexOf('synthesis'));
  expect(kinds).not.toContain('other');
}

it('delivers every message once and in order through a storm of 429s, waiting out Retry-After', async () => {
  const { fake } = slack;
  const from = fake.callLog.length;
  // More 429s in a row than the WebClient's own five attempts absorb: the first call (the join) gets them all.
  fake.failNext('*', { status: 429, retryAfter: 1 }, STORM);
  const { channelId } = await client.openIncidentChannel('inc-slack-429-storm', LEAD);
  const thread = await settled(channelId);
  expectCompleteChannel(channelId, thread);

  // Retry-After was honoured: no call followed a 429 sooner than one second later.
  const calls = fake.callLog.slice(from);
  const limited = calls.filter((c) => c.status === 429);
  expect(limited).toHaveLength(STORM);
  const firstOk = calls.find((c) => c.ok && c.at > limited[0]!.at);
  expect(firstOk!.at - limited[0]!.at).toBeGreaterThanOrEqual(950);
}, 120_000);

it('delivers every message once and in order through a burst of 503s', async () => {
  const { fake } = slack;
  fake.failNext('*', { status: 503 }, BURST);
  const { channelId } = await client.openIncidentChannel('inc-slack-503-burst', LEAD);
  const thread = await settled(channelId);
  expectCompleteChannel(channelId, thread);
  expect(fake.calls().filter((c) => c.status === 503)).toHaveLength(BURST);
}, 120_000);

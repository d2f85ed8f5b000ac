// Redis restarts (persistence on) while an investigation runs: the app reconnects, the investigation
// still ends in exactly one synthesis, and a proposal made before the restart can be approved after it.
import { startAnthropicFake, type RunningAnthropicFake } from '../support/anthropic-fake';
import { approveButton } from '../../src/demo/cards';
import { SlackEventClient, startSlackFake, type RunningSlackFake } from '../../src/demo/slack-fake';
import {
  addPeople,
  appEnv,
  findingCounts,
  healthz,
  isProposal,
  isSynthesis,
  allReplies,
  LEAD,
  SIGNING_SECRET,
  SRE,
  competentModel,
  conversationOf,
  startPrivateRedis,
  waitHealthy,
  type PrivateRedis,
} from '../helpers/faults';
import { spawnApp, type AppProcess } from '../helpers/spawn-app';

/** Longer than BullMQ's own retry backoff (1 s, 2 s): the job must survive the outage, not outwait it. */
const OUTAGE_MS = 4_000;

let redis: PrivateRedis;
let slack: RunningSlackFake;
let llm: RunningAnthropicFake;
let app: AppProcess;

beforeAll(async () => {
  redis = await startPrivateRedis();
  slack = await startSlackFake();
  llm = await startAnthropicFake();
  addPeople(slack.fake);
  // Slow answers keep the round busy for several seconds: long enough to restart Redis under it.
  llm.fake.respondWith(competentModel(1_200));
  app = await spawnApp(
    appEnv({
      slackUrl: slack.url,
      extra: {
        REDIS_URL: redis.url,
        REDIS_PREFIX: 'faults-restart:',
        ANTHROPIC_API_KEY: 'sk-ant-faults-0000000000000000000000',
        ANTHROPIC_BASE_URL: llm.url,
        ANTHROPIC_TIMEOUT_MS: '20000',
        ANTHROPIC_MAX_RETRIES: '2',
      },
    }),
  );
});

afterAll(async () => {
  await app?.kill('SIGKILL');
  await llm?.close();
  await slack?.close();
  await redis?.close();
});

it('reconnects after a Redis restart, posts one synthesis, and keeps the pending proposal approvable', async () => {
  const { fake } = slack;
  const client = new SlackEventClient({ appUrl: app.url, signingSecret: SIGNING_SECRET, fake });
  const { channelId } = await client.openIncidentChannel('inc-redis-restart', LEAD);
  await fake.waitFor((f) => f.messages(channelId).some((m) => /Investigation/.test(m.text)), 15_000, 'the status card');

  // A person proposes a restart while the scouts work.
  await client.sendCommand({ text: 'propose restart-pods service=payments', user_id: SRE, channel_id: channelId });
  const card = await fake.waitFor(() => approveButton(fake, channelId, 'restart-pods'), 15_000, 'the proposal card');

  // Mid-investigation: a scout has asked the model for its report, which lands while Redis is down
  // (so storing the finding fails); nothing is synthesised yet.
  const reporting = (): boolean =>
    llm.fake.requests.some((r) => conversationOf(r) !== 'lead' && JSON.stringify(r.body).includes('tool_result'));
  await fake.waitFor(reporting, 15_000, 'a scout asking for its report');
  expect(allReplies(fake, channelId).some(isSynthesis)).toBe(false);

  await redis.shutdown();
  const down = await healthz(app.port);
  expect(down.status).toBe(503);
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  await redis.start();
  const back = await waitHealthy(app.port, 20_000);
  if (back !== 200) console.log(app.output());
  expect(back).toBe(200);
  expect(app.output()).toMatch(/"msg":"redis reconnected"/);

  await fake
    .waitFor(() => allReplies(fake, channelId).some(isSynthesis), 60_000, 'the synthesis')
    .catch((e: unknown) => {
      console.log(app.output());
      throw e;
    });
  // Give a duplicate every chance to show up before counting.
  await new Promise((r) => setTimeout(r, 1_500));
  const replies = allReplies(fake, channelId);
  expect(replies.filter(isSynthesis)).toHaveLength(1);
  expect(findingCounts(fake, channelId)).toEqual({ changes: 1, logs: 1, metrics: 1 });
  expect(replies.some((r) => /investigation failed/i.test(r.text))).toBe(false);

  // The proposal made before the restart is still pending and runs when the approver clicks.
  await client.sendBlockAction({
    user: LEAD,
    channel: channelId,
    message_ts: card.ts,
    ...(card.threadTs ? { thread_ts: card.threadTs } : {}),
    action_id: 'approve_proposal',
    block_id: card.blockId,
    value: card.value,
  });
  const outcome = await fake.waitFor(
    () =>
      allReplies(fake, channelId)
        .concat(fake.messages(channelId))
        .find((m) => isProposal(m) && m.ts !== card.ts && /restart/i.test(m.text) && /Succeeded/.test(m.text)),
    20_000,
    'the outcome of the approved restart',
  );
  expect(outcome.text).toContain('Succeeded');
  expect(fake.ephemerals(channelId, LEAD).filter((e) => /went wrong|could not/i.test(e.text))).toHaveLength(0);
  expect(app.output()).not.toMatch(/unhandledRejection|Unhandled/i);
}, 120_000);

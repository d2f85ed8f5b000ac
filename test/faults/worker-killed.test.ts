// Two replicas on one Redis; the one running the investigation is SIGKILLed after posting some findings.
// BullMQ hands the job to the other replica once the lock lapses, and the thread ends up with exactly one
// card, one finding per scout and one synthesis.
import {
  startAnthropicFake,
  type RecordedRequest,
  type RunningAnthropicFake,
  type ScriptedReply,
} from '../support/anthropic-fake';
import { SlackEventClient, startSlackFake, type RunningSlackFake } from '../../src/demo/slack-fake';
import {
  addPeople,
  allReplies,
  appEnv,
  competentModel,
  conversationOf,
  findingCounts,
  isSynthesis,
  LEAD,
  SIGNING_SECRET,
  startPrivateRedis,
  waitHealthy,
  type PrivateRedis,
} from '../helpers/faults';
import { spawnApp, type AppProcess } from '../helpers/spawn-app';

let redis: PrivateRedis;
let slack: RunningSlackFake;
let llm: RunningAnthropicFake;
const apps: AppProcess[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  slack = await startSlackFake();
  llm = await startAnthropicFake();
  addPeople(slack.fake);
  const env = appEnv({
    slackUrl: slack.url,
    extra: {
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'faults-kill:',
      ANTHROPIC_API_KEY: 'sk-ant-faults-kill-0000000000000000000',
      ANTHROPIC_BASE_URL: llm.url,
      // A dead worker's job is taken over after about this long.
      JOBS_LOCK_MS: '2000',
    },
  });
  apps.push(...(await Promise.all([spawnApp(env), spawnApp(env)])));
});

afterAll(async () => {
  for (const a of apps) await a.kill('SIGKILL');
  await llm?.close();
  await slack?.close();
  await redis?.close();
});

/** The logs scout's model is slow, so the others report first and the kill lands mid-round. */
function unevenModel(req: RecordedRequest): ScriptedReply {
  return competentModel(conversationOf(req) === 'logs' ? 3_000 : 300)(req);
}

it('retries the investigation on the surviving replica without duplicate posts', async () => {
  llm.fake.respondWith(unevenModel);
  const { fake } = slack;
  const client = new SlackEventClient({ appUrl: apps[0]!.url, signingSecret: SIGNING_SECRET, fake });
  const { channelId } = await client.openIncidentChannel('inc-worker-killed', LEAD);

  const started = await Promise.race(apps.map((a) => a.waitForLog(/"msg":"job started"/, 20_000).then(() => a)));
  const survivor = apps.find((a) => a !== started)!;
  await fake.waitFor(() => Object.keys(findingCounts(fake, channelId)).length >= 1, 20_000, 'a first finding');
  expect(findingCounts(fake, channelId).logs).toBeUndefined();
  await started.kill('SIGKILL');

  await survivor.waitForLog(/"msg":"job started".*"attempt":2|"attempt":2.*"msg":"job started"/, 30_000);
  await fake.waitFor(() => allReplies(fake, channelId).some(isSynthesis), 60_000, 'the synthesis');
  // Time for a late duplicate (a second runner, a stale claim) to show itself before counting.
  await new Promise((r) => setTimeout(r, 2_500));

  expect(fake.messages(channelId).filter((m) => /Investigation/.test(m.text))).toHaveLength(1);
  expect(findingCounts(fake, channelId)).toEqual({ changes: 1, logs: 1, metrics: 1 });
  expect(allReplies(fake, channelId).filter(isSynthesis)).toHaveLength(1);
  expect(allReplies(fake, channelId).some((r) => /investigation failed/i.test(r.text))).toBe(false);
  expect(await waitHealthy(survivor.port, 5_000)).toBe(200);
  expect(survivor.output()).not.toMatch(/unhandled/i);
}, 120_000);

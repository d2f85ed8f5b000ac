// Two replicas of the real bot (`incident-scout serve`, two processes) on one Redis: twenty listed approvers
// click Approve at once, each click delivered to one of the two processes. Exactly one execution, exactly
// one result post; everyone else is told why nothing more happened. Needs `npm run build` first.
import type { AuditRecord } from '../../src/domain/types';
import { SlackEventClient, startSlackFake, type RunningSlackFake } from '../../src/demo/slack-fake';
import { deletePrefix, REDIS_URL } from '../integration/store/redis-fixture';
import { SIGNING_SECRET } from '../helpers/app';
import {
  addPeople,
  appEnv,
  buttonValue,
  findCard,
  openIncident,
  outcomePosts,
  PEOPLE,
  proposeOk,
  RACERS,
  randomRedisPrefix,
  until,
  writeTestCatalog,
  type CatalogDir,
} from '../helpers/remediation';
import { spawnApp, type AppProcess } from '../helpers/spawn-app';
import { connectRedis, RedisStore } from '../../src/store';
import { silentLogger } from '../../src/logging';

let slack: RunningSlackFake;
let catalog: CatalogDir;
let prefix: string;
const apps: AppProcess[] = [];
const clients: SlackEventClient[] = [];

beforeAll(async () => {
  slack = await startSlackFake();
  addPeople(slack);
  catalog = await writeTestCatalog();
  prefix = randomRedisPrefix();
  // The spawned app logs "serving" at info; that is how spawnApp knows it is up.
  const env = appEnv(slack, catalog, prefix, { LOG_LEVEL: 'info' });
  apps.push(...(await Promise.all([spawnApp(env), spawnApp(env)])));
  for (const app of apps)
    clients.push(new SlackEventClient({ appUrl: app.url, signingSecret: SIGNING_SECRET, fake: slack.fake }));
});

afterAll(async () => {
  await Promise.all(apps.map((a) => a.kill()));
  await slack?.close();
  if (prefix) await deletePrefix(prefix);
  await catalog?.remove();
});

it('executes exactly once when twenty approvers click at once across two app processes', async () => {
  const a = { slack, client: clients[0] as SlackEventClient };
  const b = { slack, client: clients[1] as SlackEventClient };
  const { channel, threadTs } = await openIncident(a, 'inc-rem-race');
  const { id, card } = await proposeOk(b, channel, PEOPLE.guest.id, 'race-marker label=race');
  const value = buttonValue(card, 'approve_proposal') as string;
  expect(value).toBeDefined();

  const results = await Promise.all(
    RACERS.map((user, i) =>
      (i % 2 === 0 ? a : b).client.sendBlockAction({
        user,
        channel,
        message_ts: card.ts,
        action_id: 'approve_proposal',
        block_id: `proposal_${id}`,
        value,
      }),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(RACERS.map(() => 200));

  // Every click is answered: by a run (no ephemeral) or by an ephemeral saying why nothing more happened.
  const refusalsSeen = () => RACERS.flatMap((u) => slack.fake.ephemerals(channel, u));
  // On a timeout the assertions below say what happened instead (how many ran, how many were told).
  await until(
    async () =>
      refusalsSeen().length + (await catalog.runs()).length >= RACERS.length &&
      outcomePosts(slack, channel, id).length > 0,
    20_000,
    'all twenty clicks answered',
  ).catch(() => undefined);
  expect(await catalog.runs()).toEqual(['race']);
  const refused = refusalsSeen();
  expect(refused).toHaveLength(RACERS.length - 1);
  for (const e of refused) expect(e.text).toMatch(/^This proposal is already (approved|running|succeeded)\.$/);
  expect(outcomePosts(slack, channel, id)).toHaveLength(1);
  expect(outcomePosts(slack, channel, id)[0]?.threadTs).toBe(threadTs);
  const winner = RACERS.find((u) => slack.fake.ephemerals(channel, u).length === 0);
  const finalCard = findCard(slack, channel, id);
  expect(finalCard?.text).toContain('Succeeded');
  expect(finalCard?.text).toContain(`approved by @Racer ${winner?.slice(-2)}`);

  // The audit, read from Redis as both replicas wrote it.
  const store = new RedisStore(connectRedis(REDIS_URL, silentLogger()), { prefix });
  let records: AuditRecord[];
  try {
    records = (await store.readAudit(channel)).filter((r) => r.detail.proposalId === id);
  } finally {
    await store.close();
  }
  expect(records.filter((r) => r.kind === 'decision').map((r) => [r.actor, r.detail.decision])).toEqual([
    [winner, 'approved'],
  ]);
  expect(records.filter((r) => r.kind === 'execution' && r.detail.phase === 'run')).toHaveLength(1);
  expect(
    records
      .filter((r) => r.kind === 'refusal')
      .map((r) => r.actor)
      .sort(),
  ).toEqual(RACERS.filter((u) => u !== winner).sort());
  // Both replicas took part (each logged refusals it answered).
  for (const app of apps) expect(app.output()).toContain('refused with a user-facing error');
});

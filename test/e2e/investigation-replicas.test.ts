// Two replicas of the bot (separate processes: `incident-scout serve`) on one Redis and one Slack
// workspace. The same channel_created delivered to both gives one investigation and one set of posts;
// a worker killed (SIGKILL) mid-investigation leaves its job to the other, which finishes it without
// posting anything twice. Needs `npm run build` (the processes run dist/).
import { DEFAULT_SCENARIO } from '../../src/config';
import { startAnthropicFake, type RunningAnthropicFake } from '../support/anthropic-fake';
import {
  SlackEventClient,
  startSlackFake,
  type FakeThread,
  type RunningSlackFake,
  type SlackFake,
} from '../../src/demo/slack-fake';
import { silentLogger } from '../../src/logging';
import { createStore } from '../../src/store';
import {
  ANTHROPIC_KEY,
  REDIS_URL,
  SIGNING_SECRET,
  deletePrefix,
  eventually,
  findingReplies,
  hypothesesOf,
  investigationThreads,
  randomPrefix,
  readable,
  synthesisReplies,
  waitForSynthesis,
} from '../helpers/investigation';
import { investigationResponder, scoutOf, toolUse } from '../helpers/investigation-claude';
import { spawnApp, type AppProcess } from '../helpers/spawn-app';
import { postedDocs } from '../../src/slack/poster-docs';

/** How long a dead worker's job lock lives: short, so the other replica picks the job up quickly. */
const LOCK_MS = 2000;

let slack: RunningSlackFake;
const processes: AppProcess[] = [];
const fakes: RunningAnthropicFake[] = [];
const prefixes: string[] = [];

beforeAll(async () => {
  slack = await startSlackFake();
});

afterAll(async () => {
  for (const p of processes) await p.kill('SIGTERM');
  for (const f of fakes) await f.close();
  await slack.close();
  for (const p of prefixes) await deletePrefix(p);
});

function baseEnv(prefix: string): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: slack.fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    EVIDENCE_DIR: DEFAULT_SCENARIO,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    JOBS_LOCK_MS: String(LOCK_MS),
    LOG_LEVEL: 'info',
  };
}

async function replica(env: Record<string, string>): Promise<{ proc: AppProcess; client: SlackEventClient }> {
  const proc = await spawnApp(env);
  processes.push(proc);
  return { proc, client: new SlackEventClient({ appUrl: proc.url, signingSecret: SIGNING_SECRET, fake: slack.fake }) };
}

/** Sends one channel_created (same event_id) to every replica at once, as a duplicated delivery would. */
async function deliverToAll(clients: SlackEventClient[], name: string): Promise<string> {
  const { fake } = slack;
  const channelId = fake.addChannel({ name });
  const event = {
    type: 'channel_created',
    channel: { id: channelId, name, created: Math.floor(Date.now() / 1000), creator: 'U0ONCALL01' },
    event_ts: fake.nextTs(),
  };
  const eventId = `Ev${channelId}`;
  const results = await Promise.all(clients.map((c) => c.sendEvent(event, { eventId })));
  for (const r of results) expect(r.status).toBe(200);
  return channelId;
}

/** Every bot post in the channel, by kind; a duplicate shows up as a count above one. */
function census(fake: SlackFake, channel: string) {
  const top = fake.messages(channel);
  const replies = top.flatMap((m) => m.replies);
  const posts = fake.calls('chat.postMessage').filter((c) => c.ok && c.args.channel === channel);
  return {
    kickoffs: top.filter((m) => readable(m).includes('Incident Scout is on it.')).length,
    cards: investigationThreads(fake, channel).length,
    findings: replies
      .filter((r) => /^Scout [a-z]/.test(r.text))
      .map((r) => r.text.split(':')[0])
      .sort(),
    syntheses: replies.filter((r) => r.metadata?.event_type === 'incident_scout_hypotheses').length,
    notes: replies.filter((r) => /^(Stopped early|The investigation failed|The lead fell back)/.test(r.text)).length,
    posts: posts.length,
    // Messages made by chat.postMessage; uploads (chart PNGs) make their own file messages, counted apart.
    messages: [...top, ...replies].filter((m) => m.files.length === 0).length,
    uploads: replies
      .filter((m) => m.files.length > 0)
      .flatMap((m) => m.files.map((id) => fake.fileIndex.get(id)?.filename ?? id)),
  };
}

/** The chat.postMessage count stops changing (late duplicates would show up here). */
async function settled(fake: SlackFake, channel: string, quietMs = 1500): Promise<void> {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const n =
      fake.calls('chat.postMessage').filter((c) => c.args.channel === channel).length +
      fake.calls('chat.update').filter((c) => c.args.channel === channel).length;
    if (n !== last) {
      last = n;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function jobStarts(proc: AppProcess, jobId: string): number {
  return proc
    .output()
    .split('\n')
    .filter((l) => l.includes('"msg":"job started"') && l.includes(`"jobId":"${jobId}"`)).length;
}

it('runs exactly one investigation with one set of posts when both replicas get the same channel_created', async () => {
  const prefix = randomPrefix('invrep');
  prefixes.push(prefix);
  const a = await replica(baseEnv(prefix));
  const b = await replica(baseEnv(prefix));
  const channel = await deliverToAll([a.client, b.client], 'inc-two-replicas');

  const thread: FakeThread = await waitForSynthesis(slack.fake, channel, 1, 45_000);
  await settled(slack.fake, channel);
  const c = census(slack.fake, channel);
  expect(c.kickoffs).toBe(1);
  expect(c.cards).toBe(1);
  expect(c.findings).toEqual(['Scout changes', 'Scout logs', 'Scout metrics']);
  expect(c.syntheses).toBe(1);
  expect(c.notes).toBe(0);
  // Nothing else was posted twice either (proposal cards included): every post is one message.
  expect(c.posts).toBe(c.messages);
  // Each chart once (the metrics finding's and the synthesis's), even when the job ran twice.
  expect(c.uploads.length).toBe(new Set(c.uploads).size);
  expect(c.uploads.filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(1);
  expect(hypothesesOf(synthesisReplies(thread)[0]!).hypotheses[0]?.service).toBe('payments');
  // One replica took the event and the job; the other started nothing.
  const jobId = `inv-${channel}-1`;
  expect(jobStarts(a.proc, jobId) + jobStarts(b.proc, jobId)).toBe(1);
  for (const p of [a.proc, b.proc]) await p.kill('SIGTERM');
});

it('finishes on the other replica, without duplicate posts, when the worker running the job is killed', async () => {
  const prefix = randomPrefix('invkill');
  prefixes.push(prefix);
  // Each replica has its own Anthropic fake, so we see which process talked to the model. Until the
  // kill, the logs and metrics scouts are slow to answer their first turn, so the kill lands mid-round
  // (after the changes scout's finding is posted).
  const slow = new Set(['logs', 'metrics']);
  let killed = false;
  const started = await Promise.all([startAnthropicFake(), startAnthropicFake()]);
  fakes.push(...started);
  for (const f of started) {
    f.fake.respondWith(
      investigationResponder({
        scout: (t) =>
          !killed && t.turn === 0 && slow.has(t.scout)
            ? { delayMs: 8_000, then: toolUse(t.tools[0] as string, {}) }
            : undefined,
      }),
    );
  }
  const env = (i: number) => ({
    ...baseEnv(prefix),
    ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    ANTHROPIC_BASE_URL: started[i]!.url,
  });
  const replicas = [await replica(env(0)), await replica(env(1))];
  const channel = await deliverToAll(
    replicas.map((r) => r.client),
    'inc-worker-killed',
  );
  const jobId = `inv-${channel}-1`;

  // Find the replica running the job; kill it once the thread has its first finding.
  const first = await Promise.race(
    replicas.map((r, i) =>
      r.proc
        .waitForLog(
          new RegExp(`"jobId":"${jobId}".*"msg":"job started"|"msg":"job started".*"jobId":"${jobId}"`),
          30_000,
        )
        .then(() => i),
    ),
  );
  const victim = replicas[first]!;
  const survivor = replicas[1 - first]!;
  await slack.fake.waitFor(
    (f) => {
      const t = investigationThreads(f, channel)[0];
      return t && findingReplies(t).length === 1;
    },
    30_000,
    'the first finding',
  );
  expect(findingReplies(investigationThreads(slack.fake, channel)[0]!)[0]?.text).toMatch(/^Scout changes:/);
  // Kill after the victim recorded that post (the Poster's idempotency record). A kill in the instant
  // between Slack accepting a post and that record is a known gap of the Poster (see the report), not
  // what this test is about.
  const observer = createStore({ redisUrl: REDIS_URL, prefix, logger: silentLogger() });
  try {
    await eventually(
      async () => (await postedDocs.in(observer).get(`${jobId}:r1:finding:changes`))?.state === 'posted',
      10_000,
      'the post record',
    );
  } finally {
    await observer.close();
  }
  // The victim ran the round so far (its model answered the changes scout; the slow ones are still
  // waiting, and the fake records a request only once it has answered it).
  expect(started[first]!.fake.requests.some((q) => scoutOf(q) === 'changes')).toBe(true);
  expect(started[1 - first]!.fake.requests).toHaveLength(0);
  killed = true;
  await victim.proc.kill('SIGKILL');

  const thread = await waitForSynthesis(slack.fake, channel, 1, 60_000);
  await settled(slack.fake, channel);
  // The survivor ran the job (a second attempt) and its scouts talked to its model.
  expect(jobStarts(survivor.proc, jobId)).toBe(1);
  expect(survivor.proc.output()).toMatch(new RegExp(`"jobId":"${jobId}","attempt":2,.*"msg":"job started"`));
  expect(started[1 - first]!.fake.requests.some((q) => slow.has(scoutOf(q) ?? ''))).toBe(true);

  const c = census(slack.fake, channel);
  expect(c.kickoffs).toBe(1);
  expect(c.cards).toBe(1);
  expect(c.findings).toEqual(['Scout changes', 'Scout logs', 'Scout metrics']);
  expect(c.syntheses).toBe(1);
  expect(c.notes).toBe(0);
  expect(c.posts).toBe(c.messages);
  // Each chart once (the metrics finding's and the synthesis's), even when the job ran twice.
  expect(c.uploads.length).toBe(new Set(c.uploads).size);
  expect(c.uploads.filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(1);
  // The card the victim posted was taken over and edited to the final state.
  const final = slack.fake.messages(channel).find((m) => m.ts === thread.ts)!;
  expect(final.text).toMatch(/^Investigation · round 1 · done/);
  expect(hypothesesOf(synthesisReplies(final)[0]!).hypotheses[0]?.service).toBe('payments');
  await survivor.proc.kill('SIGTERM');
});

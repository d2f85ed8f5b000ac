// Poster against the Slack fake over HTTP, with the real WebClient and its retry machinery.
import { WebClient } from '@slack/web-api';
import { SlackApiError } from '../../../src/domain/errors';
import { startSlackFake, type RunningSlackFake } from '../../../src/demo/slack-fake';
import { createLogger } from '../../../src/logging';
import { boltLogger } from '../../../src/slack/bolt-logger';
import { AppMetrics } from '../../../src/metrics';
import { Poster } from '../../../src/slack/poster';
import { MemoryStore } from '../../../src/store/memory';

let slack: RunningSlackFake;
let poster: Poster;
let store: MemoryStore;
let metrics: AppMetrics;
const logLines: string[] = [];

beforeAll(async () => {
  slack = await startSlackFake();
  store = new MemoryStore();
  metrics = new AppMetrics();
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void logLines.push(s) } });
  const client = new WebClient(slack.fake.botToken, {
    slackApiUrl: slack.url,
    rejectRateLimitedCalls: false,
    retryConfig: { retries: 3, factor: 1, minTimeout: 10, maxTimeout: 20 },
    logger: boltLogger(logger),
  });
  poster = new Poster({ client, store, logger, metrics });
});

afterAll(async () => {
  await slack.close();
  await store.close();
});

function memberChannel(name: string): string {
  return slack.fake.addChannel({ name, botIsMember: true });
}

describe('Poster', () => {
  it('delivers posts to one channel in order even when the first is rate limited', async () => {
    const ch = memberChannel('inc-order');
    slack.fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const ts = await Promise.all(['first', 'second', 'third'].map((text) => poster.post({ channel: ch, text })));
    expect(slack.fake.messages(ch).map((m) => m.text)).toEqual(['first', 'second', 'third']);
    expect(new Set(ts).size).toBe(3);
    expect(slack.fake.calls('chat.postMessage').some((c) => c.status === 429)).toBe(true);
  });

  it('retries a burst of 5xx answers and posts once', async () => {
    const ch = memberChannel('inc-5xx');
    slack.fake.failNext('chat.postMessage', { status: 503 }, 2);
    await poster.post({ channel: ch, text: 'after the burst' });
    expect(slack.fake.messages(ch).map((m) => m.text)).toEqual(['after the burst']);
  });

  it('posts once per idempotency key and returns the first ts to every caller', async () => {
    const ch = memberChannel('inc-key');
    const [a, b] = await Promise.all([
      poster.post({ channel: ch, text: 'kickoff', key: 'kickoff:test' }),
      poster.post({ channel: ch, text: 'kickoff', key: 'kickoff:test' }),
    ]);
    const c = await poster.post({ channel: ch, text: 'kickoff', key: 'kickoff:test' });
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(slack.fake.messages(ch)).toHaveLength(1);
  });

  it('finds the post of a process that died before recording it, instead of posting it twice', async () => {
    const ch = memberChannel('inc-crash');
    const parent = await poster.post({ channel: ch, text: 'status card' });
    // What the dead process left: a claim it never completed, and the reply it did make (with its key).
    const direct = new WebClient(slack.fake.botToken, { slackApiUrl: slack.url });
    const made = await direct.chat.postMessage({
      channel: ch,
      thread_ts: parent,
      text: 'finding logs',
      metadata: { event_type: 'incident_scout_post', event_payload: { scout_post_key: 'inv-1:r1:finding:logs' } },
    });
    await store.put('posted', 'inv-1:r1:finding:logs', {
      state: 'claimed',
      channel: ch,
      owner: 'dead',
      at: Date.now() - 60_000,
    });
    const ts = await poster.post({ channel: ch, threadTs: parent, text: 'finding logs', key: 'inv-1:r1:finding:logs' });
    expect(ts).toBe(made.ts);
    expect(slack.fake.replies(ch, parent).map((m) => m.text)).toEqual(['finding logs']);
    // A stale claim whose post never reached Slack is posted, once.
    await store.put('posted', 'inv-1:r1:finding:metrics', {
      state: 'claimed',
      channel: ch,
      owner: 'dead',
      at: Date.now() - 60_000,
    });
    await poster.post({ channel: ch, threadTs: parent, text: 'finding metrics', key: 'inv-1:r1:finding:metrics' });
    await poster.post({ channel: ch, threadTs: parent, text: 'finding metrics', key: 'inv-1:r1:finding:metrics' });
    expect(slack.fake.replies(ch, parent).map((m) => m.text)).toEqual(['finding logs', 'finding metrics']);
  });

  it('lets a keyed post be retried after it failed', async () => {
    const ch = memberChannel('inc-key-retry');
    slack.fake.failNext('chat.postMessage', { error: 'internal_error' });
    await expect(poster.post({ channel: ch, text: 'try', key: 'k:retry' })).rejects.toBeInstanceOf(SlackApiError);
    const ts = await poster.post({ channel: ch, text: 'try', key: 'k:retry' });
    expect(slack.fake.messages(ch).map((m) => m.ts)).toEqual([ts]);
  });

  it('joins a public channel it is not in and retries the post once', async () => {
    const ch = slack.fake.addChannel({ name: 'inc-not-member' });
    await poster.post({ channel: ch, text: 'hello' });
    expect(slack.fake.calls('conversations.join').filter((c) => c.args.channel === ch)).toHaveLength(1);
    expect(slack.fake.messages(ch).map((m) => m.text)).toEqual(['hello']);
  });

  it('reports the original not_in_channel when joining is refused', async () => {
    const ch = slack.fake.addChannel({ name: 'inc-restricted' });
    slack.fake.failNext('conversations.join', { error: 'restricted_action' });
    const err = await poster.post({ channel: ch, text: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ method: 'chat.postMessage', slackError: 'not_in_channel' });
    expect(slack.fake.messages(ch)).toHaveLength(0);
  });

  it('turns a refusal into SlackApiError, counts it and logs method, channel and code without the token', async () => {
    const ch = slack.fake.addChannel({ name: 'inc-private', isPrivate: true });
    const err = await poster.post({ channel: ch, text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackApiError);
    expect(err).toMatchObject({ method: 'chat.postMessage', slackError: 'channel_not_found' });
    const line = logLines.find((l) => l.includes('slack api call failed') && l.includes(ch));
    expect(line).toBeDefined();
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      method: 'chat.postMessage',
      channel: ch,
      error: 'channel_not_found',
    });
    expect(logLines.join('\n')).not.toContain(slack.fake.botToken);
    const text = (await metrics.render()).body;
    expect(text).toContain('scout_slack_api_errors_total{method="chat.postMessage",error="channel_not_found"} 1');
  });

  it('updates a message in place and treats an existing reaction as done', async () => {
    const ch = memberChannel('inc-update');
    const ts = await poster.post({ channel: ch, text: 'queued' });
    await poster.update({ channel: ch, ts, text: 'running' });
    await poster.react(ch, ts, 'eyes');
    await poster.react(ch, ts, 'eyes');
    const msg = slack.fake.message(ch, ts);
    expect(msg?.text).toBe('running');
    expect(msg?.reactions).toEqual([{ name: 'eyes', users: [slack.fake.botUserId] }]);
  });

  it('sends ephemerals, thread replies and text files', async () => {
    const ch = memberChannel('inc-misc');
    slack.fake.addUser({ id: 'U0PERSON', name: 'pat', realName: 'Pat Doe' });
    const parent = await poster.post({ channel: ch, text: 'parent' });
    await poster.post({ channel: ch, threadTs: parent, text: 'reply' });
    await poster.ephemeral({ channel: ch, user: 'U0PERSON', text: 'only you' });
    await poster.uploadText({
      channel: ch,
      threadTs: parent,
      filename: 'audit.jsonl',
      content: '{"a":1}\n',
      title: 'Audit',
    });
    expect(slack.fake.replies(ch, parent).map((r) => r.text)).toContain('reply');
    expect(slack.fake.ephemerals(ch, 'U0PERSON').map((e) => e.text)).toEqual(['only you']);
    const file = slack.fake.files().find((f) => f.filename === 'audit.jsonl');
    expect(file?.content?.toString('utf8')).toBe('{"a":1}\n');
  });

  it('looks up a user once and answers from the store afterwards', async () => {
    slack.fake.addUser({ id: 'U0DANA', name: 'dana', realName: 'Dana Lee' });
    slack.fake.addUser({ id: 'U0ROBOT', name: 'robot', isBot: true });
    expect(await poster.userName('U0DANA')).toBe('Dana Lee');
    expect(await poster.userName('U0DANA')).toBe('Dana Lee');
    expect(await poster.isBot('U0DANA')).toBe(false);
    expect(await poster.isBot('U0ROBOT')).toBe(true);
    expect(slack.fake.calls('users.info').filter((c) => c.args.user === 'U0DANA')).toHaveLength(1);
  });

  it('lists the members of a user group', async () => {
    slack.fake.addUsergroup({ id: 'S0ONCALL', handle: 'oncall', users: ['U0DANA', 'U0SRE'] });
    expect(await poster.usergroupMembers('S0ONCALL')).toEqual(['U0DANA', 'U0SRE']);
  });

  it('asks Slack for a group once a minute, once for concurrent checks, and again after a reported change', async () => {
    slack.fake.addUsergroup({ id: 'S0DBA', handle: 'dba', users: ['U0DANA'] });
    const asked = () => slack.fake.calls('usergroups.users.list').filter((c) => c.args.usergroup === 'S0DBA').length;
    const checks = await Promise.all([
      poster.usergroupMembers('S0DBA'),
      poster.usergroupMembers('S0DBA'),
      poster.usergroupMembers('S0DBA'),
    ]);
    expect(checks).toEqual([['U0DANA'], ['U0DANA'], ['U0DANA']]);
    expect(await poster.usergroupMembers('S0DBA')).toEqual(['U0DANA']);
    expect(asked()).toBe(1);
    (slack.fake.usergroups.get('S0DBA') as { users: string[] }).users = ['U0SRE'];
    await poster.forgetUsergroup('S0DBA');
    expect(await poster.usergroupMembers('S0DBA')).toEqual(['U0SRE']);
    expect(asked()).toBe(2);
  });

  it('asks a group again after a minute', async () => {
    let now = Date.parse('2026-11-27T03:00:00Z');
    const clocked = new Poster({
      client: new WebClient(slack.fake.botToken, { slackApiUrl: slack.url }),
      store: new MemoryStore(),
      logger: createLogger({ level: 'silent' }),
      clock: { now: () => new Date(now) },
    });
    slack.fake.addUsergroup({ id: 'S0NET', handle: 'net', users: ['U0DANA'] });
    const asked = () => slack.fake.calls('usergroups.users.list').filter((c) => c.args.usergroup === 'S0NET').length;
    await clocked.usergroupMembers('S0NET');
    now += 59_000;
    await clocked.usergroupMembers('S0NET');
    expect(asked()).toBe(1);
    now += 2_000;
    await clocked.usergroupMembers('S0NET');
    expect(asked()).toBe(2);
  });

  it("splits a message past Slack's limits into the thread instead of losing it: every part is accepted, the first points to the rest", async () => {
    const ch = memberChannel('inc-huge');
    const blocks = Array.from({ length: 14 }, (_, i) => ({
      type: 'section' as const,
      text: { type: 'mrkdwn' as const, text: `*part ${i}* ${'&lt;html&gt;'.repeat(240)}` },
    }));
    const ts = await poster.post({ channel: ch, text: 'huge', blocks, key: 'huge:1' });
    const [top] = slack.fake.messages(ch);
    expect(top?.ts).toBe(ts);
    expect(JSON.stringify(top?.blocks)).toContain('Continued in the thread');
    const replies = slack.fake.replies(ch, ts);
    expect(replies.length).toBeGreaterThan(0);
    expect(slack.fake.calls('chat.postMessage').filter((c) => c.args.channel === ch && !c.ok)).toEqual([]);
    const parts = [top, ...replies].flatMap((m) => JSON.stringify(m?.blocks).match(/part \d+/g) ?? []);
    expect(parts).toEqual(Array.from({ length: 14 }, (_, i) => `part ${i}`));
    // The same key again posts nothing more.
    await poster.post({ channel: ch, text: 'huge', blocks, key: 'huge:1' });
    expect(slack.fake.replies(ch, ts)).toHaveLength(replies.length);
  });

  it('trims an edit that would pass the limits, saying so, instead of failing it', async () => {
    const ch = memberChannel('inc-huge-edit');
    const ts = await poster.post({ channel: ch, text: 'card' });
    const blocks = Array.from({ length: 60 }, (_, i) => ({
      type: 'section' as const,
      text: { type: 'mrkdwn' as const, text: `row ${i}` },
    }));
    await poster.update({ channel: ch, ts, text: 'card', blocks });
    const msg = slack.fake.message(ch, ts);
    expect(msg?.blocks?.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(msg?.blocks)).toContain('Trimmed to fit');
  });

  it('uploads PNG bytes into a thread with alt text', async () => {
    const ch = memberChannel('inc-upload-png');
    const ts = await poster.post({ channel: ch, text: 'finding' });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
    await poster.uploadFile({
      channel: ch,
      threadTs: ts,
      filename: 'chart.png',
      data: png,
      title: 'Chart',
      altText: 'what it shows',
    });
    const [file] = slack.fake.files().filter((f) => f.channel === ch);
    expect(file?.content?.equals(png)).toBe(true);
    expect(file?.altText).toBe('what it shows');
    expect(slack.fake.replies(ch, ts)[0]?.files).toEqual([file?.id]);
  });

  describe('keyed uploads, as a retried job makes them', () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 2)]);
    const chart = (channel: string, threadTs: string, key: string) => ({
      channel,
      threadTs,
      filename: 'chart-metrics-round1.png',
      data: png,
      title: 'Scout metrics: what moved at the onset',
      key,
    });
    /** What a process that died after its claim leaves in the store. */
    const staleClaim = (channel: string, key: string) =>
      store.put('posted', `upload:${key}`, { state: 'claimed', channel, owner: 'dead', at: Date.now() - 60_000 });
    const sharedIn = (channel: string, ts: string) =>
      slack.fake.replies(channel, ts).flatMap((m) => m.files.map((id) => slack.fake.files().find((f) => f.id === id)));

    it('uploads each chart once however often it is asked', async () => {
      const ch = memberChannel('inc-upload-once');
      const parent = await poster.post({ channel: ch, text: 'status card' });
      await Promise.all([poster.uploadFile(chart(ch, parent, 'once')), poster.uploadFile(chart(ch, parent, 'once'))]);
      await poster.uploadFile(chart(ch, parent, 'once'));
      expect(sharedIn(ch, parent).map((f) => f?.filename)).toEqual(['chart-metrics-round1.png']);
    });

    it('finds the chart of a process that died before recording it, instead of uploading it twice', async () => {
      const ch = memberChannel('inc-upload-crash-after');
      const parent = await poster.post({ channel: ch, text: 'status card' });
      const { key: _key, ...made } = chart(ch, parent, 'died-after');
      const direct = new WebClient(slack.fake.botToken, { slackApiUrl: slack.url });
      await direct.files.uploadV2({
        channel_id: ch,
        thread_ts: parent,
        file: made.data,
        filename: made.filename,
        title: made.title,
      });
      await staleClaim(ch, 'died-after');
      await poster.uploadFile(chart(ch, parent, 'died-after'));
      expect(sharedIn(ch, parent)).toHaveLength(1);
      // The same name in another round's key is another chart: only what the dead process made is taken.
      await poster.uploadFile({ ...chart(ch, parent, 'round2'), filename: 'chart-metrics-round2.png' });
      expect(sharedIn(ch, parent).map((f) => f?.filename)).toEqual([
        'chart-metrics-round1.png',
        'chart-metrics-round2.png',
      ]);
    });

    it('uploads again a chart that a crash left uploaded but never completed, or whose completion failed', async () => {
      const ch = memberChannel('inc-upload-crash-mid');
      const parent = await poster.post({ channel: ch, text: 'status card' });
      // The dead process got its upload URL and sent the bytes, but never called files.completeUploadExternal.
      const direct = new WebClient(slack.fake.botToken, { slackApiUrl: slack.url });
      const url = await direct.files.getUploadURLExternal({ filename: 'chart-metrics-round1.png', length: png.length });
      await fetch(url.upload_url as string, { method: 'POST', body: png });
      await staleClaim(ch, 'died-mid');
      await poster.uploadFile(chart(ch, parent, 'died-mid'));
      expect(sharedIn(ch, parent)).toHaveLength(1);

      const other = memberChannel('inc-upload-failed');
      const root = await poster.post({ channel: other, text: 'status card' });
      slack.fake.failNext('files.completeUploadExternal', { error: 'internal_error' });
      await expect(poster.uploadFile(chart(other, root, 'failed'))).rejects.toBeInstanceOf(SlackApiError);
      await poster.uploadFile(chart(other, root, 'failed'));
      expect(sharedIn(other, root)).toHaveLength(1);
    });

    it('uploads a keyed text file once', async () => {
      const ch = memberChannel('inc-upload-text');
      const parent = await poster.post({ channel: ch, text: 'timeline' });
      const draft = {
        channel: ch,
        threadTs: parent,
        filename: 'postmortem.md',
        content: '# Draft\n',
        title: 'Postmortem draft',
        key: 'pm',
      };
      await poster.uploadText(draft);
      await poster.uploadText(draft);
      expect(sharedIn(ch, parent).map((f) => f?.content?.toString('utf8'))).toEqual(['# Draft\n']);
    });
  });
});

import { webApi } from '@slack/bolt';
import { startSlackFake, type RunningSlackFake } from '../../../../src/demo/slack-fake';

const { WebClient, ErrorCode } = webApi;
type WebClientT = InstanceType<typeof WebClient>;

let running: RunningSlackFake;
let web: WebClientT;

beforeAll(async () => {
  running = await startSlackFake();
});
afterAll(async () => {
  await running.close();
});
beforeEach(() => {
  web = new WebClient(running.fake.botToken, {
    slackApiUrl: running.url,
    retryConfig: { retries: 1, factor: 1, minTimeout: 10, maxTimeout: 10 },
    logLevel: webApi.LogLevel.ERROR,
  });
});

async function platformError(p: Promise<unknown>): Promise<{ error: string; data: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: string; data?: { error?: string } & Record<string, unknown> };
    if (e.code === ErrorCode.PlatformError && e.data) return { error: String(e.data.error), data: e.data };
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('Slack fake with the real WebClient', () => {
  it('answers auth.test with the bot identity Bolt reads', async () => {
    const res = await web.auth.test();
    expect(res.user_id).toBe(running.fake.botUserId);
    expect(res.bot_id).toBe(running.fake.botId);
  });

  it('rejects a missing or unknown token', async () => {
    const noToken = new WebClient(undefined, { slackApiUrl: running.url, retryConfig: { retries: 0 } });
    expect((await platformError(noToken.auth.test())).error).toBe('not_authed');
    const wrong = new WebClient('xoxb-nope', { slackApiUrl: running.url, retryConfig: { retries: 0 } });
    expect((await platformError(wrong.auth.test())).error).toBe('invalid_auth');
  });

  it('refuses to post before joining, then posts after conversations.join', async () => {
    const channel = running.fake.addChannel({ name: 'inc-join-first' });
    expect((await platformError(web.chat.postMessage({ channel, text: 'hello' }))).error).toBe('not_in_channel');
    await web.conversations.join({ channel });
    const res = await web.chat.postMessage({ channel, text: 'hello' });
    expect(running.fake.messages(channel).map((m) => m.text)).toEqual(['hello']);
    expect(running.fake.messages(channel)[0]?.ts).toBe(res.ts);
    expect(running.fake.calls('conversations.join').filter((c) => c.ok)).toHaveLength(1);
  });

  it('does not let the bot join a private channel on its own, only be invited', async () => {
    const channel = running.fake.addChannel({ name: 'inc-private', isPrivate: true });
    expect((await platformError(web.conversations.join({ channel }))).error).toBe(
      'method_not_supported_for_channel_type',
    );
    running.fake.inviteBot(channel);
    expect((await web.conversations.join({ channel })).warning).toBe('already_in_channel');
    await web.chat.postMessage({ channel, text: 'invited, so I can post' });
    expect(running.fake.messages(channel)).toHaveLength(1);
  });

  it('threads replies under their parent and rejects an unknown thread_ts', async () => {
    const channel = running.fake.addChannel({ name: 'inc-thread', botIsMember: true });
    const parent = await web.chat.postMessage({ channel, text: 'status card' });
    await web.chat.postMessage({ channel, text: 'finding 1', thread_ts: String(parent.ts) });
    expect((await platformError(web.chat.postMessage({ channel, text: 'lost', thread_ts: '1.000001' }))).error).toBe(
      'thread_not_found',
    );
    const [top] = running.fake.messages(channel);
    expect(top?.replies.map((r) => r.text)).toEqual(['finding 1']);
  });

  it('gives every message a unique, increasing ts', async () => {
    const channel = running.fake.addChannel({ name: 'inc-ts', botIsMember: true });
    const ts: string[] = [];
    for (let i = 0; i < 5; i += 1) ts.push(String((await web.chat.postMessage({ channel, text: `m${i}` })).ts));
    expect(new Set(ts).size).toBe(5);
    expect([...ts].sort((a, b) => Number(a) - Number(b))).toEqual(ts);
    expect(ts.every((t) => /^\d{10}\.\d{6}$/.test(t))).toBe(true);
  });

  it('rejects 51 blocks as invalid_blocks with a pointer to the problem', async () => {
    const channel = running.fake.addChannel({ name: 'inc-blocks', botIsMember: true });
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' as const }));
    const { error, data } = await platformError(web.chat.postMessage({ channel, text: 'x', blocks }));
    expect(error).toBe('invalid_blocks');
    expect(data.errors).toEqual(['must be less than 51 items [json-pointer:/blocks]']);
    expect(running.fake.messages(channel)).toHaveLength(0);
  });

  it('requires text or blocks and caps text at 40000 characters', async () => {
    const channel = running.fake.addChannel({ name: 'inc-text', botIsMember: true });
    expect((await platformError(web.chat.postMessage({ channel, text: '' }))).error).toBe('no_text');
    expect((await platformError(web.chat.postMessage({ channel, text: 'a'.repeat(40001) }))).error).toBe(
      'msg_too_long',
    );
  });

  it('honours Retry-After on a 429 and succeeds on the retry', async () => {
    const channel = running.fake.addChannel({ name: 'inc-ratelimit', botIsMember: true });
    running.fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    let rateLimitedFor = 0;
    web.on(webApi.WebClientEvent.RATE_LIMITED, (sec: number) => {
      rateLimitedFor = sec;
    });
    await web.chat.postMessage({ channel, text: 'after the wait' });
    expect(rateLimitedFor).toBe(1);
    const calls = running.fake.calls('chat.postMessage').filter((c) => c.args.channel === channel);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(running.fake.messages(channel).map((m) => m.text)).toEqual(['after the wait']);
  });

  it('round-trips message metadata and rejects a malformed one', async () => {
    const channel = running.fake.addChannel({ name: 'inc-meta', botIsMember: true });
    const metadata = { event_type: 'scout_finding', event_payload: { evidence: 'E1,E7', confidence: 0.8 } };
    const res = await web.chat.postMessage({ channel, text: 'finding', metadata });
    expect(running.fake.message(channel, String(res.ts))?.metadata).toEqual(metadata);
    const bad = web.apiCall('chat.postMessage', { channel, text: 'x', metadata: { event_type: 'x' } });
    expect((await platformError(bad)).error).toBe('invalid_metadata_format');
  });

  it('updates only existing bot messages and marks them edited', async () => {
    const channel = running.fake.addChannel({ name: 'inc-update', botIsMember: true });
    const posted = await web.chat.postMessage({ channel, text: 'v1' });
    await web.chat.update({ channel, ts: String(posted.ts), text: 'v2' });
    expect(running.fake.message(channel, String(posted.ts))).toMatchObject({
      text: 'v2',
      edited: { user: running.fake.botUserId },
    });
    expect((await platformError(web.chat.update({ channel, ts: '1.000002', text: 'x' }))).error).toBe(
      'message_not_found',
    );
    const human = running.fake.postAsUser({ channel, user: 'U0HUMAN001', text: 'mine' });
    expect((await platformError(web.chat.update({ channel, ts: human, text: 'x' }))).error).toBe('cant_update_message');
  });

  it('records reactions and refuses a duplicate', async () => {
    const channel = running.fake.addChannel({ name: 'inc-react', botIsMember: true });
    const posted = await web.chat.postMessage({ channel, text: 'look' });
    await web.reactions.add({ channel, timestamp: String(posted.ts), name: 'eyes' });
    expect(
      (await platformError(web.reactions.add({ channel, timestamp: String(posted.ts), name: 'eyes' }))).error,
    ).toBe('already_reacted');
    expect(running.fake.message(channel, String(posted.ts))?.reactions).toEqual([
      { name: 'eyes', users: [running.fake.botUserId] },
    ]);
  });

  it('answers users.info and usergroups.users.list, with their not-found errors', async () => {
    running.fake.addUser({ id: 'U0ALICE001', name: 'alice', realName: 'Alice Ops' });
    running.fake.addUsergroup({ id: 'S0ONCALL01', handle: 'oncall', users: ['U0ALICE001'] });
    expect((await web.users.info({ user: 'U0ALICE001' })).user?.real_name).toBe('Alice Ops');
    expect((await platformError(web.users.info({ user: 'U0NOBODY01' }))).error).toBe('user_not_found');
    expect((await web.usergroups.users.list({ usergroup: 'S0ONCALL01' })).users).toEqual(['U0ALICE001']);
    expect((await platformError(web.usergroups.users.list({ usergroup: 'S0NONE0001' }))).error).toBe('no_such_subteam');
  });

  it('stores an ephemeral for one user', async () => {
    const channel = running.fake.addChannel({ name: 'inc-eph', botIsMember: true });
    running.fake.addUser({ id: 'U0BOB00001', name: 'bob' });
    await web.chat.postEphemeral({ channel, user: 'U0BOB00001', text: 'only you' });
    expect(running.fake.ephemerals(channel, 'U0BOB00001').map((e) => e.text)).toEqual(['only you']);
    expect(running.fake.messages(channel)).toHaveLength(0);
  });

  it('says unknown_method for a method it does not know', async () => {
    expect(
      (await platformError(web.apiCall('chat.scheduleMessage', { channel: 'C1', text: 'x', post_at: 1 }))).error,
    ).toBe('unknown_method');
  });

  it('completes the files.uploadV2 flow into a thread with the file bytes', async () => {
    const channel = running.fake.addChannel({ name: 'inc-files', botIsMember: true });
    const parent = await web.chat.postMessage({ channel, text: 'card' });
    await web.filesUploadV2({
      channel_id: channel,
      thread_ts: String(parent.ts),
      filename: 'evidence.txt',
      title: 'Evidence',
      content: 'E1 500s from checkout',
      initial_comment: 'raw evidence attached',
    });
    const [file] = running.fake.files().filter((f) => f.channel === channel);
    expect(file?.content?.toString('utf8')).toBe('E1 500s from checkout');
    expect(file?.title).toBe('Evidence');
    const reply = running.fake.replies(channel, String(parent.ts))[0];
    expect(reply?.files).toEqual([file?.id]);
    expect(
      running.fake
        .calls()
        .map((c) => c.method)
        .filter((m) => m.startsWith('files.')),
    ).toEqual(['files.getUploadURLExternal', 'files.completeUploadExternal']);
  });

  it('refuses blocks holding more than about 13.2k characters in all with msg_blocks_too_long, each block valid on its own', async () => {
    const channel = running.fake.addChannel({ name: 'inc-block-total', botIsMember: true });
    const section = (n: number) => ({
      type: 'section' as const,
      text: { type: 'mrkdwn' as const, text: 'x'.repeat(n) },
    });
    expect(
      (
        await platformError(
          web.chat.postMessage({ channel, text: 'x', blocks: [1, 2, 3, 4, 5].map(() => section(2900)) }),
        )
      ).error,
    ).toBe('msg_blocks_too_long');
    expect(running.fake.messages(channel)).toHaveLength(0);
    await web.chat.postMessage({ channel, text: 'x', blocks: [1, 2, 3, 4].map(() => section(2900)) });
    expect(running.fake.messages(channel)).toHaveLength(1);
  });

  it('keeps the bytes and alt text of an uploaded PNG and knows it is one', async () => {
    const channel = running.fake.addChannel({ name: 'inc-png', botIsMember: true });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 7)]);
    await web.filesUploadV2({
      channel_id: channel,
      file: png,
      filename: 'chart.png',
      title: 'Chart',
      alt_text: 'p99 latency of checkout',
    });
    const [file] = running.fake.files().filter((f) => f.channel === channel);
    expect(file?.content?.equals(png)).toBe(true);
    expect(file?.mimetype).toBe('image/png');
    expect(file?.altText).toBe('p99 latency of checkout');
  });
});

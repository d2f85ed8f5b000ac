import { webApi } from '@slack/bolt';
import { startSlackFake, type RunningSlackFake } from '../../../../src/demo/slack-fake';

let running: RunningSlackFake;
beforeAll(async () => {
  running = await startSlackFake();
});
afterAll(async () => {
  await running.close();
});

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${running.origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
const auth = (): Record<string, string> => ({ authorization: `Bearer ${running.fake.botToken}` });

describe('Slack fake HTTP surface', () => {
  it('accepts JSON bodies with the token in the Authorization header', async () => {
    const channel = running.fake.addChannel({ name: 'inc-json', botIsMember: true });
    const res = await post(
      '/api/chat.postMessage',
      { channel, text: 'json body', blocks: [{ type: 'divider' }] },
      auth(),
    );
    expect(res.json).toMatchObject({ ok: true, channel });
    expect(running.fake.messages(channel)[0]?.blocks).toEqual([{ type: 'divider' }]);
  });

  it('hides a private channel from a bot that is not in it', async () => {
    const channel = running.fake.addChannel({ name: 'inc-secret', isPrivate: true });
    expect((await post('/api/conversations.info', { channel }, auth())).json).toEqual({
      ok: false,
      error: 'channel_not_found',
    });
  });

  it('creates a channel the bot is in, and refuses a taken name', async () => {
    const created = await post('/api/conversations.create', { name: 'inc-created' }, auth());
    expect(created.json).toMatchObject({ ok: true, channel: { name: 'inc-created', is_member: true } });
    expect((await post('/api/conversations.create', { name: 'inc-created' }, auth())).json).toEqual({
      ok: false,
      error: 'name_taken',
    });
  });

  it('refuses reactions and ephemerals in a channel the bot has not joined', async () => {
    const channel = running.fake.addChannel({ name: 'inc-outside' });
    const ts = running.fake.postAsUser({ channel, user: 'U0HUMAN001', text: 'help' });
    expect((await post('/api/reactions.add', { channel, timestamp: ts, name: 'eyes' }, auth())).json.error).toBe(
      'not_in_channel',
    );
    expect((await post('/api/chat.postEphemeral', { channel, user: 'U0HUMAN001', text: 'x' }, auth())).json.error).toBe(
      'not_in_channel',
    );
  });

  it('returns a queued platform error once, then behaves again', async () => {
    running.fake.failNext('auth.test', { error: 'team_access_not_granted' });
    expect((await post('/api/auth.test', {}, auth())).json).toEqual({ ok: false, error: 'team_access_not_granted' });
    expect((await post('/api/auth.test', {}, auth())).json.ok).toBe(true);
  });

  it('lets WebClient retry through a 503 on any method', async () => {
    running.fake.failNext('*', { status: 503 });
    const web = new webApi.WebClient(running.fake.botToken, {
      slackApiUrl: running.url,
      retryConfig: { retries: 1, factor: 1, minTimeout: 10, maxTimeout: 10 },
      logLevel: webApi.LogLevel.ERROR,
    });
    const before = running.fake.calls('auth.test').length;
    await web.auth.test();
    expect(
      running.fake
        .calls('auth.test')
        .slice(before)
        .map((c) => c.status),
    ).toEqual([503, 200]);
  });

  it('records an in_channel response_url post as a channel message and ephemeral ones per user', async () => {
    const channel = running.fake.addChannel({ name: 'inc-respond' });
    const url = running.fake.createResponseUrl({ channel, user: 'U0HUMAN001' });
    expect(
      (
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: 'just you' }),
        })
      ).status,
    ).toBe(200);
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'everyone', response_type: 'in_channel' }),
    });
    expect(running.fake.ephemerals(channel, 'U0HUMAN001').map((e) => e.text)).toEqual(['just you']);
    expect(running.fake.messages(channel).map((m) => m.text)).toEqual(['everyone']);
  });

  it('stops honouring a response_url after five uses', async () => {
    const channel = running.fake.addChannel({ name: 'inc-respond-5' });
    const url = running.fake.createResponseUrl({ channel, user: 'U0HUMAN001' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push(
        (
          await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ text: `r${i}` }),
          })
        ).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });

  it('records every call with its outcome and never the token', async () => {
    await post('/api/users.info', { user: 'U0NOBODY99' }, auth());
    const last = running.fake.calls('users.info').at(-1);
    expect(last).toMatchObject({ ok: false, error: 'user_not_found', args: { user: 'U0NOBODY99' } });
    expect(JSON.stringify(running.fake.calls())).not.toContain(running.fake.botToken);
  });
});

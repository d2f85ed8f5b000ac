// conversations.create and conversations.invite in the Slack fake answer as Slack does, through the real WebClient.
import { webApi } from '@slack/bolt';
import { startSlackFake, type RunningSlackFake } from '../../../../src/demo/slack-fake';

let running: RunningSlackFake;
let web: InstanceType<typeof webApi.WebClient>;

beforeAll(async () => {
  running = await startSlackFake();
  running.fake.addUser({ id: 'U0DANA0001', name: 'dana' });
  running.fake.addUser({ id: 'U0LEE00001', name: 'lee' });
  web = new webApi.WebClient(running.fake.botToken, {
    slackApiUrl: running.url,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });
});
afterAll(async () => {
  await running.close();
});

async function slackError(p: Promise<unknown>): Promise<{ error: string; errors?: unknown }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof webApi.WebAPIPlatformError)
      return { error: err.data.error, errors: (err.data as { errors?: unknown }).errors };
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('conversations.create', () => {
  it('creates a channel the bot is in, and refuses names Slack refuses', async () => {
    const res = await web.conversations.create({ name: 'inc-2026-12-07-disk' });
    expect(res.channel).toMatchObject({ name: 'inc-2026-12-07-disk', is_member: true, is_private: false });
    expect((await slackError(web.conversations.create({ name: 'inc-2026-12-07-disk' }))).error).toBe('name_taken');
    expect((await slackError(web.conversations.create({ name: 'Inc-Upper' }))).error).toBe('invalid_name_specials');
    expect((await slackError(web.conversations.create({ name: 'inc.dots' }))).error).toBe('invalid_name_specials');
    expect((await slackError(web.conversations.create({ name: '---' }))).error).toBe('invalid_name_punctuation');
    expect((await slackError(web.conversations.create({ name: `inc-${'x'.repeat(80)}` }))).error).toBe(
      'invalid_name_maxlength',
    );
  });
});

describe('conversations.invite', () => {
  it('invites people once; without force one bad id invites nobody, with force the valid ones are invited', async () => {
    const { channel } = await web.conversations.create({ name: 'inc-invite' });
    const id = channel?.id as string;
    await web.conversations.invite({ channel: id, users: 'U0DANA0001' });
    expect((await slackError(web.conversations.invite({ channel: id, users: 'U0DANA0001' }))).error).toBe(
      'already_in_channel',
    );
    const bad = await slackError(web.conversations.invite({ channel: id, users: 'U0LEE00001,U0NOBODY01' }));
    expect(bad).toEqual({
      error: 'user_not_found',
      errors: [{ user: 'U0NOBODY01', ok: false, error: 'user_not_found' }],
    });
    expect(running.fake.channels.get(id)?.members).toEqual(['U0DANA0001']);
    await web.conversations.invite({ channel: id, users: 'U0LEE00001,U0NOBODY01', force: true });
    expect(running.fake.channels.get(id)?.members).toEqual(['U0DANA0001', 'U0LEE00001']);
    expect((await slackError(web.conversations.invite({ channel: id, users: running.fake.botUserId }))).error).toBe(
      'cant_invite_self',
    );
  });

  it('needs the bot in the channel', async () => {
    const other = running.fake.addChannel({ name: 'inc-not-member' });
    expect((await slackError(web.conversations.invite({ channel: other, users: 'U0DANA0001' }))).error).toBe(
      'not_in_channel',
    );
  });
});

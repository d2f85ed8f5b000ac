import type { AddressInfo } from 'node:net';
import { App, LogLevel, verifySlackRequest } from '@slack/bolt';
import {
  SlackEventClient,
  signSlackRequest,
  startSlackFake,
  type RunningSlackFake,
} from '../../../../src/demo/slack-fake';

const signingSecret = 'fake-signing-secret';
let running: RunningSlackFake;
let app: App;
let client: SlackEventClient;
const seen: { events: string[]; commands: string[]; actions: string[]; retries: (number | undefined)[] } = {
  events: [],
  commands: [],
  actions: [],
  retries: [],
};

beforeAll(async () => {
  running = await startSlackFake();
  app = new App({
    token: running.fake.botToken,
    signingSecret,
    clientOptions: { slackApiUrl: running.url },
    logLevel: LogLevel.ERROR,
  });
  app.event('channel_created', async ({ event }) => {
    seen.events.push(event.channel.name);
  });
  app.event('app_mention', async ({ context }) => {
    seen.retries.push(context.retryNum);
  });
  app.command('/triage', async ({ ack, command, respond }) => {
    await ack();
    seen.commands.push(command.text);
    await respond({ response_type: 'ephemeral', text: `Triage started for ${command.channel_name}` });
  });
  app.action('approve', async ({ ack, action, respond }) => {
    await ack();
    seen.actions.push(action.type === 'button' ? String(action.value) : '?');
    await respond({ replace_original: true, text: 'Approved by alice' });
  });
  const server = await app.start(0);
  const { port } = server.address() as AddressInfo;
  client = new SlackEventClient({ appUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret, fake: running.fake });
  running.fake.addUser({ id: 'U0ALICE001', name: 'alice' });
});
afterAll(async () => {
  await app.stop();
  await running.close();
});

describe('Slack event client against a real Bolt app', () => {
  it('signs bodies exactly as Bolt verifies them', () => {
    const body = 'token=x&text=hello';
    const ts = Math.floor(Date.now() / 1000);
    const signature = signSlackRequest(signingSecret, ts, body);
    expect(() =>
      verifySlackRequest({
        signingSecret,
        body,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
      }),
    ).not.toThrow();
    expect(() =>
      verifySlackRequest({
        signingSecret: 'other',
        body,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
      }),
    ).toThrow(/signature mismatch/);
  });

  it('lets Bolt verify its token with auth.test against the fake', async () => {
    await running.fake.waitFor((f) => f.calls('auth.test').some((c) => c.ok), 2000, 'auth.test');
  });

  it('gets a slash command acked and the ephemeral reply recorded from the response_url', async () => {
    const channel = running.fake.addChannel({ name: 'inc-api-errors' });
    const res = await client.sendCommand({
      command: '/triage',
      text: 'checkout is slow',
      user_id: 'U0ALICE001',
      channel_id: channel,
    });
    expect(res.status).toBe(200);
    expect(seen.commands).toContain('checkout is slow');
    const eph = await running.fake.waitFor((f) => f.ephemerals(channel, 'U0ALICE001')[0], 2000, 'ephemeral');
    expect(eph.text).toBe('Triage started for inc-api-errors');
    expect(eph.source).toBe('response_url');
  });

  it('delivers an event through openIncidentChannel', async () => {
    const { channelId, result } = await client.openIncidentChannel('inc-2026-11-27-db');
    expect(result.status).toBe(200);
    expect(running.fake.channels.get(channelId)?.name).toBe('inc-2026-11-27-db');
    await running.fake.waitFor(() => seen.events.includes('inc-2026-11-27-db'), 2000, 'channel_created handled');
  });

  it('delivers a button click whose response replaces the original message', async () => {
    const channel = running.fake.addChannel({ name: 'inc-approve', botIsMember: true });
    const posted = await app.client.chat.postMessage({
      channel,
      text: 'Restart checkout?',
      blocks: [
        {
          type: 'actions',
          block_id: 'p1',
          elements: [
            { type: 'button', action_id: 'approve', value: 'P1', text: { type: 'plain_text', text: 'Approve' } },
          ],
        },
      ],
    });
    const res = await client.sendBlockAction({
      user: 'U0ALICE001',
      channel,
      message_ts: String(posted.ts),
      action_id: 'approve',
      block_id: 'p1',
      value: 'P1',
    });
    expect(res.status).toBe(200);
    await running.fake.waitFor(
      (f) => f.message(channel, String(posted.ts))?.text === 'Approved by alice',
      2000,
      'original replaced',
    );
    expect(seen.actions).toEqual(['P1']);
  });

  it('marks a redelivered event with Slack retry headers that Bolt exposes as retryNum', async () => {
    const channel = running.fake.addChannel({ name: 'inc-retry', botIsMember: true });
    const event = {
      type: 'app_mention',
      channel,
      user: 'U0ALICE001',
      text: '<@U0BOT00001> triage',
      ts: running.fake.nextTs(),
    };
    await client.sendEvent(event, { eventId: 'Ev0RETRY01' });
    await client.sendEvent(event, { eventId: 'Ev0RETRY01', retryNum: 1 });
    await running.fake.waitFor(() => seen.retries.length === 2, 2000, 'both deliveries handled');
    expect(seen.retries).toEqual([undefined, 1]);
  });

  it('is rejected with 401 for a bad signature or a stale timestamp', async () => {
    const body = new URLSearchParams({ command: '/triage', text: 'x' }).toString();
    const forged = await client.raw({
      body,
      contentType: 'application/x-www-form-urlencoded',
      signature: 'v0=deadbeef',
    });
    expect(forged.status).toBe(401);
    const stale = await client.raw({
      body,
      contentType: 'application/x-www-form-urlencoded',
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(stale.status).toBe(401);
  });

  it('answers the URL-verification handshake', async () => {
    const res = await client.sendUrlVerification('challenge-123');
    expect(res.body).toEqual({ challenge: 'challenge-123' });
  });
});

// Socket Mode end to end: the real runtime with SLACK_APP_TOKEN, Bolt's SocketModeReceiver and the
// real SocketModeClient, connected over a WebSocket to the Slack fake (apps.connections.open with the
// app-level token, then `hello`). Events, slash commands and clicks arrive as envelopes; Slack needs
// each acked over the socket within 3 seconds, and the answers still come through response_url.
import { createServer } from 'node:net';
import type { SlackEventClient as Client } from '../../src/demo/slack-fake';
import { SlackEventClient } from '../../src/demo/slack-fake';
import {
  investigationThreads,
  readable,
  startInvestigationApp,
  waitForSynthesis,
  type InvestigationApp,
} from '../helpers/investigation';

let app: InvestigationApp;
let socket: Client;
let healthPort: number;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  healthPort = await freePort();
  // startInvestigationApp starts the Slack fake first; the app token is the fake's default one.
  app = await startInvestigationApp({
    env: { SLACK_APP_TOKEN: 'xapp-1-A0FAKEAPP1-fake-app-token', PORT: String(healthPort) },
  });
  await app.slack.fake.socketMode.waitConnected();
  socket = new SlackEventClient({ appUrl: '', signingSecret: '', fake: app.slack.fake, via: 'socket-mode' });
});

afterAll(async () => {
  await app?.close();
});

describe('Socket Mode', () => {
  it('connects with the app-level token only, and never uses it for anything else', () => {
    const opens = app.slack.fake.calls('apps.connections.open');
    expect(opens.length).toBeGreaterThanOrEqual(1);
    expect(opens.every((c) => c.ok)).toBe(true);
    expect(app.slack.fake.callLog.filter((c) => c.error === 'not_allowed_token_type')).toEqual([]);
  });

  it('acks channel_created over the socket and investigates the channel once, though Slack delivered the event twice', async () => {
    const { fake } = app.slack;
    const name = 'inc-socket-checkout';
    const channelId = fake.addChannel({ name });
    const event = {
      type: 'channel_created',
      channel: { id: channelId, name, created: fake.channels.get(channelId)?.created ?? 0, creator: 'U0ONCALL01' },
      event_ts: fake.nextTs(),
    };
    // The redelivery carries the same event_id and a retry_attempt, and may arrive before the first is done.
    const [first, again] = await Promise.all([
      socket.sendEvent(event, { eventId: 'Ev0SOCKETDUP1' }),
      socket.sendEvent(event, { eventId: 'Ev0SOCKETDUP1', retryNum: 1, retryReason: 'timeout' }),
    ]);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(Math.max(first.ms, again.ms)).toBeLessThan(3_000);
    await waitForSynthesis(fake, channelId);
    await app.runtime.queue.drain(20_000);
    const top = fake.messages(channelId);
    expect(top).toHaveLength(2); // the kickoff and the investigation's status card
    expect(readable(top[0]!)).toContain('Incident Scout is on it.');
    expect(investigationThreads(fake, channelId)).toHaveLength(1);
  });

  it('acks /triage status within 3 seconds and answers the person through response_url', async () => {
    const { fake } = app.slack;
    const { channelId } = await socket.openIncidentChannel('inc-socket-status', 'U0ONCALL01');
    await waitForSynthesis(fake, channelId);
    const before = fake.ephemeralLog.length;
    const r = await socket.sendCommand({ user_id: 'U0GUEST01', channel_id: channelId, text: 'status' });
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(3_000);
    const answer = await fake.waitFor(
      () => fake.ephemeralLog.slice(before).find((e) => e.user === 'U0GUEST01' && e.channel === channelId),
      10_000,
      'the status answer',
    );
    expect(answer.source).toBe('response_url');
    expect(readable(answer)).toMatch(/round 1/i);
  });

  it('answers a bad command with its usage, ephemerally, and a click nobody can route with a clear reply', async () => {
    const { fake } = app.slack;
    const { channelId } = await socket.openIncidentChannel('inc-socket-bad-input', 'U0ONCALL01');
    const before = fake.ephemeralLog.length;
    const r = await socket.sendCommand({ user_id: 'U0GUEST02', channel_id: channelId, text: 'frobnicate now' });
    expect(r.status).toBe(200);
    const usage = await fake.waitFor(
      () => fake.ephemeralLog.slice(before).find((e) => e.user === 'U0GUEST02'),
      10_000,
      'the usage reply',
    );
    expect(readable(usage)).toContain('/triage');
    // The kickoff is posted by queued work after the event's ack: wait for it rather than race it.
    const top = await fake.waitFor(() => fake.messages(channelId)[0], 10_000, 'the kickoff');
    const click = await socket.sendBlockAction({
      user: 'U0GUEST02',
      channel: channelId,
      message_ts: top.ts,
      action_id: '',
      block_id: 'b',
      value: 'x',
    });
    expect(click.status).toBe(200);
    await fake.waitFor(
      () => fake.ephemeralLog.slice(before).filter((e) => e.user === 'U0GUEST02').length >= 2,
      10_000,
      'the unreadable-click reply',
    );
    expect(fake.socketMode.strayMessages).toEqual([]);
  });

  it('acks every malformed command and click, answers where it can, and keeps serving', async () => {
    const { fake } = app.slack;
    const { channelId } = await socket.openIncidentChannel('inc-socket-malformed', 'U0ONCALL01');
    const clickOf = (
      mutate: (p: Record<string, unknown>) => void,
    ): { payload: Record<string, unknown>; responseUrl: string } => {
      const responseUrl = fake.createResponseUrl({ channel: channelId, user: 'U0GUEST04' });
      const payload: Record<string, unknown> = {
        type: 'block_actions',
        api_app_id: 'A0FAKEAPP1',
        trigger_id: '1.2',
        user: { id: 'U0GUEST04', username: 'gus' },
        team: { id: fake.teamId },
        channel: { id: channelId, name: 'inc-socket-malformed' },
        container: { type: 'message', message_ts: '1.000001', channel_id: channelId },
        response_url: responseUrl,
        actions: [
          { type: 'button', action_id: 'approve_proposal', block_id: 'b1', value: 'P-1:abc', action_ts: fake.nextTs() },
        ],
      };
      mutate(payload);
      return { payload, responseUrl };
    };
    const clicks = [
      clickOf((p) => void (p.actions = { action_id: 'approve_proposal' })),
      clickOf((p) => void (p.actions = [])),
      clickOf((p) => void (p.actions = [null])),
      clickOf((p) => void ((p.actions as Record<string, unknown>[])[0]!.value = { nested: true })),
      clickOf((p) => void delete p.user),
      clickOf((p) => void (p.user = 'U0GUEST04')),
      clickOf((p) => void (delete p.channel, delete p.container)),
    ];
    const commands = [
      {
        command: '/triage',
        text: 'status',
        channel_id: channelId,
        response_url: fake.createResponseUrl({ channel: channelId, user: 'U0GUEST04' }),
      },
      {
        command: '/triage',
        text: 42,
        user_id: 'U0GUEST04',
        channel_id: channelId,
        response_url: fake.createResponseUrl({ channel: channelId, user: 'U0GUEST04' }),
      },
      { command: '/triage', text: 'help', user_id: 'U0GUEST04', channel_id: channelId },
    ];
    const acks = await Promise.all([
      ...clicks.map((c) => fake.socketMode.send('interactive', c.payload)),
      ...commands.map((c) => fake.socketMode.send('slash_commands', c)),
    ]);
    expect(acks.every((a) => a.ms < 3_000)).toBe(true);
    // Where a response_url came with it, whatever answer arrives is a clear one, never an internal error.
    await new Promise((r) => setTimeout(r, 500));
    const answers = fake.ephemeralLog
      .filter((e) => e.channel === channelId && e.user === 'U0GUEST04')
      .map((e) => e.text);
    expect(answers.filter((t) => /Something went wrong/.test(t))).toEqual([]);
    const r = await socket.sendCommand({ user_id: 'U0GUEST04', channel_id: channelId, text: 'help' });
    expect(r.status).toBe(200);
  });

  it('reconnects when Slack asks it to (a disconnect message) and keeps acking', async () => {
    const { fake } = app.slack;
    const opened = fake.calls('apps.connections.open').length;
    fake.socketMode.sendDisconnect();
    await fake.waitFor(
      () => fake.calls('apps.connections.open').length > opened && fake.socketMode.connected === 1,
      15_000,
      'a new connection',
    );
    const { channelId } = await socket.openIncidentChannel('inc-socket-after-reconnect', 'U0ONCALL01');
    const r = await socket.sendCommand({ user_id: 'U0GUEST03', channel_id: channelId, text: 'help' });
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(3_000);
  });

  it('serves /healthz on PORT beside the socket', async () => {
    const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect(res.status).toBe(200);
  });
});

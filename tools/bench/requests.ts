// Signed Slack deliveries for the load generator, built ahead of a run so that signing and JSON
// encoding do not run inside the timed loop. Shapes follow src/demo/slack-fake/client.ts (what Slack
// sends): a form-encoded slash command and a form-encoded `block_actions` payload.
import { randomBytes } from 'node:crypto';
import type { FakeMessage, SlackFake } from '../../src/demo/slack-fake';
import { signSlackRequest } from '../../src/demo/slack-fake';
import type { LoadRequest } from './load';

const APP_ID = 'A0FAKEAPP1';

function triggerId(): string {
  return `${Date.now()}.${randomBytes(4).readUInt32BE(0)}.${randomBytes(16).toString('hex')}`;
}

let clicks = 0;
/** Slack's action_ts: seconds with six decimals; a counter keeps every click distinct. */
function actionTs(): string {
  clicks += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(clicks % 1_000_000).padStart(6, '0')}`;
}

function signed(secret: string, body: string, contentType: string): LoadRequest {
  const ts = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      'Content-Type': contentType,
      'X-Slack-Signature': signSlackRequest(secret, ts, body),
      'X-Slack-Request-Timestamp': String(ts),
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    },
  };
}

/** A `/triage <text>` command from `user` in `channel`, with its own trigger id and response_url. */
export function slashCommand(
  fake: SlackFake,
  secret: string,
  c: { channel: string; user: string; text: string },
): LoadRequest {
  const form = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: fake.teamId,
    team_domain: 'fake-workspace',
    channel_id: c.channel,
    channel_name: fake.channels.get(c.channel)?.name ?? 'unknown',
    user_id: c.user,
    user_name: fake.users.get(c.user)?.name ?? c.user,
    command: '/triage',
    text: c.text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: fake.createResponseUrl({ channel: c.channel, user: c.user }),
    trigger_id: triggerId(),
  });
  return signed(secret, form.toString(), 'application/x-www-form-urlencoded');
}

/** A click on a button of `message` (the whole message travels in the payload, as Slack sends it). */
export function buttonClick(
  fake: SlackFake,
  secret: string,
  c: { message: FakeMessage; user: string; actionId: string; blockId: string; value: string },
): LoadRequest {
  const { message: msg } = c;
  const responseUrl = fake.createResponseUrl({
    channel: msg.channel,
    user: c.user,
    messageTs: msg.ts,
    ...(msg.threadTs ? { threadTs: msg.threadTs } : {}),
  });
  const payload = {
    type: 'block_actions',
    token: 'legacy-verification-token',
    api_app_id: APP_ID,
    trigger_id: triggerId(),
    user: {
      id: c.user,
      username: fake.users.get(c.user)?.name ?? c.user,
      name: fake.users.get(c.user)?.name ?? c.user,
      team_id: fake.teamId,
    },
    team: { id: fake.teamId, domain: 'fake-workspace' },
    container: {
      type: 'message',
      message_ts: msg.ts,
      channel_id: msg.channel,
      is_ephemeral: false,
      ...(msg.threadTs ? { thread_ts: msg.threadTs } : {}),
    },
    channel: { id: msg.channel, name: fake.channels.get(msg.channel)?.name ?? 'unknown' },
    message: {
      type: 'message',
      ts: msg.ts,
      user: msg.user,
      text: msg.text,
      blocks: msg.blocks ?? [],
      ...(msg.botId ? { bot_id: msg.botId } : {}),
      ...(msg.threadTs ? { thread_ts: msg.threadTs } : {}),
    },
    state: { values: {} },
    response_url: responseUrl,
    // action_ts differs per click (Slack's clock in microseconds), so each click is a new delivery for dedupe.
    actions: [{ type: 'button', action_id: c.actionId, block_id: c.blockId, value: c.value, action_ts: actionTs() }],
  };
  return signed(
    secret,
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    'application/x-www-form-urlencoded',
  );
}

/** The first button with `actionId` in any message of `channel` (top-level or reply), with its message. */
export function findButton(
  fake: SlackFake,
  channel: string,
  actionId: string,
): { message: FakeMessage; blockId: string; value: string } | undefined {
  for (const m of fake.messageIndex.values()) {
    if (m.channel !== channel || !m.blocks) continue;
    for (const block of m.blocks) {
      const b = block as { type?: unknown; block_id?: unknown; elements?: unknown };
      if (b.type !== 'actions' || !Array.isArray(b.elements)) continue;
      for (const el of b.elements as Array<{ action_id?: unknown; value?: unknown }>) {
        if (el.action_id === actionId && typeof el.value === 'string') {
          return { message: m, blockId: typeof b.block_id === 'string' ? b.block_id : '', value: el.value };
        }
      }
    }
  }
  return undefined;
}

/** An Events API `event_callback` carrying `event`, with a fresh event id. */
export function signedEvent(fake: SlackFake, secret: string, event: Record<string, unknown>): LoadRequest {
  const envelope = {
    token: 'legacy-verification-token',
    team_id: fake.teamId,
    api_app_id: APP_ID,
    event,
    type: 'event_callback',
    event_id: `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: fake.teamId,
        user_id: fake.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
  };
  return signed(secret, JSON.stringify(envelope), 'application/json');
}

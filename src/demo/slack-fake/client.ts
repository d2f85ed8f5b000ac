// Plays Slack's side of the Events API, slash commands and interactivity: signed HTTP requests to the
// app, or the same payloads as Socket Mode envelopes over the fake's WebSocket (`via: 'socket-mode'`).
import { createHmac, randomBytes } from 'node:crypto';
import type { SlackFake } from './fake';

export interface SlackClientOptions {
  /** The app's request URL, e.g. `http://127.0.0.1:3000/slack/events` (unused over Socket Mode). */
  appUrl: string;
  /** How requests reach the app: signed HTTP POSTs (default) or envelopes over a Socket Mode connection. */
  via?: 'http' | 'socket-mode';
  signingSecret: string;
  fake: SlackFake;
  apiAppId?: string;
  fetchFn?: typeof fetch;
  /** Seconds since epoch used for X-Slack-Request-Timestamp; defaults to the fake's clock. */
  nowSec?: () => number;
}

export interface SlackHttpResult {
  status: number;
  /** Parsed JSON when the app answered JSON, else the raw text. */
  body: unknown;
  ms: number;
}

export interface RawRequest {
  body: string;
  contentType: string;
  /** Override the signature or timestamp to test rejection. */
  signature?: string;
  timestamp?: number;
  headers?: Record<string, string>;
}

export interface CommandSpec {
  command?: string;
  text?: string;
  user_id: string;
  user_name?: string;
  channel_id: string;
  channel_name?: string;
  trigger_id?: string;
}

export interface BlockActionSpec {
  user: string;
  channel: string;
  message_ts: string;
  thread_ts?: string;
  action_id: string;
  block_id: string;
  value: string;
}

/** Slack's v0 request signature: `v0=` + hex HMAC-SHA256 of `v0:{ts}:{body}`. */
export function signSlackRequest(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** A client that sends what Slack would send to the app, correctly signed. */
export class SlackEventClient {
  private readonly fetchFn: typeof fetch;
  private readonly apiAppId: string;
  private readonly nowSec: () => number;

  constructor(private readonly opts: SlackClientOptions) {
    this.fetchFn = opts.fetchFn ?? fetch;
    this.apiAppId = opts.apiAppId ?? 'A0FAKEAPP1';
    this.nowSec = opts.nowSec ?? (() => Math.floor(opts.fake.clock.now().getTime() / 1000));
  }

  /** Sends any body with chosen signature/timestamp; the escape hatch for tests of rejection. */
  async raw(r: RawRequest): Promise<SlackHttpResult> {
    if (this.opts.via === 'socket-mode') return this.overSocket(r);
    const timestamp = r.timestamp ?? this.nowSec();
    const signature = r.signature ?? signSlackRequest(this.opts.signingSecret, timestamp, r.body);
    const started = performance.now();
    const res = await this.fetchFn(this.opts.appUrl, {
      method: 'POST',
      headers: {
        'Content-Type': r.contentType,
        'X-Slack-Signature': signature,
        'X-Slack-Request-Timestamp': String(timestamp),
        'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        ...r.headers,
      },
      body: r.body,
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text === '' ? '' : (JSON.parse(text) as unknown);
    } catch {
      // Not JSON (an ack is often an empty body); keep the text.
    }
    return { status: res.status, body, ms: performance.now() - started };
  }

  /**
   * The Socket Mode form of a request: an event_callback becomes an `events_api` envelope (Slack's retry
   * headers its retry_attempt), a form with a `payload` an `interactive` one, any other form (a slash
   * command) a `slash_commands` one. The result is the ack: status 200, the ack's payload as the body.
   */
  private async overSocket(r: RawRequest): Promise<SlackHttpResult> {
    const { socketMode } = this.opts.fake;
    if (r.contentType === 'application/json') {
      const body = JSON.parse(r.body) as { type?: string };
      if (body.type !== 'event_callback') throw new Error(`Socket Mode carries no ${String(body.type)} requests`);
      const retry = r.headers?.['X-Slack-Retry-Num'];
      const ack = await socketMode.send('events_api', body, {
        ...(retry !== undefined
          ? { retryAttempt: Number(retry), retryReason: r.headers?.['X-Slack-Retry-Reason'] ?? 'timeout' }
          : {}),
      });
      return { status: 200, body: ack.payload ?? '', ms: ack.ms };
    }
    const form = new URLSearchParams(r.body);
    const payload = form.get('payload');
    const ack =
      payload !== null
        ? await socketMode.send('interactive', JSON.parse(payload))
        : await socketMode.send('slash_commands', Object.fromEntries(form));
    return { status: 200, body: ack.payload ?? '', ms: ack.ms };
  }

  /** Sends an Events API `event_callback`; `retryNum` adds Slack's retry headers. */
  async sendEvent(
    event: Record<string, unknown>,
    o: { eventId?: string; retryNum?: number; retryReason?: string } = {},
  ): Promise<SlackHttpResult> {
    const { fake } = this.opts;
    const envelope = {
      token: 'legacy-verification-token',
      team_id: fake.teamId,
      api_app_id: this.apiAppId,
      event,
      type: 'event_callback',
      event_id: o.eventId ?? `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
      event_time: this.nowSec(),
      event_context: `4-${randomBytes(8).toString('hex')}`,
      is_ext_shared_channel: false,
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
    const headers: Record<string, string> =
      o.retryNum !== undefined
        ? { 'X-Slack-Retry-Num': String(o.retryNum), 'X-Slack-Retry-Reason': o.retryReason ?? 'http_timeout' }
        : {};
    return this.raw({ body: JSON.stringify(envelope), contentType: 'application/json', headers });
  }

  /** Sets a usergroup's members in the fake and sends `subteam_members_changed`, as Slack does to subscribed apps. */
  async setUsergroupMembers(groupId: string, users: string[]): Promise<SlackHttpResult> {
    const group = this.opts.fake.usergroups.get(groupId);
    if (!group) throw new Error(`no usergroup ${groupId} in the fake`);
    const before = group.users;
    group.users = [...users];
    const added = users.filter((u) => !before.includes(u));
    const removed = before.filter((u) => !users.includes(u));
    const now = this.nowSec();
    return this.sendEvent({
      type: 'subteam_members_changed',
      subteam_id: groupId,
      team_id: this.opts.fake.teamId,
      date_previous_update: now - 60,
      date_update: now,
      added_users: added,
      added_users_count: String(added.length),
      removed_users: removed,
      removed_users_count: String(removed.length),
      event_ts: `${now}.000100`,
    });
  }

  /** Sends a slash command as Slack does (form-encoded) with a response_url served by the fake. */
  async sendCommand(c: CommandSpec): Promise<SlackHttpResult & { responseUrl: string }> {
    const { fake } = this.opts;
    this.knowUser(c.user_id, c.user_name);
    const channel = fake.channels.get(c.channel_id);
    const responseUrl = fake.createResponseUrl({ channel: c.channel_id, user: c.user_id });
    const form = new URLSearchParams({
      token: 'legacy-verification-token',
      team_id: fake.teamId,
      team_domain: 'fake-workspace',
      channel_id: c.channel_id,
      channel_name: c.channel_name ?? channel?.name ?? 'unknown',
      user_id: c.user_id,
      user_name: c.user_name ?? fake.users.get(c.user_id)?.name ?? c.user_id,
      command: c.command ?? '/triage',
      text: c.text ?? '',
      api_app_id: this.apiAppId,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: c.trigger_id ?? triggerId(),
    });
    const r = await this.raw({ body: form.toString(), contentType: 'application/x-www-form-urlencoded' });
    return { ...r, responseUrl };
  }

  /** Sends a `block_actions` payload for a button click on a message in the fake. */
  async sendBlockAction(a: BlockActionSpec): Promise<SlackHttpResult & { responseUrl: string }> {
    const { fake } = this.opts;
    this.knowUser(a.user);
    const msg = fake.message(a.channel, a.message_ts);
    const threadTs = a.thread_ts ?? msg?.threadTs;
    const responseUrl = fake.createResponseUrl({
      channel: a.channel,
      user: a.user,
      messageTs: a.message_ts,
      ...(threadTs ? { threadTs } : {}),
    });
    const user = fake.users.get(a.user);
    const payload = {
      type: 'block_actions',
      token: 'legacy-verification-token',
      api_app_id: this.apiAppId,
      trigger_id: triggerId(),
      user: { id: a.user, username: user?.name ?? a.user, name: user?.name ?? a.user, team_id: fake.teamId },
      team: { id: fake.teamId, domain: 'fake-workspace' },
      container: {
        type: 'message',
        message_ts: a.message_ts,
        channel_id: a.channel,
        is_ephemeral: false,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      },
      channel: { id: a.channel, name: fake.channels.get(a.channel)?.name ?? 'unknown' },
      message: msg
        ? {
            type: 'message',
            ts: msg.ts,
            user: msg.user,
            text: msg.text,
            blocks: msg.blocks ?? [],
            ...(msg.botId ? { bot_id: msg.botId } : {}),
            ...(msg.threadTs ? { thread_ts: msg.threadTs } : {}),
            ...(msg.metadata ? { metadata: msg.metadata } : {}),
          }
        : undefined,
      state: { values: {} },
      response_url: responseUrl,
      actions: [
        {
          type: 'button',
          action_id: a.action_id,
          block_id: a.block_id,
          value: a.value,
          action_ts: String(Date.now() / 1000),
        },
      ],
    };
    const r = await this.raw({
      body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    return { ...r, responseUrl };
  }

  /** Creates a channel in the fake and tells the app with a `channel_created` event. */
  async openIncidentChannel(
    name: string,
    creator = 'U0HUMAN001',
  ): Promise<{ channelId: string; result: SlackHttpResult }> {
    const { fake } = this.opts;
    const channelId = fake.addChannel({ name });
    const ch = fake.channels.get(channelId);
    const result = await this.sendEvent({
      type: 'channel_created',
      channel: { id: channelId, name, created: ch?.created ?? this.nowSec(), creator },
      event_ts: fake.nextTs(),
    });
    return { channelId, result };
  }

  /** Stores a human message in the fake and delivers the matching `message` event. */
  async postUserMessage(m: {
    channel: string;
    user: string;
    text: string;
    threadTs?: string;
  }): Promise<{ ts: string; result: SlackHttpResult }> {
    const { fake } = this.opts;
    this.knowUser(m.user);
    const ts = fake.postAsUser(m);
    const result = await this.sendEvent({
      type: 'message',
      channel: m.channel,
      user: m.user,
      text: m.text,
      ts,
      event_ts: ts,
      channel_type: 'channel',
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    });
    return { ts, result };
  }

  /** A human who acts in Slack exists in the workspace; register unknown ones so users.info answers. */
  private knowUser(id: string, name?: string): void {
    if (!this.opts.fake.users.has(id)) this.opts.fake.addUser({ id, name: name ?? id.toLowerCase() });
  }

  /** The Events API URL-verification handshake. */
  async sendUrlVerification(challenge: string): Promise<SlackHttpResult> {
    return this.raw({
      body: JSON.stringify({ token: 'legacy-verification-token', challenge, type: 'url_verification' }),
      contentType: 'application/json',
    });
  }
}

function triggerId(): string {
  return `${Date.now()}.${randomBytes(4).readUInt32BE(0)}.${randomBytes(16).toString('hex')}`;
}

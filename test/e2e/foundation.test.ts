// The real app over HTTP against the Slack fake: signed requests in, Web API calls out.
import { request as httpRequest } from 'node:http';
import { signSlackRequest } from '../../src/demo/slack-fake';
import { SUBCOMMANDS } from '../../src/slack/commands/parse';
import { MemoryStore } from '../../src/store/memory';
import { SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  t.slack.fake.addUser({ id: 'U0DEMOLEAD', name: 'dana', realName: 'Dana Lee' });
  t.slack.fake.addUser({ id: 'U0DEMOGUEST', name: 'guest', realName: 'Guest' });
});

afterAll(async () => {
  await t.close();
});

function joinsOf(channel: string): number {
  return t.slack.fake.calls('conversations.join').filter((c) => c.ok && c.args.channel === channel).length;
}

function duplicatesDropped(): Promise<number> {
  return t.built.metrics.duplicates.get().then((m) => m.values.reduce((sum, v) => sum + v.value, 0));
}

describe('opening an incident from channel_created', () => {
  it('joins once and posts exactly one kickoff when Slack delivers the event three times', async () => {
    const { fake } = t.slack;
    const channelId = fake.addChannel({ name: 'inc-checkout-latency' });
    const event = {
      type: 'channel_created',
      channel: {
        id: channelId,
        name: 'inc-checkout-latency',
        created: Math.floor(Date.now() / 1000),
        creator: 'U0DEMOLEAD',
      },
      event_ts: fake.nextTs(),
    };
    const before = await duplicatesDropped();
    const first = await t.client.sendEvent(event, { eventId: 'Ev0TRIPLE01' });
    const retry1 = await t.client.sendEvent(event, { eventId: 'Ev0TRIPLE01', retryNum: 1 });
    const retry2 = await t.client.sendEvent(event, { eventId: 'Ev0TRIPLE01', retryNum: 2, retryReason: 'http_error' });
    expect([first.status, retry1.status, retry2.status]).toEqual([200, 200, 200]);

    const kickoff = await fake.waitFor((f) => f.messages(channelId)[0], 5000, 'kickoff message');
    // Both retries must have been seen and dropped before we count what reached Slack.
    for (let i = 0; i < 200 && (await duplicatesDropped()) < before + 2; i += 1)
      await new Promise((r) => setTimeout(r, 10));
    expect(await duplicatesDropped()).toBe(before + 2);

    expect(fake.messages(channelId)).toHaveLength(1);
    expect(joinsOf(channelId)).toBe(1);
    expect(kickoff.text).toContain('inc-checkout-latency');
    for (const scout of t.config.scouts) expect(kickoff.text).toContain(scout.name);
    expect(kickoff.text).toContain('/triage stop');
    expect(kickoff.text).toContain('Stop with /triage stop');
    await startOf(channelId);
    const starts = t.investigations.starts.filter((s) => s.incident.channelId === channelId);
    expect(starts).toHaveLength(1);
    expect(starts[0]?.trigger).toBe('channel_created');
    expect(starts[0]?.incident.startedAt).toBe(new Date(event.channel.created * 1000).toISOString());
  });

  it('does nothing at all for a channel whose name is not an incident name', async () => {
    const { fake } = t.slack;
    const random = fake.addChannel({ name: 'random-chat' });
    const res = await t.client.sendEvent({
      type: 'channel_created',
      channel: { id: random, name: 'random-chat', created: Math.floor(Date.now() / 1000), creator: 'U0DEMOLEAD' },
      event_ts: fake.nextTs(),
    });
    expect(res.status).toBe(200);
    // A later incident channel gets its kickoff; by then the earlier event has been handled.
    const { channelId: later } = await t.client.openIncidentChannel('inc-after-random', 'U0DEMOLEAD');
    await fake.waitFor((f) => f.messages(later)[0], 5000, 'kickoff of the later incident');
    expect(fake.messages(random)).toHaveLength(0);
    expect(joinsOf(random)).toBe(0);
    expect(fake.calls().filter((c) => c.args.channel === random)).toHaveLength(0);
    expect(t.investigations.starts.some((s) => s.incident.channelId === random)).toBe(false);
  });
});

/** The investigation start for a channel; it follows the kickoff, so wait for it rather than race it. */
function startOf(channelId: string) {
  return t.slack.fake.waitFor(
    () => t.investigations.starts.find((s) => s.incident.channelId === channelId),
    5000,
    `investigation start in ${channelId}`,
  );
}

describe('other ways a channel becomes an incident', () => {
  it('opens a private incident channel when the bot is invited, without trying to join it', async () => {
    const { fake } = t.slack;
    const secret = fake.addChannel({ name: 'inc-payments-secret', isPrivate: true });
    fake.inviteBot(secret);
    const res = await t.client.sendEvent({
      type: 'member_joined_channel',
      user: fake.botUserId,
      channel: secret,
      channel_type: 'G',
      team: fake.teamId,
      inviter: 'U0DEMOLEAD',
      event_ts: fake.nextTs(),
    });
    expect(res.status).toBe(200);
    const kickoff = await fake.waitFor((f) => f.messages(secret)[0], 5000, 'kickoff in the private channel');
    expect(kickoff.text).toContain('I was added to an incident channel');
    expect(fake.calls('conversations.join').filter((c) => c.args.channel === secret)).toHaveLength(0);
    expect((await startOf(secret)).trigger).toBe('member_joined');
  });

  it('opens an incident when a channel is renamed into the pattern, and not when renamed out of it', async () => {
    const { fake } = t.slack;
    const renamed = fake.addChannel({ name: 'checkout-chat' });
    const away = fake.addChannel({ name: 'inc-old' });
    await t.client.sendEvent({
      type: 'channel_rename',
      channel: { id: away, name: 'old-chat', created: 1 },
      event_ts: fake.nextTs(),
    });
    await t.client.sendEvent({
      type: 'channel_rename',
      channel: { id: renamed, name: 'inc-checkout-500s', created: 1 },
      event_ts: fake.nextTs(),
    });
    const kickoff = await fake.waitFor((f) => f.messages(renamed)[0], 5000, 'kickoff after rename');
    expect(kickoff.text).toContain('renamed to an incident name');
    expect(fake.messages(away)).toHaveLength(0);
    expect((await startOf(renamed)).trigger).toBe('channel_rename');
  });

  it('ignores someone else joining an incident channel', async () => {
    const { fake } = t.slack;
    const channel = fake.findChannelByName('inc-checkout-latency')?.id ?? '';
    const infoCalls = fake.calls('conversations.info').length;
    const starts = t.investigations.starts.length;
    await t.client.sendEvent({
      type: 'member_joined_channel',
      user: 'U0DEMOGUEST',
      channel,
      channel_type: 'C',
      team: fake.teamId,
      event_ts: fake.nextTs(),
    });
    const { channelId: later } = await t.client.openIncidentChannel('inc-after-join', 'U0DEMOLEAD');
    await fake.waitFor((f) => f.messages(later)[0], 5000, 'kickoff of the later incident');
    // The investigation starts after the kickoff is posted: wait for it rather than race it.
    await fake.waitFor(
      () => t.investigations.starts.length > starts || undefined,
      5000,
      'start of the later investigation',
    );
    expect(fake.calls('conversations.info')).toHaveLength(infoCalls);
    expect(t.investigations.starts).toHaveLength(starts + 1);
    expect(t.investigations.starts.at(-1)?.incident.channelId).toBe(later);
  });

  it('hands a question asked in a thread to the investigation', async () => {
    const { fake } = t.slack;
    const channel = fake.findChannelByName('inc-checkout-latency')?.id ?? '';
    const parent = fake.messages(channel)[0]?.ts ?? '';
    const ts = fake.postAsUser({
      channel,
      user: 'U0DEMOLEAD',
      text: `<@${fake.botUserId}> did payments deploy?`,
      threadTs: parent,
    });
    await t.client.sendEvent({
      type: 'app_mention',
      channel,
      user: 'U0DEMOLEAD',
      text: `<@${fake.botUserId}> did payments deploy?`,
      ts,
      thread_ts: parent,
      event_ts: ts,
    });
    const asked = await fake.waitFor(
      () => t.investigations.followUps.find((f) => f.threadTs === parent),
      5000,
      'follow-up',
    );
    expect(asked).toEqual({
      incidentId: channel,
      threadTs: parent,
      question: 'did payments deploy?',
      userId: 'U0DEMOLEAD',
    });
  });
});

describe('request verification', () => {
  function channelCreatedBody(id: string, name: string): string {
    return JSON.stringify({
      type: 'event_callback',
      team_id: t.slack.fake.teamId,
      api_app_id: 'A0FAKEAPP1',
      event_id: `Ev${id}`,
      event_time: 1,
      event: {
        type: 'channel_created',
        channel: { id, name, created: 1, creator: 'U0DEMOLEAD' },
        event_ts: '1.000001',
      },
    });
  }

  it('answers 401 to a bad signature and acts on nothing', async () => {
    const id = t.slack.fake.addChannel({ name: 'inc-forged' });
    const res = await t.client.raw({
      body: channelCreatedBody(id, 'inc-forged'),
      contentType: 'application/json',
      signature: 'v0=deadbeef',
    });
    expect(res.status).toBe(401);
    expect(joinsOf(id)).toBe(0);
    expect(t.slack.fake.messages(id)).toHaveLength(0);
  });

  it('answers 401 to a correctly signed request older than five minutes', async () => {
    const id = t.slack.fake.addChannel({ name: 'inc-replayed' });
    const body = channelCreatedBody(id, 'inc-replayed');
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await t.client.raw({
      body,
      contentType: 'application/json',
      timestamp: old,
      signature: signSlackRequest('test-signing-secret-0123456789', old, body),
    });
    expect(res.status).toBe(401);
    expect(joinsOf(id)).toBe(0);
    expect(t.slack.fake.messages(id)).toHaveLength(0);
  });

  it('answers 401 to a correctly signed request dated more than five minutes ahead', async () => {
    const id = t.slack.fake.addChannel({ name: 'inc-from-the-future' });
    const body = channelCreatedBody(id, 'inc-from-the-future');
    const ahead = Math.floor(Date.now() / 1000) + 6 * 60;
    const res = await t.client.raw({
      body,
      contentType: 'application/json',
      timestamp: ahead,
      signature: signSlackRequest(SIGNING_SECRET, ahead, body),
    });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(joinsOf(id)).toBe(0);
    expect(t.slack.fake.messages(id)).toHaveLength(0);
  });
});

describe('/triage', () => {
  it('answers an unknown subcommand with an ephemeral usage reply saying what was wrong', async () => {
    const channel = t.slack.fake.findChannelByName('inc-checkout-latency')?.id ?? '';
    const res = await t.client.sendCommand({ text: 'bogus', user_id: 'U0DEMOGUEST', channel_id: channel });
    expect(res.status).toBe(200);
    const reply = await t.slack.fake.waitFor(
      (f) => f.ephemerals(channel, 'U0DEMOGUEST').find((e) => e.text.includes('bogus')),
      5000,
      'usage reply',
    );
    expect(reply.source).toBe('response_url');
    expect(reply.text).toContain("I don't know `bogus`");
    expect(reply.text).toContain('/triage help');
    expect(t.slack.fake.messages(channel).filter((m) => m.text.includes('bogus'))).toHaveLength(0);
  });

  it('redacts a token the person typed before quoting it back in the ephemeral reply', async () => {
    const channel = t.slack.fake.findChannelByName('inc-checkout-latency')?.id ?? '';
    const token = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
    await t.client.sendCommand({ text: token, user_id: 'U0DEMOGUEST', channel_id: channel });
    const reply = await t.slack.fake.waitFor(
      (f) => f.ephemerals(channel, 'U0DEMOGUEST').find((e) => e.text.includes("I don't know `[REDACTED")),
      5000,
      'usage reply',
    );
    // The reply clips a long word after the redaction mark ("…"); what matters is that none of the token is left.
    expect(reply.text).toContain("I don't know `[REDACTED:slack_token]");
    expect(JSON.stringify(t.slack.fake.ephemerals(channel, 'U0DEMOGUEST'))).not.toContain('xoxb-123456789012');
  });

  it('acks /triage help with 200 and lists every subcommand to the person who asked', async () => {
    const channel = t.slack.fake.findChannelByName('inc-checkout-latency')?.id ?? '';
    const res = await t.client.sendCommand({ text: 'help', user_id: 'U0DEMOLEAD', channel_id: channel });
    expect(res.status).toBe(200);
    const reply = await t.slack.fake.waitFor(
      (f) => f.ephemerals(channel, 'U0DEMOLEAD').find((e) => e.text.includes('/triage status')),
      5000,
      'help',
    );
    for (const s of SUBCOMMANDS) expect(reply.text).toContain(s.usage);
  });

  it('refuses an approval click from someone who is not an approver, only to them', async () => {
    const channel = t.slack.fake.findChannelByName('inc-checkout-latency')?.id ?? '';
    const kickoff = t.slack.fake.messages(channel)[0];
    const res = await t.client.sendBlockAction({
      user: 'U0DEMOGUEST',
      channel,
      message_ts: kickoff?.ts ?? '',
      action_id: 'approve_proposal',
      block_id: 'decide',
      value: 'P1:h',
    });
    expect(res.status).toBe(200);
    const refusal = await t.slack.fake.waitFor(
      (f) => f.ephemerals(channel, 'U0DEMOGUEST').find((e) => e.text.includes('approvers')),
      5000,
      'refusal',
    );
    expect(refusal.text).toBe('Only the named approvers can approve this proposal.');
    expect(t.remediation.decisions.at(-1)).toMatchObject({
      kind: 'approve',
      value: 'P1:h',
      actor: { userId: 'U0DEMOGUEST' },
    });
  });
});

describe('button clicks', () => {
  it('acts once on a click Slack delivers twice', async () => {
    const { fake } = t.slack;
    const channel = fake.findChannelByName('inc-checkout-latency')?.id ?? '';
    const kickoff = fake.messages(channel)[0];
    const payload = {
      type: 'block_actions',
      api_app_id: 'A0FAKEAPP1',
      trigger_id: '123.456.abc',
      team: { id: fake.teamId },
      user: { id: 'U0DEMOLEAD', name: 'dana' },
      channel: { id: channel, name: 'inc-checkout-latency' },
      container: { type: 'message', channel_id: channel, message_ts: kickoff?.ts },
      response_url: fake.createResponseUrl({ channel, user: 'U0DEMOLEAD' }),
      actions: [
        {
          type: 'button',
          action_id: 'reject_proposal',
          block_id: 'decide',
          value: 'P7:h',
          action_ts: '1764219000.123456',
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const before = t.remediation.decisions.length;
    const dropped = await duplicatesDropped();
    const a = await t.client.raw({ body, contentType: 'application/x-www-form-urlencoded' });
    const b = await t.client.raw({ body, contentType: 'application/x-www-form-urlencoded' });
    expect([a.status, b.status]).toEqual([200, 200]);
    for (let i = 0; i < 200 && (await duplicatesDropped()) < dropped + 1; i += 1)
      await new Promise((r) => setTimeout(r, 10));
    await fake.waitFor(() => t.remediation.decisions.length > before, 5000, 'the decision');
    expect(await duplicatesDropped()).toBe(dropped + 1);
    expect(t.remediation.decisions.slice(before)).toEqual([
      { kind: 'reject', value: 'P7:h', channelId: channel, actor: { userId: 'U0DEMOLEAD' } },
    ]);
  });

  it('tells the clicker when a click cannot be read', async () => {
    const { fake } = t.slack;
    const channel = fake.findChannelByName('inc-checkout-latency')?.id ?? '';
    const kickoff = fake.messages(channel)[0];
    await t.client.sendBlockAction({
      user: 'U0DEMOGUEST',
      channel,
      message_ts: kickoff?.ts ?? '',
      action_id: 'approve_proposal',
      block_id: 'decide',
      value: '',
    });
    const reply = await fake.waitFor(
      (f) => f.ephemerals(channel, 'U0DEMOGUEST').find((e) => e.text.startsWith('I could not read that click')),
      5000,
      'reply',
    );
    expect(reply.source).toBe('response_url');
  });
});

/** A signed form POST to `path` exactly as written (fetch would resolve its dot segments first); resolves with the status. */
function postRawPath(path: string, body: string): Promise<number> {
  const ts = Math.floor(Date.now() / 1000);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${t.origin}/`,
      {
        method: 'POST',
        path,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signSlackRequest(SIGNING_SECRET, ts, body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('operational routes', () => {
  it('reports health with the store reachable', async () => {
    const res = await fetch(`${t.origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, store: { kind: 'memory', ok: true } });
  });

  it('answers 404 to a POST anywhere but the events endpoint, with or without a body, and stays up', async () => {
    for (const [path, body] of [
      ['/healthz', 'x=1'],
      ['/metrics', ''],
      ['/nowhere', '{"type":"event_callback"}'],
      ['/slack/events/extra', 'payload=%7B%7D'],
    ] as const) {
      const res = await fetch(`${t.origin}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await fetch(`${t.origin}/healthz`)).status).toBe(200);
  });

  it('guards the events endpoint however its path is spelled', async () => {
    // The receiver resolves dot segments, so these reach it as /slack/events: an unreadable body must get 400 there too.
    for (const path of ['/slack/x/../events', '/slack/%2e%2e/slack/events', '/slack/events?via=query']) {
      expect([path, await postRawPath(path, new URLSearchParams({ payload: 'null' }).toString())]).toEqual([path, 400]);
    }
    expect((await fetch(`${t.origin}/healthz`)).status).toBe(200);
  });

  it('exposes request counts and ack latency in Prometheus text', async () => {
    const res = await fetch(`${t.origin}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/scout_slack_requests_total\{kind="event"\} [1-9]/);
    expect(text).toMatch(/scout_slack_requests_total\{kind="command"\} [1-9]/);
    expect(text).toMatch(/scout_slack_ack_seconds_count\{kind="command"\} [1-9]/);
  });
});

describe('health when the store is down', () => {
  class UnreachableStore extends MemoryStore {
    down = false;
    override async ping(): Promise<void> {
      if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      return super.ping();
    }
  }

  it('answers 503 with the store marked unreachable, and 200 again once it is back', async () => {
    const store = new UnreachableStore();
    const other = await startTestApp({ store });
    try {
      store.down = true;
      const down = await fetch(`${other.origin}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({
        ok: false,
        store: { kind: 'memory', ok: false, error: 'connect ECONNREFUSED 127.0.0.1:6379' },
      });
      store.down = false;
      expect((await fetch(`${other.origin}/healthz`)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

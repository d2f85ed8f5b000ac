// registerListeners on a real Bolt App (no receiver: requests go straight to processEvent): each
// event type and button reaches its handler after the ack, behind its filter; payloads the routing
// cannot read end quietly instead of in Bolt's error handler; repeats are dropped; and while the
// store is down events still take effect and clicks are told to try again.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type Receiver } from '@slack/bolt';
import { silentLogger } from '../../../src/logging';
import { AppMetrics } from '../../../src/metrics';
import { STORE_DOWN_REPLY } from '../../../src/slack/dispatch';
import { UNREADABLE } from '../../../src/slack/listeners/actions/click';
import { registerListeners } from '../../../src/slack/register';
import { WorkQueue } from '../../../src/slack/work-queue';
import { StoreUnavailable } from '../../../src/store/errors';
import { MemoryStore } from '../../../src/store/memory';

/** A MemoryStore that can be "down": every call then fails as RedisStore's do. */
class FlakyStore extends MemoryStore {
  down = false;
  override async claim(key: string, ttl: number): Promise<boolean> {
    if (this.down) throw new StoreUnavailable('The state store (Redis) is unreachable (claim: connection end).');
    return super.claim(key, ttl);
  }
}

const receiver = {
  init: () => undefined,
  start: async () => undefined,
  stop: async () => undefined,
} as unknown as Receiver;

let responses: http.Server;
let responseUrl: string;
const answered: string[] = [];

beforeAll(async () => {
  responses = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      answered.push((JSON.parse(body) as { text: string }).text);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => responses.listen(0, '127.0.0.1', r));
  responseUrl = `http://127.0.0.1:${(responses.address() as AddressInfo).port}/respond`;
});

afterAll(async () => {
  responses.closeAllConnections();
  await new Promise((r) => responses.close(r));
});

function build() {
  const calls: string[] = [];
  const errors: unknown[] = [];
  const store = new FlakyStore();
  const queue = new WorkQueue({ onError: (err) => void errors.push(err), storeRetryForMs: 10_000, retryDelayMs: 20 });
  let acks = 0;
  answered.length = 0;
  const app = new App({ receiver, authorize: async () => ({ botToken: 'xoxb-1', botUserId: 'UBOT', botId: 'B1' }) });
  app.error(async (e) => void errors.push(e));
  const deps = {
    incidents: {
      matches: (n: string) => /^inc-/.test(n),
      open: async (r: { channelId: string; trigger: string }) => {
        // Opening an incident reads and writes the store: it fails while the store is down.
        if (store.down) throw new StoreUnavailable('The state store (Redis) is unreachable (get: connection end).');
        calls.push(`open ${r.channelId} ${r.trigger}`);
        return { incident: { id: r.channelId }, created: true };
      },
      find: async (id: string) => ({ id, channelId: id, channelName: 'inc-1' }),
    },
    investigations: {
      followUp: async (r: { question: string }) => void calls.push(`followUp ${r.question}`),
      deeper: async (id: string) => {
        calls.push(`deeper ${id}`);
        return { investigation: { round: 2, state: 'queued' }, created: true };
      },
    },
    remediation: {
      approve: async (r: { value: string }) => void calls.push(`approve ${r.value}`),
      reject: async (r: { value: string }) => void calls.push(`reject ${r.value}`),
    },
    poster: {
      channelInfo: async (id: string) => ({ id, name: 'inc-private', isPrivate: true }),
      forgetUsergroup: async (id: string) => void calls.push(`forget ${id}`),
      isBot: async () => false,
    },
    logger: silentLogger(),
    clock: { now: () => new Date('2026-11-27T05:00:00Z') },
    store,
    metrics: new AppMetrics(),
    pattern: /^inc-/,
    queue,
  };
  registerListeners(app, deps as unknown as Parameters<typeof registerListeners>[1]);
  let n = 0;
  const dispatch = async (body: Record<string, unknown>, opts: { idle?: boolean } = {}) => {
    await app.processEvent({ body, ack: async () => void (acks += 1) } as unknown as Parameters<
      App['processEvent']
    >[0]);
    if (opts.idle !== false) await queue.idle();
  };
  const event = (ev: Record<string, unknown>, opts: { id?: string; idle?: boolean } = {}) =>
    dispatch({ type: 'event_callback', team_id: 'T1', event_id: opts.id ?? `Ev${++n}`, event: ev }, opts);
  const click = (action: Record<string, unknown>, type = 'block_actions', ts?: string) =>
    dispatch({
      type,
      team: { id: 'T1' },
      user: { id: 'U1' },
      channel: { id: 'C1' },
      container: { channel_id: 'C1' },
      trigger_id: `t${++n}`,
      response_url: responseUrl,
      actions: [{ value: 'P-1:abc', action_ts: ts ?? `${n}.1`, ...action }],
    });
  return { calls, errors, event, click, store, queue, acks: () => acks };
}

describe('registerListeners', () => {
  it('routes each event type to its handler, behind its filter', async () => {
    const t = build();
    await t.event({ type: 'channel_created', channel: { id: 'C1', name: 'inc-db' } });
    await t.event({ type: 'channel_created', channel: { id: 'C2', name: 'general' } });
    await t.event({ type: 'channel_rename', channel: { id: 'C3', name: 'inc-renamed' } });
    await t.event({ type: 'channel_rename', channel: { id: 'C4', name: 'random' } });
    await t.event({ type: 'member_joined_channel', user: 'UOTHER', channel: 'G1' });
    await t.event({ type: 'member_joined_channel', user: 'UBOT', channel: 'G2' });
    await t.event({ type: 'subteam_updated', subteam: { id: 'S1' } });
    await t.event({ type: 'subteam_members_changed', subteam_id: 'S2' });
    await t.event({ type: 'xsubteam_updated', subteam: { id: 'S3' } });
    await t.event({
      type: 'app_mention',
      channel: 'C1',
      user: 'U1',
      text: '<@UBOT> why is the db slow?',
      ts: '1.1',
      thread_ts: '1.0',
    });
    expect(t.calls).toEqual([
      'open C1 channel_created',
      'open C3 channel_rename',
      'open G2 member_joined',
      'forget S1',
      'forget S2',
      'followUp why is the db slow?',
    ]);
    expect(t.errors).toEqual([]);
  });

  it('routes each button by its action id', async () => {
    const t = build();
    await t.click({ action_id: 'approve_proposal' });
    await t.click({ action_id: 'reject_proposal' });
    await t.click({ action_id: 'dig_deeper' });
    await t.click({ action_id: 'some_other_button' });
    expect(t.calls).toEqual(['approve P-1:abc', 'reject P-1:abc', 'deeper C1']);
    expect(t.errors).toEqual([]);
  });

  it('ends quietly on a click or event it cannot route, answering the person who clicked', async () => {
    const t = build();
    await t.click({ action_id: 7 });
    await t.click({ action_id: 7 }, 'interactive_message');
    await t.click({ name: 'legacy' }, 'interactive_message');
    await t.event({ type: 42, channel: { id: 'C9', name: 'inc-x' } });
    expect(t.calls).toEqual([]);
    expect(t.errors).toEqual([]);
    expect(answered).toEqual([UNREADABLE]);
  });

  it('acks every click before its work, and acts once on a repeated delivery', async () => {
    const t = build();
    await t.click({ action_id: 'approve_proposal' }, 'block_actions', '9.1');
    await t.click({ action_id: 'approve_proposal' }, 'block_actions', '9.1');
    await t.event({ type: 'channel_created', channel: { id: 'C5', name: 'inc-x' } }, { id: 'EvSame' });
    await t.event({ type: 'channel_created', channel: { id: 'C5', name: 'inc-x' } }, { id: 'EvSame' });
    expect(t.acks()).toBe(4);
    expect(t.calls).toEqual(['approve P-1:abc', 'open C5 channel_created']);
  });

  it('opens the incident of a channel_created that arrived while the store was down, once it is back', async () => {
    const t = build();
    t.store.down = true;
    await t.event({ type: 'channel_created', channel: { id: 'C7', name: 'inc-outage' } }, { idle: false });
    expect(t.acks()).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(t.calls).toEqual([]);
    t.store.down = false;
    await t.queue.idle();
    expect(t.calls).toEqual(['open C7 channel_created']);
    expect(t.errors).toEqual([]);
  });

  it('answers a click during a store outage with "try again", and does nothing', async () => {
    const t = build();
    t.store.down = true;
    await t.click({ action_id: 'approve_proposal' });
    expect(t.calls).toEqual([]);
    expect(answered).toEqual([STORE_DOWN_REPLY]);
  });
});

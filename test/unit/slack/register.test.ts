// registerListeners on a real Bolt App (no receiver: requests go straight to processEvent as the
// follow-up pass does): each event type and button reaches its handler, behind its filter, and
// payloads the routing cannot read end quietly instead of in Bolt's error handler.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type Receiver } from '@slack/bolt';
import { silentLogger } from '../../../src/logging';
import { UNREADABLE } from '../../../src/slack/listeners/actions/click';
import { FOLLOW_UP, FollowUpQueue } from '../../../src/slack/middleware/ack-first';
import { AppMetrics } from '../../../src/slack/metrics';
import { registerListeners } from '../../../src/slack/register';
import { MemoryStore } from '../../../src/store/memory';

const receiver = { init: () => undefined, start: async () => undefined, stop: async () => undefined } as unknown as Receiver;

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
  answered.length = 0;
  const app = new App({ receiver, authorize: async () => ({ botToken: 'xoxb-1', botUserId: 'UBOT', botId: 'B1' }) });
  app.error(async (e) => void errors.push(e));
  const deps = {
    incidents: {
      matches: (n: string) => /^inc-/.test(n),
      open: async (r: { channelId: string; trigger: string }) => {
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
    logger: silentLogger(), clock: { now: () => new Date('2026-11-27T05:00:00Z') },
    store: new MemoryStore(), metrics: new AppMetrics(), pattern: /^inc-/, followUps: new FollowUpQueue(),
  };
  registerListeners(app, deps as unknown as Parameters<typeof registerListeners>[1]);
  let n = 0;
  const dispatch = (body: Record<string, unknown>) =>
    app.processEvent({ body, ack: async () => undefined, customProperties: { [FOLLOW_UP]: true } } as unknown as Parameters<App['processEvent']>[0]);
  const event = (ev: Record<string, unknown>) => dispatch({ type: 'event_callback', team_id: 'T1', event_id: `Ev${++n}`, event: ev });
  const click = (action: Record<string, unknown>, type = 'block_actions') =>
    dispatch({ type, team: { id: 'T1' }, user: { id: 'U1' }, channel: { id: 'C1' }, container: { channel_id: 'C1' }, trigger_id: `t${++n}`, response_url: responseUrl, actions: [{ value: 'P-1:abc', action_ts: `${n}.1`, ...action }] });
  return { calls, errors, event, click };
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
    await t.event({ type: 'app_mention', channel: 'C1', user: 'U1', text: '<@UBOT> why is the db slow?', ts: '1.1', thread_ts: '1.0' });
    expect(t.calls).toEqual([
      'open C1 channel_created', 'open C3 channel_rename', 'open G2 member_joined', 'forget S1', 'forget S2', 'followUp why is the db slow?',
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
});

// Nothing acked is lost: the real app over HTTP with a store that goes down. A channel_created acked
// during the outage opens its incident once the store is back; a command or click in the outage is
// answered "try again" to the person, and does nothing.
import { STORE_DOWN_REPLY } from '../../src/slack/dispatch';
import { StoreUnavailable } from '../../src/store/errors';
import { MemoryStore } from '../../src/store/memory';
import type { KindName } from '../../src/store/port';
import { startTestApp, type TestApp } from '../helpers/app';

/** A MemoryStore that fails like RedisStore while `down`. */
class OutageStore extends MemoryStore {
  down = false;
  private check(op: string): void {
    if (this.down) throw new StoreUnavailable(`The state store (Redis) is unreachable (${op}: connection end).`);
  }
  override async claim(key: string, ttl: number): Promise<boolean> {
    this.check('claim');
    return super.claim(key, ttl);
  }
  override async get(kind: KindName, id: string): Promise<unknown> {
    this.check('get');
    return super.get(kind, id);
  }
  override async put(kind: KindName, id: string, value: unknown, ttl?: number): Promise<void> {
    this.check('put');
    return super.put(kind, id, value, ttl);
  }
  override async update(
    kind: KindName,
    id: string,
    fn: (c: unknown) => unknown,
    ttl?: number,
  ): Promise<{ value: unknown; changed: boolean }> {
    this.check('update');
    return super.update(kind, id, fn, ttl);
  }
  override async lock(name: string, ttlMs: number): Promise<(() => Promise<void>) | null> {
    this.check('lock');
    return super.lock(name, ttlMs);
  }
}

let t: TestApp;
const store = new OutageStore();

beforeAll(async () => {
  t = await startTestApp({ store });
  t.slack.fake.addUser({ id: 'U0DEMOLEAD', name: 'dana', realName: 'Dana Lee' });
});

afterAll(async () => {
  store.down = false;
  await t.close();
});

describe('a store outage', () => {
  it('opens the incident of a channel_created acked during the outage once the store is back, once', async () => {
    const { fake } = t.slack;
    const channelId = fake.addChannel({ name: 'inc-during-outage' });
    const event = {
      type: 'channel_created',
      channel: { id: channelId, name: 'inc-during-outage', created: Math.floor(Date.now() / 1000) },
      event_ts: fake.nextTs(),
    };
    store.down = true;
    const res = await t.client.sendEvent(event, { eventId: 'Ev0OUTAGE01' });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.messages(channelId)).toHaveLength(0);
    store.down = false;
    const kickoff = await fake.waitFor((f) => f.messages(channelId)[0], 15_000, 'kickoff after the outage');
    expect(kickoff.text).toContain('inc-during-outage');
    await t.built.work.idle();
    expect(fake.messages(channelId)).toHaveLength(1);
    expect(t.investigations.starts.filter((s) => s.incident.channelId === channelId)).toHaveLength(1);
  });

  it('answers a command sent during the outage with an ephemeral "try again", and does nothing', async () => {
    const channel = t.slack.fake.addChannel({ name: 'inc-cmd-outage' });
    store.down = true;
    try {
      const res = await t.client.sendCommand({ text: 'start', user_id: 'U0DEMOLEAD', channel_id: channel });
      expect(res.status).toBe(200);
      const reply = await t.slack.fake.waitFor((f) => f.ephemerals(channel, 'U0DEMOLEAD')[0], 5000, 'try-again reply');
      expect(reply.text).toBe(STORE_DOWN_REPLY);
      expect(t.investigations.starts.filter((s) => s.incident.channelId === channel)).toHaveLength(0);
    } finally {
      store.down = false;
    }
  });
});

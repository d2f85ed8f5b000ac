// The record of incidents on real Redis (and the in-process store, the demo's): the memory of past
// incidents (bounded, expiring, shared by replicas), a resolve raced by two replicas that posts once, and
// `incident-scout postmortem` reading the same record.
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { postmortemCommand } from '../../../src/cli/postmortem';
import type { Fingerprint, PastIncident } from '../../../src/domain/memory';
import type { Clock } from '../../../src/domain/time';
import { IncidentMemory } from '../../../src/incidents/memory';
import type { IncidentRecorder } from '../../../src/incidents/port';
import { ResolveService } from '../../../src/incidents/resolve';
import { silentLogger } from '../../../src/logging';
import { MemoryStore } from '../../../src/store/memory';
import type { Store } from '../../../src/store/port';
import { RedisStore, connectRedis } from '../../../src/store/redis';
import { FINGERPRINT, seedIncident } from '../../helpers/incident-record';
import { REDIS_URL, deletePrefix, randomPrefix } from '../store/redis-fixture';

const DAY = 24 * 3600_000;
const clockAt = (ms: { now: number }): Clock => ({ now: () => new Date(ms.now) });

function pastIncident(id: string, resolvedAt: number, fingerprint: Fingerprint = FINGERPRINT): PastIncident {
  return {
    incidentId: id,
    channelId: id,
    channelName: `inc-${id}`,
    startedAt: new Date(resolvedAt - 3600_000).toISOString(),
    resolvedAt: new Date(resolvedAt).toISOString(),
    fingerprint,
    cause: `cause of ${id}`,
    fixes: ['rollback-deploy service=payments'],
  };
}

interface Fx {
  stores: [Store, Store];
  dispose(): Promise<void>;
}

const adapters: Array<[string, () => Fx]> = [
  [
    'RedisStore (two replicas)',
    () => {
      const prefix = randomPrefix('memory');
      const logger = pino({ level: 'silent' });
      const a = new RedisStore(connectRedis(REDIS_URL, logger), { prefix, logger });
      const b = new RedisStore(connectRedis(REDIS_URL, logger), { prefix, logger });
      return {
        stores: [a, b],
        dispose: async () => {
          await a.close();
          await b.close();
          await deletePrefix(prefix);
        },
      };
    },
  ],
  [
    'MemoryStore',
    () => {
      const s = new MemoryStore();
      return { stores: [s, s], dispose: async () => s.close() };
    },
  ],
];

describe.each(adapters)('IncidentMemory on %s', (_name, make) => {
  let fx: Fx;
  const time = { now: Date.UTC(2026, 11, 7) };
  beforeEach(() => {
    fx = make();
    time.now = Date.UTC(2026, 11, 7);
  });
  afterEach(async () => fx.dispose());

  it('recalls a resolved incident another replica remembered, most alike first, never the incident itself', async () => {
    const [a, b] = fx.stores.map(
      (s) => new IncidentMemory(s, { retentionDays: 30, maxIncidents: 10 }, clockAt(time)),
    ) as [IncidentMemory, IncidentMemory];
    await Promise.all([
      a.remember(pastIncident('C1', time.now - DAY)),
      b.remember(pastIncident('C2', time.now - 2 * DAY, { ...FINGERPRINT, templates: { T1a2b3c4d: 1 } })),
      a.remember(
        pastIncident('C3', time.now - DAY, { services: { search: 1 }, templates: { T0: 1 }, changes: {}, alert: {} }),
      ),
    ]);
    const matches = await b.recall(FINGERPRINT, 'C9');
    expect(matches.map((m) => [m.past.channelName, Math.round(m.similarity * 100)])).toEqual([
      ['inc-C1', 100],
      ['inc-C2', 86],
    ]);
    expect((await b.recall(FINGERPRINT, 'C1')).map((m) => m.past.incidentId)).toEqual(['C2']);
  });

  it('keeps at most maxIncidents, dropping the oldest resolved, and replaces an incident resolved again', async () => {
    const memory = new IncidentMemory(fx.stores[0], { retentionDays: 30, maxIncidents: 3 }, clockAt(time));
    for (let i = 1; i <= 5; i++) await memory.remember(pastIncident(`C${i}`, time.now - (10 - i) * 3600_000));
    await memory.remember({ ...pastIncident('C4', time.now), cause: 'second time' });
    const kept = await memory.all();
    expect(kept.map((p) => p.incidentId)).toEqual(['C3', 'C5', 'C4']);
    expect(kept.find((p) => p.incidentId === 'C4')?.cause).toBe('second time');
  });

  it('drops a stored entry it cannot read instead of failing the recall', async () => {
    const memory = new IncidentMemory(fx.stores[0], { retentionDays: 30, maxIncidents: 10 }, clockAt(time));
    const good = pastIncident('good', time.now - DAY);
    await fx.stores[0].put('memory', 'past-incidents', {
      incidents: [
        { incidentId: 'bad', fingerprint: 'not one' },
        good,
        { ...good, incidentId: 'worse', resolvedAt: 'yesterday' },
      ],
    });
    expect((await memory.recall(FINGERPRINT, 'x')).map((m) => m.past.incidentId)).toEqual(['good']);
    await memory.remember(pastIncident('next', time.now));
    expect((await memory.all()).map((p) => p.incidentId)).toEqual(['good', 'next']);
  });

  it('forgets incidents resolved longer ago than the retention', async () => {
    const memory = new IncidentMemory(fx.stores[0], { retentionDays: 7, maxIncidents: 10 }, clockAt(time));
    await memory.remember(pastIncident('old', time.now - 6 * DAY));
    await memory.remember(pastIncident('new', time.now - DAY));
    expect((await memory.recall(FINGERPRINT, 'x')).map((m) => m.past.incidentId)).toEqual(['new', 'old']);
    time.now += 2 * DAY;
    expect((await memory.recall(FINGERPRINT, 'x')).map((m) => m.past.incidentId)).toEqual(['new']);
    // The next write drops it from the stored list too.
    await memory.remember(pastIncident('newest', time.now));
    expect((await memory.all()).map((p) => p.incidentId)).toEqual(['new', 'newest']);
  });
});

class RecordingRecorder implements IncidentRecorder {
  readonly timelines: Array<{ channelId: string; threadTs?: string | undefined; key: string; text: string }> = [];
  readonly uploads: Array<{ filename: string; markdown: string; threadTs?: string | undefined }> = [];
  private readonly keys = new Map<string, string>();
  async postTimeline(req: Parameters<IncidentRecorder['postTimeline']>[0]): Promise<string> {
    // Keyed like the Poster: a second post with the same key returns the first ts.
    const seen = this.keys.get(req.key);
    if (seen) return seen;
    await new Promise((r) => setTimeout(r, 20));
    const ts = `200.${this.timelines.length + 1}`;
    this.keys.set(req.key, ts);
    this.timelines.push({
      channelId: req.channelId,
      threadTs: req.threadTs,
      key: req.key,
      text: req.entries.map((e) => e.text).join('\n'),
    });
    return ts;
  }
  async uploadPostmortem(req: Parameters<IncidentRecorder['uploadPostmortem']>[0]): Promise<void> {
    this.uploads.push({ filename: req.filename, markdown: req.markdown, threadTs: req.threadTs });
  }
  async userName(id: string): Promise<string> {
    return id === 'U0LEAD' ? 'Dana Lee' : id;
  }
}

describe('resolve on Redis', () => {
  const prefix = randomPrefix('resolve');
  const logger = pino({ level: 'silent' });
  let stores: RedisStore[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    await deletePrefix(prefix);
  });

  it('raced by two replicas and an alert, posts the timeline once, uploads one draft, audits one resolution, and remembers the incident', async () => {
    stores = [
      new RedisStore(connectRedis(REDIS_URL, logger), { prefix, logger }),
      new RedisStore(connectRedis(REDIS_URL, logger), { prefix, logger }),
    ];
    const [s1, s2] = stores as [RedisStore, RedisStore];
    await seedIncident(s1);
    const recorder = new RecordingRecorder();
    const settings = { retentionDays: 30, maxIncidents: 10 };
    const r1 = new ResolveService({
      store: s1,
      recorder,
      memory: new IncidentMemory(s1, settings),
      logger: silentLogger(),
    });
    const r2 = new ResolveService({
      store: s2,
      recorder,
      memory: new IncidentMemory(s2, settings),
      logger: silentLogger(),
    });
    const outcomes = await Promise.all([
      r1.resolve({ incidentId: 'C0INC', userId: 'U0LEAD', summary: 'rolled back payments' }),
      r2.resolve({ incidentId: 'C0INC', userId: 'U0LEAD', summary: 'rolled back payments' }),
      r2.resolve({ incidentId: 'C0INC', alertSource: 'alertmanager', summary: 'PaymentsLatency resolved' }),
    ]);
    expect(outcomes.filter((o) => o.resolved)).toHaveLength(1);
    // Whoever lost the lease may return before the winner is done; a later resolve finds it all done.
    const again = await r2.resolve({ incidentId: 'C0INC', userId: 'U0LEAD' });
    expect(again.resolved).toBe(false);
    // The three race for one lease: whichever won is the one resolution everything records.
    const who =
      outcomes[2]?.resolved === true
        ? { by: 'alert:alertmanager', byName: 'the Alertmanager alert', summary: 'PaymentsLatency resolved' }
        : { by: 'slash:U0LEAD', byName: 'Dana Lee', summary: 'rolled back payments' };
    expect(again.resolution).toMatchObject({ ...who, postmortemUploaded: true, remembered: true });

    expect(recorder.timelines).toHaveLength(1);
    expect(recorder.timelines[0]).toMatchObject({
      channelId: 'C0INC',
      threadTs: '1764212406.000100',
      key: 'resolve:C0INC:timeline',
    });
    expect(recorder.timelines[0]?.text).toContain(`Resolved by ${who.byName}: ${who.summary}`);
    // People are named, once, and the names are kept for the CLI's draft.
    expect(recorder.timelines[0]?.text).toContain('Round 1 started by /triage start (Dana Lee)');
    expect(recorder.uploads[0]?.markdown).toContain('(opened by Dana Lee)');
    expect(recorder.uploads).toHaveLength(1);
    expect(recorder.uploads[0]?.filename).toBe('postmortem-inc-payments-2026-11-27.md');
    const audit = await s1.readAudit('C0INC');
    expect(audit.filter((r) => r.kind === 'resolution')).toEqual([
      expect.objectContaining({ detail: { by: who.by, summary: who.summary } }),
    ]);
    const recalled = await new IncidentMemory(s2, settings).recall(FINGERPRINT, 'C0NEW');
    expect(recalled).toEqual([
      expect.objectContaining({
        similarity: 1,
        past: expect.objectContaining({
          channelName: 'inc-payments',
          cause: expect.stringContaining('payments (90%)'),
          fixes: ['rollback-deploy service=payments namespace=production'],
          summary: who.summary,
        }),
      }),
    ]);
  });
});

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe('incident-scout postmortem', () => {
  const prefix = randomPrefix('pmcli');
  beforeAll(async () => {
    const logger = pino({ level: 'silent' });
    const store = new RedisStore(connectRedis(REDIS_URL, logger), { prefix, logger });
    await seedIncident(store);
    await store.close();
  });
  afterAll(async () => {
    await deletePrefix(prefix);
  });

  it('prints the draft of an incident by channel id or by #name', async () => {
    for (const channel of ['C0INC', '#inc-payments', 'inc-payments']) {
      const out = sink();
      const err = sink();
      expect(await postmortemCommand([channel], out.stream, err.stream, { REDIS_URL, REDIS_PREFIX: prefix })).toBe(0);
      expect(err.text()).toBe('');
      expect(out.text()).toMatch(/^# Postmortem draft: #inc-payments\n/);
      expect(out.text()).toContain('- Not resolved yet');
      expect(out.text()).toContain('| 2026-11-27 03:05:02 | rollback-deploy (P-1) succeeded in 1.2s |');
    }
  });

  it('says clearly when the channel has no incident, and exits 1', async () => {
    const out = sink();
    const err = sink();
    expect(await postmortemCommand(['C0NOPE'], out.stream, err.stream, { REDIS_URL, REDIS_PREFIX: prefix })).toBe(1);
    expect(out.text()).toBe('');
    expect(err.text()).toBe(
      `incident-scout postmortem: no incident for channel "C0NOPE" in this Redis (prefix ${prefix}); give the channel id (C0123ABCD) or name (#inc-...) of a channel the bot investigated.\n`,
    );
  });

  it('says there is nothing persistent to read without REDIS_URL and exits 2', async () => {
    const err = sink();
    expect(await postmortemCommand(['C0INC'], sink().stream, err.stream, {})).toBe(2);
    expect(err.text()).toContain('REDIS_URL is not set');
  });
});

// One contract, two adapters: RedisStore (real Redis, two connections standing in for two replicas)
// and MemoryStore (manual clock). Anything a service relies on is asserted here for both.
import { z } from 'zod';
import type { AuditRecord } from '../../../src/domain/types';
import type { Clock } from '../../../src/domain/time';
import { MemoryStore } from '../../../src/store/memory';
import type { Store } from '../../../src/store/port';
import { RedisStore, connectRedis } from '../../../src/store/redis';
import { StoreCorrupt, StoreUnavailable } from '../../../src/store/errors';
import { defineKind } from '../../../src/store/repository';
import { REDIS_URL, deletePrefix, randomPrefix, sleep } from './redis-fixture';

// Kinds only this suite writes, read and written through the repositories product code uses.
const named = defineKind('test-named', z.looseObject({ name: z.string() }));
const counters = defineKind('test-counter', z.object({ n: z.number() }));
const statuses = defineKind('test-status', z.object({ status: z.string() }));
const versions = defineKind('test-version', z.object({ v: z.number() }));

interface Fixture {
  /** Two handles on the same state (two replicas for Redis; the same store twice in memory). */
  replicas: [Store, Store];
  /** A store on another prefix. */
  isolated(): Promise<Store>;
  /** Lets `ms` of time pass for TTL purposes. */
  elapse(ms: number): Promise<void>;
  dispose(): Promise<void>;
}

function storeContract(name: string, setUp: () => Promise<Fixture>): void {
  describe(`Store contract: ${name}`, () => {
    let fx: Fixture;
    let store: Store;
    beforeEach(async () => {
      fx = await setUp();
      store = fx.replicas[0];
    });
    afterEach(async () => {
      await fx.dispose();
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('returns what was put, as a copy, and null for unknown ids', async () => {
      const doc = { title: 'db down', tags: ['p1'] };
      await store.put('incident', 'C1', doc);
      doc.tags.push('mutated after put');
      expect(await store.get('incident', 'C1')).toEqual({ title: 'db down', tags: ['p1'] });
      expect(await store.get('incident', 'C2')).toBeNull();
      expect(await store.get('investigation', 'C1')).toBeNull();
    });

    it('forgets a document once its ttl has passed', async () => {
      await store.put('posted', 'evt-1', { ts: '1.1' }, 1);
      await store.put('posted', 'evt-2', { ts: '2.2' });
      expect(await store.get('posted', 'evt-1')).toEqual({ ts: '1.1' });
      await fx.elapse(1_500);
      expect(await store.get('posted', 'evt-1')).toBeNull();
      expect(await store.get('posted', 'evt-2')).toEqual({ ts: '2.2' });
    });

    it('keeps the current expiry when update is given no ttl', async () => {
      await named.in(store).put('U1', { name: 'ana' }, 1);
      await named.in(store).update('U1', (cur) => (cur ? { name: cur.name.toUpperCase() } : undefined));
      expect(await named.in(store).get('U1')).toEqual({ name: 'ANA' });
      await fx.elapse(1_500);
      expect(await named.in(store).get('U1')).toBeNull();
    });

    it('applies 50 concurrent increments from two replicas exactly once each', async () => {
      const [a, b] = fx.replicas;
      const bump = (s: Store) => counters.in(s).update('counter', (cur) => ({ n: (cur?.n ?? 0) + 1 }));
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => bump(i % 2 === 0 ? a : b)));
      expect(results.every((r) => r.changed)).toBe(true);
      expect(await counters.in(store).get('counter')).toEqual({ n: 50 });
      // Every step saw a distinct predecessor: the 50 results are 1..50.
      expect(results.map((r) => r.value?.n).sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
    });

    it('leaves the value unchanged when the update function returns undefined', async () => {
      await statuses.in(store).put('P1', { status: 'approved' });
      const result = await statuses
        .in(store)
        .update('P1', (cur) => (cur?.status === 'pending' ? { status: 'rejected' } : undefined));
      expect(result).toEqual({ value: { status: 'approved' }, changed: false });
      expect(await statuses.in(store).get('P1')).toEqual({ status: 'approved' });
      const missing = await statuses.in(store).update('P404', () => undefined);
      expect(missing).toEqual({ value: null, changed: false });
      expect(await statuses.in(store).get('P404')).toBeNull();
    });

    it('creates a document through update when none exists', async () => {
      const result = await versions.in(store).update('F1', (cur) => (cur === null ? { v: 1 } : undefined));
      expect(result).toEqual({ value: { v: 1 }, changed: true });
      expect(await versions.in(store).list('')).toEqual(['F1']);
    });

    it('refuses a stored document that does not match its kind, naming the kind, id and field', async () => {
      await store.put('test-counter', 'bad', { n: 'three' });
      await expect(counters.in(store).get('bad')).rejects.toThrow(StoreCorrupt);
      await expect(counters.in(store).get('bad')).rejects.toThrow(
        /stored test-counter "bad" is not a valid test-counter \(n: .*number/,
      );
      await expect(counters.in(store).update('bad', (cur) => ({ n: (cur?.n ?? 0) + 1 }))).rejects.toThrow(StoreCorrupt);
      expect(await store.get('test-counter', 'bad')).toEqual({ n: 'three' });
    });

    it('keeps fields a loose kind does not list (written by a newer version) through a read and an update', async () => {
      await store.put('test-named', 'U2', { name: 'ana', addedLater: [1, 2] });
      expect(await named.in(store).get('U2')).toEqual({ name: 'ana', addedLater: [1, 2] });
      await named.in(store).update('U2', (cur) => (cur ? { ...cur, name: 'bo' } : undefined));
      expect(await store.get('test-named', 'U2')).toEqual({ name: 'bo', addedLater: [1, 2] });
    });

    it('grants a claim to exactly one of 20 concurrent callers, and again after its ttl', async () => {
      const [a, b] = fx.replicas;
      const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).claim('event:Ev1', 1)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await store.claim('event:Ev2', 1)).toBe(true);
      await fx.elapse(1_500);
      expect(await b.claim('event:Ev1', 1)).toBe(true);
    });

    it('holds a lock for one owner until it is released', async () => {
      const [a, b] = fx.replicas;
      const release = await a.lock('investigation:C1', 10_000);
      expect(release).not.toBeNull();
      expect(await b.lock('investigation:C1', 10_000)).toBeNull();
      expect(await b.lock('investigation:C2', 10_000)).not.toBeNull();
      await release?.();
      const again = await b.lock('investigation:C1', 10_000);
      expect(again).not.toBeNull();
    });

    it('lets a lease expire, and a stale release does not free the next holder', async () => {
      const [a, b] = fx.replicas;
      const staleRelease = await a.lock('runner', 500);
      expect(staleRelease).not.toBeNull();
      await fx.elapse(800);
      const next = await b.lock('runner', 10_000);
      expect(next).not.toBeNull();
      await staleRelease?.();
      expect(await a.lock('runner', 10_000)).toBeNull();
    });

    it('keeps the audit trail per incident in append order', async () => {
      const rec = (incidentId: string, n: number): AuditRecord => ({
        at: `2026-01-01T00:00:0${n}.000Z`,
        kind: 'tool_call',
        incidentId,
        investigationId: `${incidentId}-inv1`,
        actor: 'logs-scout',
        detail: { n, tool: 'logs_patterns' },
      });
      const [a, b] = fx.replicas;
      const c1First = await a.appendAudit(rec('C1', 1));
      await b.appendAudit(rec('C2', 2));
      const c1Ids = [c1First, await a.appendAudit(rec('C1', 3)), await b.appendAudit(rec('C1', 4))];
      // Ids are unique within one incident's trail (Redis stream ids are per stream).
      expect(new Set(c1Ids).size).toBe(3);
      expect(await store.readAudit('C1')).toEqual([rec('C1', 1), rec('C1', 3), rec('C1', 4)]);
      expect(await store.readAudit('C2')).toEqual([rec('C2', 2)]);
      expect(await store.readAudit('C3')).toEqual([]);
    });

    it('lists ids of one kind by prefix, without expired documents', async () => {
      await store.put('proposal', 'C1:p2', { n: 2 });
      await store.put('proposal', 'C1:p1', { n: 1 });
      await store.put('proposal', 'C10:p1', { n: 3 });
      await store.put('proposal', 'C1:gone', { n: 4 }, 1);
      await store.update('proposal', 'C1:p3', () => ({ n: 5 }));
      await store.put('finding', 'C1:f1', { n: 6 });
      expect(await store.list('proposal', 'C1:')).toEqual(['C1:gone', 'C1:p1', 'C1:p2', 'C1:p3']);
      await fx.elapse(1_500);
      expect(await store.list('proposal', 'C1:')).toEqual(['C1:p1', 'C1:p2', 'C1:p3']);
      // Byte order: '0' (0x30) sorts before ':' (0x3a).
      expect(await store.list('proposal', '')).toEqual(['C10:p1', 'C1:p1', 'C1:p2', 'C1:p3']);
      expect(await store.list('finding', 'C1')).toEqual(['C1:f1']);
      expect(await store.list('synthesis', '')).toEqual([]);
    });

    it('does not see the state of a store on another prefix', async () => {
      const other = await fx.isolated();
      await store.put('incident', 'C1', { who: 'first' });
      await store.claim('k', 60);
      await store.lock('l', 60_000);
      await store.appendAudit({
        at: '2026-01-01T00:00:00.000Z',
        kind: 'decision',
        incidentId: 'C1',
        actor: 'U1',
        detail: {},
      });
      expect(await other.get('incident', 'C1')).toBeNull();
      expect(await other.list('incident', '')).toEqual([]);
      expect(await other.claim('k', 60)).toBe(true);
      expect(await other.lock('l', 60_000)).not.toBeNull();
      expect(await other.readAudit('C1')).toEqual([]);
    });
  });
}

storeContract('memory', async () => {
  let now = Date.parse('2026-03-01T10:00:00.000Z');
  const clock: Clock = { now: () => new Date(now) };
  const store = new MemoryStore(clock);
  return {
    replicas: [store, store],
    isolated: async () => new MemoryStore(clock),
    elapse: async (ms) => {
      now += ms;
    },
    dispose: () => store.close(),
  };
});

storeContract('redis', async () => {
  const prefix = randomPrefix('store');
  const otherPrefix = randomPrefix('store');
  const opened: Store[] = [];
  const open = (p: string): Store => {
    const s = new RedisStore(connectRedis(REDIS_URL), { prefix: p });
    opened.push(s);
    return s;
  };
  return {
    replicas: [open(prefix), open(prefix)],
    isolated: async () => open(otherPrefix),
    elapse: sleep,
    dispose: async () => {
      try {
        await Promise.all(opened.map((s) => s.close()));
      } finally {
        await deletePrefix(prefix);
        await deletePrefix(otherPrefix);
      }
    },
  };
});

describe('RedisStore while Redis is unreachable', () => {
  it('fails fast with StoreUnavailable instead of hanging', async () => {
    // Port 1 on loopback: connection refused, as when Redis is down or restarting.
    const store = new RedisStore(connectRedis('redis://127.0.0.1:1'), { prefix: randomPrefix('down') });
    try {
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailable);
      await expect(store.get('incident', 'C1')).rejects.toThrow(/state store \(Redis\) is unreachable/);
    } finally {
      await store.close();
    }
  });
});

// MemoryStore behaviour beyond the shared contract (which runs in test/integration/store).
import type { Clock } from '../../../src/domain/time';
import { MemoryStore } from '../../../src/store/memory';

function manualClock(start = '2026-03-01T10:00:00.000Z'): Clock & { advance(ms: number): void } {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

describe('MemoryStore', () => {
  it('rounds a fractional ttl up to whole seconds, as Redis EX does', async () => {
    const clock = manualClock();
    const store = new MemoryStore(clock);
    await store.put('posted', 'x', 1, 0.2);
    clock.advance(999);
    expect(await store.get('posted', 'x')).toBe(1);
    clock.advance(1);
    expect(await store.get('posted', 'x')).toBeNull();
  });

  it('refuses a ttl that is zero or negative', async () => {
    const store = new MemoryStore(manualClock());
    await expect(store.put('posted', 'x', 1, 0)).rejects.toThrow(/positive/);
    await expect(store.claim('k', -5)).rejects.toThrow(/positive/);
  });

  it('replaces the expiry when update is given a ttl', async () => {
    const clock = manualClock();
    const store = new MemoryStore(clock);
    await store.put('usercache', 'U1', { v: 1 }, 1);
    await store.update('usercache', 'U1', () => ({ v: 2 }), 60);
    clock.advance(30_000);
    expect(await store.get('usercache', 'U1')).toEqual({ v: 2 });
  });

  it('gives audit records increasing ids even when the clock stands still', async () => {
    const store = new MemoryStore(manualClock());
    const record = {
      at: '2026-03-01T10:00:00.000Z',
      kind: 'decision' as const,
      incidentId: 'C1',
      actor: 'U1',
      detail: {},
    };
    const ids = [await store.appendAudit(record), await store.appendAudit(record), await store.appendAudit(record)];
    expect(ids).toEqual(['1772359200000-0', '1772359200000-1', '1772359200000-2']);
  });

  it('drops expired claims, documents and locks as writes go on, keeping the live ones', async () => {
    const clock = manualClock();
    const store = new MemoryStore(clock);
    await store.put('incident', 'kept', { v: 1 });
    for (let i = 0; i < 5_000; i++) await store.claim(`event:${i}`, 60);
    await store.put('posted', 'short', 1, 60);
    expect(await store.lock('sweep', 60_000)).not.toBeNull();
    expect(store.size).toBe(5_003);
    clock.advance(61_000);
    // A steady trickle of new claims, as a serving process makes: the old ones must not pile up.
    for (let i = 0; i < 5_000; i++) await store.claim(`next:${i}`, 3_600);
    expect(store.size).toBeLessThanOrEqual(5_001);
    expect(await store.get('incident', 'kept')).toEqual({ v: 1 });
    expect(await store.claim('next:1', 3_600)).toBe(false);
    expect(await store.claim('event:1', 60)).toBe(true);
  });

  it('refuses values JSON cannot carry', async () => {
    const store = new MemoryStore(manualClock());
    await expect(store.put('incident', 'C1', undefined)).rejects.toThrow(/JSON/);
  });

  it('stops answering ping once closed', async () => {
    const store = new MemoryStore(manualClock());
    await store.close();
    await expect(store.ping()).rejects.toThrow(/closed/);
  });
});

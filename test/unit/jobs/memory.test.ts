// MemoryQueue behaviour beyond the shared contract (test/integration/jobs).
import type { Clock } from '../../../src/domain/time';
import { MemoryQueue } from '../../../src/jobs/memory';

function manualClock(): Clock & { advance(ms: number): void } {
  let now = Date.parse('2026-03-01T10:00:00.000Z');
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

describe('MemoryQueue', () => {
  it('accepts a finished jobId again once the retention window has passed', async () => {
    const clock = manualClock();
    const q = new MemoryQueue<{ n: number }>({ name: 'inv', clock, retentionMs: 60_000 });
    const seen: number[] = [];
    q.process(async (d) => {
      seen.push(d.n);
    }, 1);
    expect(await q.add({ n: 1 }, { jobId: 'Ev1' })).toBe(true);
    await q.drain();
    clock.advance(59_999);
    expect(await q.add({ n: 2 }, { jobId: 'Ev1' })).toBe(false);
    clock.advance(1);
    expect(await q.add({ n: 3 }, { jobId: 'Ev1' })).toBe(true);
    await q.drain();
    expect(seen).toEqual([1, 3]);
    await q.close();
  });

  it('hands each run its own copy of the data', async () => {
    const q = new MemoryQueue<{ list: number[] }>({ name: 'inv' });
    const data = { list: [1] };
    const seen: number[][] = [];
    await q.add(data, { jobId: 'copy' });
    data.list.push(2);
    q.process(async (d) => {
      seen.push(d.list);
    }, 1);
    await q.drain();
    expect(seen).toEqual([[1]]);
    await q.close();
  });

  it('keeps jobs waiting until a handler is attached', async () => {
    const q = new MemoryQueue<{ n: number }>({ name: 'inv' });
    await q.add({ n: 1 }, { jobId: 'wait-for-me' });
    await expect(q.drain(50)).rejects.toThrow(/still had 1 job/);
    q.process(async () => undefined, 1);
    await expect(q.drain(1_000)).resolves.toBeUndefined();
    await q.close();
  });

  it('refuses a second handler and a concurrency below one', async () => {
    const q = new MemoryQueue<{ n: number }>({ name: 'inv' });
    expect(() => q.process(async () => undefined, 0)).toThrow(/positive integer/);
    q.process(async () => undefined, 1);
    expect(() => q.process(async () => undefined, 1)).toThrow(/already has a handler/);
    await q.close();
  });

  it('does not take jobs after close', async () => {
    const q = new MemoryQueue<{ n: number }>({ name: 'inv' });
    await q.close();
    await expect(q.add({ n: 1 }, { jobId: 'late' })).rejects.toThrow(/closed/);
  });
});

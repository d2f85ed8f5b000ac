import pino from 'pino';
import { createQueue } from '../../../src/jobs';

describe('createQueue', () => {
  it('runs jobs in-process when no Redis URL is configured', async () => {
    const q = createQueue<{ n: number }>({
      name: 'investigations',
      prefix: 'scout:',
      logger: pino({ level: 'silent' }),
    });
    expect(q.kind).toBe('memory');
    const seen: number[] = [];
    q.process(async (d) => {
      seen.push(d.n);
    }, 1);
    await q.add({ n: 5 }, { jobId: 'inv:C1:1' });
    await q.drain();
    expect(seen).toEqual([5]);
    await q.close();
  });

  it('refuses a prefix that would break key scans', () => {
    expect(() => createQueue({ name: 'q', prefix: 'a b', logger: pino({ level: 'silent' }) })).toThrow(
      /invalid Redis key prefix/,
    );
  });
});

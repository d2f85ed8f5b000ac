import { KeyedMutex } from '../../../src/store/mutex';

describe('KeyedMutex', () => {
  it('runs tasks of one key one after another, in call order, even when one fails', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let releaseFirst!: () => void;
    const first = mutex.run('k', async () => {
      log.push('first:start');
      await new Promise<void>((r) => (releaseFirst = r));
      log.push('first:end');
      throw new Error('first failed');
    });
    const second = mutex.run('k', async () => {
      log.push('second');
      return 2;
    });
    await Promise.resolve();
    expect(log).toEqual(['first:start']);
    releaseFirst();
    await expect(first).rejects.toThrow('first failed');
    await expect(second).resolves.toBe(2);
    expect(log).toEqual(['first:start', 'first:end', 'second']);
  });

  it('lets different keys run at the same time', async () => {
    const mutex = new KeyedMutex();
    let releaseA!: () => void;
    const a = mutex.run('a', () => new Promise<void>((r) => (releaseA = r)));
    await expect(mutex.run('b', async () => 'b done')).resolves.toBe('b done');
    releaseA();
    await a;
  });
});

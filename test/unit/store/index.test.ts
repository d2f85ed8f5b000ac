import { createStore } from '../../../src/store';
import { captureLogs } from './log-capture';

describe('createStore', () => {
  it('uses the in-process store without a Redis URL and warns that state is volatile', async () => {
    const { logger, lines } = captureLogs();
    const store = createStore({ prefix: 'scout:', logger });
    expect(store.kind).toBe('memory');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'no REDIS_URL: using the in-process store; state is lost on restart'],
    ]);
    await store.close();
  });

  it('refuses a prefix that would break key scans, before connecting to anything', () => {
    const { logger } = captureLogs();
    expect(() => createStore({ prefix: 'bad prefix*', logger, redisUrl: 'redis://127.0.0.1:1' })).toThrow(
      /invalid Redis key prefix/,
    );
  });
});

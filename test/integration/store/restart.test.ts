// Redis going away and coming back, simulated by a loopback TCP proxy in front of the real Redis:
// while it refuses connections the store fails fast with a clear error; once it is back the same
// store works again, and the log says so once each way (not once per reconnect attempt).
import net from 'node:net';
import { StoreUnavailable } from '../../../src/store/errors';
import { RedisStore, connectRedis } from '../../../src/store/redis';
import { captureLogs } from '../../unit/store/log-capture';
import { REDIS_URL, deletePrefix, randomPrefix, sleep } from './redis-fixture';

/** Forwards loopback connections to Redis while `up`; drops every connection when taken down. */
async function startProxy(target: URL): Promise<{ port: number; down(): void; up(): void; close(): Promise<void> }> {
  let isUp = true;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!isUp) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    down: () => {
      isUp = false;
      for (const s of sockets) s.destroy();
    },
    up: () => {
      isUp = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('RedisStore across a Redis restart', () => {
  const prefix = randomPrefix('restart');
  afterAll(async () => {
    await deletePrefix(prefix);
  });

  it('fails fast while Redis is away and carries on once it is back', async () => {
    const proxy = await startProxy(new URL(REDIS_URL));
    const { logger, lines } = captureLogs('info');
    const client = connectRedis(`redis://127.0.0.1:${proxy.port}`, logger);
    const store = new RedisStore(client, { prefix });
    try {
      await store.put('incident', 'C1', { title: 'before' });

      proxy.down();
      // A call already on the wire when the link drops has an unknown outcome; this test is about
      // calls made once the outage is known.
      const noticed = Date.now() + 5_000;
      while (client.status === 'ready' && Date.now() < noticed) await sleep(10);
      await expect(store.get('incident', 'C1')).rejects.toBeInstanceOf(StoreUnavailable);
      await expect(store.put('incident', 'C1', { title: 'during' })).rejects.toThrow(
        /state store \(Redis\) is unreachable/,
      );

      proxy.up();
      const deadline = Date.now() + 15_000;
      for (;;) {
        try {
          await store.ping();
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await sleep(100);
        }
      }
      expect(await store.get('incident', 'C1')).toEqual({ title: 'before' });

      const messages = lines.map((l) => l.msg);
      expect(messages.filter((m) => /redis connection (lost|error)/.test(m))).toHaveLength(1);
      expect(messages.filter((m) => m === 'redis reconnected')).toHaveLength(1);
    } finally {
      await store.close();
      await proxy.close();
    }
  });
});

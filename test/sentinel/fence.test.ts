// The write fence (src/store/fence.ts) against a real primary and replica. Sentinel starts a failover by
// detaching the replica it promotes (REPLICAOF NO ONE); a write the old primary acknowledges after that
// is discarded when its other replicas resync from the new primary. The store must hold such writes
// back rather than make them, confirm the others on every replica, and write again once the window in
// which a departed replica still counts has passed.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { connectRedis } from '../../src/store/connection';
import { StoreUnavailable } from '../../src/store/errors';
import { WriteFence } from '../../src/store/fence';
import { RedisStore } from '../../src/store/redis';
import { REDIS, describeWithService } from '../helpers/services';
import { freePort } from '../helpers/spawn-app';

const run = promisify(execFile);
const cli = async (port: number, ...args: string[]) =>
  (await run('redis-cli', ['-p', String(port), ...args])).stdout.trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await sleep(50);
  }
}

const WINDOW_MS = 3_000;
const SAMPLE_MS = 100;

describeWithService(REDIS, 'the write fence on a primary and its replica', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'scout-fence-'));
  const children: ChildProcess[] = [];
  let primary = 0;
  let replica = 0;
  let store: RedisStore;

  beforeAll(async () => {
    [primary, replica] = [await freePort(), await freePort()];
    const server = (port: number, extra: string[]) =>
      children.push(
        spawn(
          'redis-server',
          ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra],
          { stdio: 'ignore' },
        ),
      );
    server(primary, ['--repl-diskless-sync-delay', '0']);
    server(replica, ['--replicaof', '127.0.0.1', String(primary), '--enable-debug-command', 'local']);
    // ROLE lists a replica once it is online (in sync).
    await until('the replica is in sync', async () => (await cli(primary, 'role')).includes(String(replica)));
    const client = connectRedis(`redis://127.0.0.1:${primary}`);
    const fence = new WriteFence(client, { windowMs: WINDOW_MS, sampleMs: SAMPLE_MS, waitMs: 1_000 });
    store = new RedisStore(client, { prefix: `test:fence:${process.pid}:`, fence });
    await store.ping();
    await sleep(3 * SAMPLE_MS);
  });

  afterAll(async () => {
    await store?.close();
    for (const child of children) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts a write only once the replica has acknowledged it', async () => {
    // The replica is busy for 400 ms (over a connection already open, so it starts at once): the write
    // is not counted before the replica has caught up.
    const other = connectRedis(`redis://127.0.0.1:${replica}`);
    await other.ping();
    const busy = other.call('DEBUG', 'SLEEP', '0.4').finally(() => other.quit());
    await sleep(50);
    const started = Date.now();
    expect(await store.claim('first', 60)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await busy;
    expect(await cli(replica, 'exists', store.keys.claim('first'))).toBe('1');
  });

  it('holds a write back while a replica has just left, and makes it once that replica no longer counts', async () => {
    await cli(replica, 'replicaof', 'no', 'one');
    await until('the primary has no replica', async () => !(await cli(primary, 'role')).includes(String(replica)));
    const left = Date.now();
    await sleep(3 * SAMPLE_MS);
    const claimed = store.claim('in-the-gap', 60);
    // What the old primary would acknowledge in a failover's gap: not sent while the replica still counts.
    await sleep(WINDOW_MS / 3);
    expect(await cli(primary, 'exists', store.keys.claim('in-the-gap'))).toBe('0');
    // A primary that really lost its replica is written to again once the window has passed.
    await expect(claimed).resolves.toBe(true);
    expect(Date.now() - left).toBeGreaterThanOrEqual(WINDOW_MS / 2);
  });

  it('reports a write the primary refuses for want of replicas as the store being unavailable', async () => {
    // More replicas than it has: a transaction (put) refused with NOREPLICAS ends in EXECABORT, which
    // is what a failover looks like, not a broken caller.
    await cli(primary, 'config', 'set', 'min-replicas-to-write', '2');
    try {
      await expect(store.put('test', 'refused', { a: 1 })).rejects.toBeInstanceOf(StoreUnavailable);
    } finally {
      await cli(primary, 'config', 'set', 'min-replicas-to-write', '0');
    }
  });
});

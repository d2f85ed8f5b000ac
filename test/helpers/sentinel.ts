// A throwaway highly available Redis as the README asks for one: a primary, two replicas and one
// Sentinel (quorum 1) on free loopback ports, each a real redis-server/redis-sentinel process of this
// test, every server with `min-replicas-to-write 1` (a primary whose replicas have left refuses writes
// instead of acknowledging writes a failover would discard). `failover()` is a planned failover
// (SENTINEL FAILOVER) while the app keeps working: Sentinel promotes an in-sync replica, points the
// other at it, demotes the old primary, and the app's connections must follow.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './spawn-app';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SentinelSet {
  name: string;
  /** REDIS_SENTINELS for the app. */
  sentinels: string;
  /** The port of the current primary, as Sentinel reports it. */
  primaryPort(): Promise<number>;
  failover(): Promise<{ from: number; to: number }>;
  close(): Promise<void>;
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args]);
  return stdout.trim();
}

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await sleep(100);
  }
}

/** Starts primary, replica and sentinel; resolves when the replica is in sync and Sentinel sees both. */
export async function startSentinelSet(name = 'scoutmaster'): Promise<SentinelSet> {
  const dir = mkdtempSync(path.join(tmpdir(), 'scout-sentinel-'));
  const children: ChildProcess[] = [];
  const [p1, p2, p3, s1] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const ports = [p1, p2, p3];
  const server = (port: number, extra: string[]) => {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--min-replicas-to-write',
        '1',
        '--min-replicas-max-lag',
        '10',
        ...extra,
      ],
      { stdio: 'ignore' },
    );
    children.push(child);
  };
  const stop = async () => {
    for (const child of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const primaryPort = async () => Number((await cli(s1, 'sentinel', 'get-master-addr-by-name', name)).split('\n')[1]);
  try {
    await startServers();
  } catch (err) {
    // Nothing of a set that did not come up may outlive it: a leftover server keeps jest from exiting.
    await stop();
    throw err;
  }

  async function startServers(): Promise<void> {
    server(p1, []);
    server(p2, ['--replicaof', '127.0.0.1', String(p1)]);
    server(p3, ['--replicaof', '127.0.0.1', String(p1)]);
    await until('primary and replicas answer', async () =>
      (await Promise.all(ports.map((p) => cli(p, 'ping')))).every((r) => r === 'PONG'),
    );
    await until('the replicas are in sync', async () =>
      (await Promise.all([p2, p3].map((p) => cli(p, 'info', 'replication')))).every((i) =>
        /master_link_status:up/.test(i),
      ),
    );
    const conf = path.join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${s1}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${p1} 1`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 10000`,
        `sentinel parallel-syncs ${name} 1`,
      ].join('\n') + '\n',
    );
    children.push(spawn('redis-sentinel', [conf], { stdio: 'ignore' }));
    // On a loaded machine Sentinel may already have failed over (a PING slower than down-after-milliseconds):
    // any primary of the three will do, as long as Sentinel lists the other two as its replicas.
    await until(
      'Sentinel knows the primary and its replicas',
      async () => {
        const primary = await primaryPort();
        const replicas = await cli(s1, 'sentinel', 'replicas', name);
        return ports.includes(primary) && ports.every((p) => p === primary || replicas.includes(String(p)));
      },
      60_000,
    );
  }

  return {
    name,
    sentinels: `127.0.0.1:${s1}`,
    primaryPort,
    async failover() {
      const from = await primaryPort();
      const others = ports.filter((p) => p !== from);
      const field = (info: string, key: string) => new RegExp(`^${key}:(\\S+)`, 'm').exec(info)?.[1];
      // A planned failover promotes a replica that has everything: linked to the primary, at its offset.
      await until('a replica is in sync with the primary', async () => {
        const primary = await cli(from, 'info', 'replication');
        const replicas = await Promise.all(others.map((p) => cli(p, 'info', 'replication')));
        return replicas.some(
          (r) =>
            field(r, 'master_port') === String(from) &&
            field(r, 'master_link_status') === 'up' &&
            Number(field(r, 'slave_repl_offset')) >= Number(field(primary, 'master_repl_offset')),
        );
      });
      // Sentinel answers NOGOODSLAVE until it has seen a replica in sync itself (it polls INFO every 10 s).
      await until(
        'Sentinel accepts the failover',
        async () => (await cli(s1, 'sentinel', 'failover', name)) === 'OK',
        45_000,
      );
      await until('Sentinel names a new primary', async () => (await primaryPort()) !== from);
      const to = await primaryPort();
      await until('the new primary accepts writes', async () =>
        /role:master/.test(await cli(to, 'info', 'replication')),
      );
      await until('the old primary and the other replica follow it', async () => {
        const infos = await Promise.all(ports.filter((p) => p !== to).map((p) => cli(p, 'info', 'replication')));
        return infos.every(
          (info) => field(info, 'master_port') === String(to) && field(info, 'master_link_status') === 'up',
        );
      });
      return { from, to };
    },
    close: stop,
  };
}

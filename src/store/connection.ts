// Builds ioredis clients for a bot that must outlive Redis restarts.
import Redis, { type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

export interface ConnectOptions {
  /**
   * 'store': commands fail fast (a few reconnect attempts, a command timeout) so a click while Redis
   * is down gets a clear error instead of hanging. 'queue': BullMQ requires `maxRetriesPerRequest: null`
   * (its blocking fetch must wait through outages) and no command timeout.
   */
  purpose?: 'store' | 'queue';
  /** CLIENT SETNAME, shown in `CLIENT LIST`. */
  connectionName?: string;
}

/** A Redis reached through Sentinel: the sentinels to ask and the name of the monitored primary. */
export interface SentinelTarget {
  sentinels: Array<{ host: string; port: number }>;
  /** The master name the sentinels monitor (`sentinel monitor <name> ...`). */
  name: string;
  /** AUTH for the sentinels themselves (REDIS_SENTINEL_PASSWORD). */
  sentinelPassword?: string;
  /** AUTH for the primary and replicas (REDIS_PASSWORD). */
  password?: string;
}

/** Where Redis is: a redis:// URL, or a Sentinel set that names the current primary. */
export type RedisTarget = string | SentinelTarget;

/** For logs: the URL without credentials, or the sentinel set and master name. */
export function describeTarget(target: RedisTarget): string {
  if (typeof target !== 'string')
    return `sentinel ${target.name} via ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
  try {
    const u = new URL(target);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return 'redis';
  }
}

const MAX_RECONNECT_DELAY_MS = 5_000;

/** Capped exponential backoff with jitter; never gives up, so the bot reconnects after any outage. */
export function reconnectDelay(times: number): number {
  const base = Math.min(100 * 2 ** Math.max(0, times - 1), MAX_RECONNECT_DELAY_MS);
  return base + Math.floor(Math.random() * 100);
}

/**
 * Creates an ioredis client for `target` with retry/timeout settings for `purpose` and logged outages.
 * Through Sentinel, ioredis asks the sentinels for the primary on every (re)connect and, with the
 * failover detector, reconnects as soon as they announce a new one; a write that reaches a demoted
 * primary gets READONLY or NOREPLICAS, which reconnects and resends (below). Nothing on the client
 * can stop a demoted primary from acknowledging writes it will then discard: that is what the
 * servers' `min-replicas-to-write` is for (see writeFencing).
 */
export function connectRedis(target: RedisTarget, logger?: Logger, options: ConnectOptions = {}): Redis {
  const purpose = options.purpose ?? 'store';
  const common = {
    maxRetriesPerRequest: purpose === 'queue' ? null : 2,
    enableOfflineQueue: true,
    // How long a dropped, half-open socket may linger before it is destroyed (default 2 s keeps
    // the process alive that long after close() during an outage).
    disconnectTimeout: 500,
    retryStrategy: reconnectDelay,
    // After a failover the old primary answers READONLY (once demoted) or, with min-replicas-to-write,
    // NOREPLICAS (as soon as its replicas have left it): the command did not run, so reconnect (through
    // Sentinel: to whichever primary it names now) and resend instead of failing.
    reconnectOnError: (err: Error) =>
      err.message.startsWith('READONLY') || (typeof target !== 'string' && err.message.startsWith('NOREPLICAS'))
        ? 2
        : false,
    ...(purpose === 'store' ? { commandTimeout: 5_000 } : {}),
    ...(options.connectionName !== undefined ? { connectionName: options.connectionName } : {}),
  };
  const client =
    typeof target === 'string'
      ? new Redis(target, common)
      : new Redis({
          ...common,
          sentinels: target.sentinels,
          name: target.name,
          role: 'master',
          failoverDetector: true,
          sentinelRetryStrategy: reconnectDelay,
          ...(target.sentinelPassword !== undefined ? { sentinelPassword: target.sentinelPassword } : {}),
          ...(target.password !== undefined ? { password: target.password } : {}),
        });
  watchConnection(client, logger, purpose);
  return typeof target === 'string' ? client : releaseSentinelsOnEnd(client);
}

/**
 * ioredis closes a Sentinel client's failover detector (one subscriber connection per sentinel, each
 * with a 60 s reconnect timer) only in disconnect(), not when QUIT ends the connection, which is how
 * our close() and BullMQ's close a ready client. Those subscribers then outlive the client and keep the
 * process alive. Disconnecting once the client has ended releases them; BullMQ's duplicates of this
 * client (its worker's blocking connection) get the same treatment.
 */
function releaseSentinelsOnEnd(client: Redis): Redis {
  client.on('end', () => client.disconnect());
  const duplicate = client.duplicate.bind(client);
  const patched = (override?: Partial<RedisOptions>): Redis => releaseSentinelsOnEnd(duplicate(override));
  client.duplicate = patched as Redis['duplicate'];
  return client;
}

/** Logs one warning per outage (not one per failed reconnect) and one line when Redis is back. */
function watchConnection(client: Redis, logger: Logger | undefined, purpose: string): void {
  let down = false;
  let everReady = false;
  // ioredis emits 'error' on each failed attempt; a listener is also what keeps it from crashing the process.
  client.on('error', (err: Error) => {
    if (!down) logger?.warn({ err: err.message, purpose }, 'redis connection error; reconnecting with backoff');
    down = true;
  });
  client.on('reconnecting', (delayMs: number) => {
    if (!down) logger?.warn({ delayMs, purpose }, 'redis connection lost; reconnecting');
    down = true;
  });
  client.on('ready', () => {
    if (down && everReady) logger?.info({ purpose }, 'redis reconnected');
    else if (down) logger?.info({ purpose }, 'redis connected');
    down = false;
    everReady = true;
  });
}

/**
 * Whether the Redis at `target` runs in cluster mode (`INFO cluster`), or null when it cannot be asked
 * within `timeoutMs` (the store reconnects on its own; this check only refuses what cannot work).
 */
export async function isRedisCluster(target: RedisTarget, timeoutMs = 3_000): Promise<boolean | null> {
  const base = {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  };
  const client =
    typeof target === 'string'
      ? new Redis(target, base)
      : new Redis({
          ...base,
          sentinels: target.sentinels,
          name: target.name,
          sentinelRetryStrategy: () => null,
          ...(target.sentinelPassword !== undefined ? { sentinelPassword: target.sentinelPassword } : {}),
          ...(target.password !== undefined ? { password: target.password } : {}),
        });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('cluster');
    return /^cluster_enabled:1\s*$/m.test(info);
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/**
 * Through Sentinel, whether the primary refuses writes once its replicas have left it
 * (`min-replicas-to-write` of 1 or more). Without it, writes a demoted primary acknowledges between
 * Sentinel's promotion of a replica and the announcement of it are discarded when it rejoins as a
 * replica: an investigation job, a result. Returns null when it cannot be asked (CONFIG disabled,
 * as on some managed services, or Redis unreachable within `timeoutMs`).
 */
export async function writeFencing(target: SentinelTarget, timeoutMs = 3_000): Promise<number | null> {
  const client = new Redis({
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    sentinels: target.sentinels,
    name: target.name,
    sentinelRetryStrategy: () => null,
    ...(target.sentinelPassword !== undefined ? { sentinelPassword: target.sentinelPassword } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const reply = await client.config('GET', 'min-replicas-to-write');
    const value = Array.isArray(reply) ? Number(reply[1]) : NaN;
    return Number.isInteger(value) ? value : null;
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

// Builds ioredis clients for a bot that must outlive Redis restarts.
import Redis from 'ioredis';
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

const MAX_RECONNECT_DELAY_MS = 5_000;

/** Capped exponential backoff with jitter; never gives up, so the bot reconnects after any outage. */
export function reconnectDelay(times: number): number {
  const base = Math.min(100 * 2 ** Math.max(0, times - 1), MAX_RECONNECT_DELAY_MS);
  return base + Math.floor(Math.random() * 100);
}

/** Creates an ioredis client for `url` with retry/timeout settings for `purpose` and logged outages. */
export function connectRedis(url: string, logger?: Logger, options: ConnectOptions = {}): Redis {
  const purpose = options.purpose ?? 'store';
  const client = new Redis(url, {
    maxRetriesPerRequest: purpose === 'queue' ? null : 2,
    enableOfflineQueue: true,
    // How long a dropped, half-open socket may linger before it is destroyed (default 2 s keeps
    // the process alive that long after close() during an outage).
    disconnectTimeout: 500,
    retryStrategy: reconnectDelay,
    // After a failover the old primary answers READONLY: reconnect and resend instead of failing.
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    ...(purpose === 'store' ? { commandTimeout: 5_000 } : {}),
    ...(options.connectionName !== undefined ? { connectionName: options.connectionName } : {}),
  });
  watchConnection(client, logger, purpose);
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

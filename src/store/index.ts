// Picks the Store adapter: Redis when a URL is configured, else the in-process one.
import type { Logger } from 'pino';
import type { Clock } from '../domain/time';
import { connectRedis, type RedisTarget } from './connection';
import { WriteFence } from './fence';
import { createKeys } from './keys';
import { MemoryStore } from './memory';
import { RedisStore } from './redis';
import type { Store } from './port';

export type { KindName, Store } from './port';
export { defineKind, type DocKind, type Repository } from './repository';
export { createKeys, DEFAULT_PREFIX, type Keys } from './keys';
export { MemoryStore } from './memory';
export { RedisStore, connectRedis } from './redis';
export { StoreConflict, StoreCorrupt, StoreUnavailable } from './errors';
export { WriteFence } from './fence';

export interface CreateStoreOptions {
  /** A redis:// URL or a Sentinel set; unset means in-process. */
  redisUrl?: RedisTarget | undefined;
  prefix: string;
  logger: Logger;
  /** Only for the in-process store (tests). */
  clock?: Clock;
}

/** Builds the Store for this process; warns that state is volatile when no Redis URL is given. */
export function createStore(options: CreateStoreOptions): Store {
  createKeys(options.prefix); // a bad prefix fails at start for both adapters
  if (options.redisUrl) {
    const client = connectRedis(options.redisUrl, options.logger, {
      purpose: 'store',
      connectionName: `${options.prefix}store`,
    });
    // Through Sentinel a failover can discard acknowledged writes: confirm each on the replicas.
    const fence = typeof options.redisUrl === 'string' ? undefined : new WriteFence(client);
    return new RedisStore(client, { prefix: options.prefix, logger: options.logger, ...(fence ? { fence } : {}) });
  }
  options.logger.warn('no REDIS_URL: using the in-process store; state is lost on restart');
  return new MemoryStore(options.clock);
}

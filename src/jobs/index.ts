// Picks the JobQueue adapter: BullMQ when a Redis URL is configured, else the in-process runner.
import type { Logger } from 'pino';
import { connectRedis, type RedisTarget } from '../store/connection';
import { WriteFence } from '../store/fence';
import { createKeys } from '../store/keys';
import { BullmqQueue } from './bullmq';
import { MemoryQueue } from './memory';
import type { JobQueue } from './port';

export type { JobContext, JobHandler, JobOptions, JobQueue } from './port';
export { BullmqQueue, type BullmqQueueOptions } from './bullmq';
export { MemoryQueue, type MemoryQueueOptions } from './memory';
export { DrainTimeout } from './errors';

export interface CreateQueueOptions {
  name: string;
  /** A redis:// URL or a Sentinel set; unset means in-process. */
  redisUrl?: RedisTarget | undefined;
  prefix: string;
  logger: Logger;
  /** Default 30 s: a crashed worker's job is picked up again after about this long. */
  lockDurationMs?: number;
  /** Default 1 s, doubling per retry. */
  backoffMs?: number;
}

/** Builds the job queue `name` for this process. */
export function createQueue<T>(options: CreateQueueOptions): JobQueue<T> {
  createKeys(options.prefix); // a bad prefix fails at start for both adapters
  const tuning = {
    ...(options.lockDurationMs !== undefined ? { lockDurationMs: options.lockDurationMs } : {}),
    ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
  };
  if (options.redisUrl) {
    const connection = connectRedis(options.redisUrl, options.logger, {
      purpose: 'queue',
      connectionName: `${options.prefix}queue:${options.name}`,
    });
    return new BullmqQueue<T>({
      name: options.name,
      connection,
      // Through Sentinel, an added job is confirmed on the replicas (see WriteFence).
      ...(typeof options.redisUrl === 'string' ? {} : { fence: new WriteFence(connection) }),
      prefix: options.prefix,
      logger: options.logger,
      ...tuning,
    });
  }
  return new MemoryQueue<T>({
    name: options.name,
    logger: options.logger,
    ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
  });
}

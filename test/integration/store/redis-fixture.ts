// Real-Redis helpers for integration tests: a random prefix per test, and every key under it removed after.
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { createKeys } from '../../../src/store/keys';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test (or deployment) uses. */
export function randomPrefix(label = 't'): string {
  return `test:${label}:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix` (BullMQ's included) and quits the admin connection. */
export async function deletePrefix(prefix: string): Promise<number> {
  const admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', createKeys(prefix).pattern(), 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await admin.del(...keys);
    } while (cursor !== '0');
  } finally {
    await admin.quit();
  }
  return deleted;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

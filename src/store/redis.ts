// RedisStore: the Store port over ioredis. Every state change two replicas may race on is one atomic step.
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { ReplyError } from 'ioredis';
import type { Logger } from 'pino';
import type { AuditRecord } from '../domain/types';
import { isScoutError } from '../domain/errors';
import { parseAuditRecord } from './audit';
import { StoreConflict, StoreUnavailable } from './errors';
import { createKeys, type Keys } from './keys';
import { KeyedMutex } from './mutex';
import type { KindName, Store } from './port';
import { decode, encode } from './json';
import type { WriteFence } from './fence';

export { connectRedis, reconnectDelay, type ConnectOptions } from './connection';

/**
 * Compare-and-set of one document plus its index entry. ARGV: expected JSON, '1' when a value is
 * expected ('0' when the key must be absent), next JSON, ttl seconds ('' keeps the current TTL), id.
 * A Lua script rather than WATCH/MULTI because WATCH is per connection and this connection is shared
 * by concurrent callers, whose EXECs would clear each other's watches.
 */
const CAS_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if ARGV[2] == '1' then
  if cur ~= ARGV[1] then return 0 end
elseif cur then
  return 0
end
if ARGV[4] ~= '' then
  redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
end
redis.call('ZADD', KEYS[2], 0, ARGV[5])
return 1`;

/** Deletes the lock only while it still holds our token, so a late release never frees someone else's lease. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface RedisStoreOptions {
  prefix?: string;
  logger?: Logger;
  /** Compare-and-set attempts before `update` gives up with StoreConflict. */
  maxUpdateAttempts?: number;
  /** Through Sentinel: confirms each write on the replicas, so a failover cannot discard it unnoticed. */
  fence?: WriteFence;
}

/** Store backed by Redis; construct with a client from `connectRedis`. `close` quits that client. */
export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  readonly keys: Keys;
  private readonly logger: Logger | undefined;
  private readonly maxUpdateAttempts: number;
  private readonly fence: WriteFence | undefined;
  private readonly mutex = new KeyedMutex();
  /** Set once the connection first became ready; from then on a lost connection means fail fast. */
  private everReady: boolean;

  constructor(
    private readonly redis: Redis,
    options: RedisStoreOptions = {},
  ) {
    this.keys = createKeys(options.prefix);
    this.logger = options.logger;
    this.maxUpdateAttempts = options.maxUpdateAttempts ?? 25;
    this.fence = options.fence;
    this.everReady = redis.status === 'ready';
    redis.on('ready', () => {
      this.everReady = true;
    });
  }

  async ping(): Promise<void> {
    await this.guard('ping', () => this.redis.ping());
  }

  async get(kind: KindName, id: string): Promise<unknown> {
    const raw = await this.guard('get', () => this.redis.get(this.keys.doc(kind, id)));
    return raw == null ? null : decode(raw);
  }

  async put(kind: KindName, id: string, value: unknown, ttlSeconds?: number): Promise<void> {
    const key = this.keys.doc(kind, id);
    const json = encode(value);
    await this.guardWrite('put', { repeatable: true }, async () => {
      const tx = this.redis.multi();
      if (ttlSeconds !== undefined) tx.set(key, json, 'EX', wholeSeconds(ttlSeconds));
      else tx.set(key, json);
      tx.zadd(this.keys.docIndex(kind), 0, id);
      throwOnTxError(await tx.exec());
    });
  }

  async update(
    kind: KindName,
    id: string,
    fn: (current: unknown) => unknown,
    ttlSeconds?: number,
  ): Promise<{ value: unknown; changed: boolean }> {
    const key = this.keys.doc(kind, id);
    const ttl = ttlSeconds === undefined ? '' : String(wholeSeconds(ttlSeconds));
    return this.mutex.run(key, async () => {
      for (let attempt = 1; attempt <= this.maxUpdateAttempts; attempt++) {
        const raw = await this.guard('update', () => this.redis.get(key));
        const current = raw == null ? null : decode(raw);
        const next = fn(current);
        if (next === undefined) return { value: current, changed: false };
        const json = encode(next);
        const args = [raw ?? '', raw == null ? '0' : '1', json, ttl, id];
        // Repeatable: made again after a failover, it either lands or finds its own value and re-reads.
        const ok = await this.guardWrite('update', { repeatable: true }, () =>
          this.redis.eval(CAS_SCRIPT, 2, key, this.keys.docIndex(kind), ...args),
        );
        if (ok === 1) return { value: decode(json), changed: true };
        // Another replica wrote in between: back off a little (jittered) and re-read.
        await sleep(Math.random() * Math.min(2 ** attempt, 50));
      }
      throw new StoreConflict(`Could not update ${kind} ${id}: it kept changing underneath us. Please try again.`);
    });
  }

  async list(kind: KindName, idPrefix: string): Promise<string[]> {
    const index = this.keys.docIndex(kind);
    // Byte-wise range [prefix, prefix + 0xff): 0xff never occurs in UTF-8, so this is exactly "starts with".
    const min = idPrefix === '' ? '-' : Buffer.from(`[${idPrefix}`);
    const max = idPrefix === '' ? '+' : Buffer.concat([Buffer.from(`(${idPrefix}`), Buffer.from([0xff])]);
    const ids = await this.guard('list', () => this.redis.zrangebylex(index, min, max));
    if (ids.length === 0) return [];
    const exists = await this.guard('list', () => {
      const pipe = this.redis.pipeline();
      for (const id of ids) pipe.exists(this.keys.doc(kind, id));
      return pipe.exec();
    });
    const live: string[] = [];
    const expired: string[] = [];
    ids.forEach((id, i) => (exists?.[i]?.[1] === 1 ? live : expired).push(id));
    // Documents with a TTL vanish without telling the index; tidy their entries as we pass.
    if (expired.length > 0) await this.guard('list', () => this.redis.zrem(index, ...expired));
    return live;
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const reply = await this.guardWrite('claim', {}, () =>
      this.redis.set(this.keys.claim(key), '1', 'EX', wholeSeconds(ttlSeconds), 'NX'),
    );
    return reply === 'OK';
  }

  async lock(name: string, ttlMs: number): Promise<(() => Promise<void>) | null> {
    const key = this.keys.lock(name);
    const token = randomUUID();
    const reply = await this.guardWrite('lock', {}, () =>
      this.redis.set(key, token, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'),
    );
    if (reply !== 'OK') return null;
    return async () => {
      await this.guard('unlock', () => this.redis.eval(RELEASE_SCRIPT, 1, key, token));
    };
  }

  async appendAudit(record: AuditRecord): Promise<string> {
    const id = await this.guardWrite('appendAudit', {}, () =>
      this.redis.xadd(this.keys.audit(record.incidentId), '*', 'record', encode(record)),
    );
    if (id == null) throw new StoreUnavailable('Redis did not accept the audit record.');
    return id;
  }

  async readAudit(incidentId: string): Promise<AuditRecord[]> {
    const entries = await this.guard('readAudit', () => this.redis.xrange(this.keys.audit(incidentId), '-', '+'));
    const records: AuditRecord[] = [];
    for (const [streamId, fields] of entries) {
      const json = fields[fields.indexOf('record') + 1];
      const record = json === undefined ? null : parseAuditRecord(json);
      if (record) records.push(record);
      else this.logger?.warn({ incidentId, streamId }, 'skipping unreadable audit entry');
    }
    return records;
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    // QUIT would sit in the offline queue while Redis is away; just drop the connection then.
    if (this.redis.status !== 'ready') {
      this.redis.disconnect();
      return;
    }
    try {
      await this.redis.quit();
    } catch {
      // Quitting while disconnected rejects; the client is closed either way.
      this.redis.disconnect();
    }
  }

  /** Runs one Redis call, turning connection failures into StoreUnavailable with a readable message. */
  private async guard<R>(op: string, call: () => Promise<R>): Promise<R> {
    // At start-up commands may queue until the first connection is ready. After an outage began,
    // refuse at once: a queued command would either keep a Slack click waiting, or time out for the
    // caller and still run minutes later when Redis returns.
    if (this.everReady && this.redis.status !== 'ready') {
      throw new StoreUnavailable(`The state store (Redis) is unreachable (${op}: connection ${this.redis.status}).`);
    }
    try {
      return await call();
    } catch (err) {
      if (isScoutError(err) || (err instanceof ReplyError && !isFailoverReply(err as Error))) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new StoreUnavailable(`The state store (Redis) is unreachable (${op}: ${reason}).`, { cause: err });
    }
  }

  /** guard() for a write: through the fence, when there is one; `repeatable` as WriteFence.write takes it. */
  private guardWrite<R>(op: string, opts: { repeatable?: boolean }, call: () => Promise<R>): Promise<R> {
    const fence = this.fence;
    return this.guard(op, fence ? () => fence.write(op, call, opts) : call);
  }
}

/**
 * A refusal that means "not here, not now" during a failover: a demoted primary (READONLY), one whose
 * replicas have left (NOREPLICAS), a replica without its primary (MASTERDOWN), one still loading, or a
 * transaction aborted because one of its commands got one of those. The command did not run; the
 * caller retries once the store answers again, as for a lost connection.
 */
function isFailoverReply(err: Error): boolean {
  const refusal = /^(READONLY|NOREPLICAS|MASTERDOWN|LOADING)\b/;
  if (refusal.test(err.message)) return true;
  const previous = (err as Error & { previousErrors?: unknown }).previousErrors;
  return (
    err.message.startsWith('EXECABORT') &&
    Array.isArray(previous) &&
    previous.some((e) => e instanceof Error && refusal.test(e.message))
  );
}

/** Redis EX takes whole seconds; round up so a ttl never ends early, and refuse nonsense. */
export function wholeSeconds(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0)
    throw new RangeError(`ttl must be a positive number of seconds, got ${ttlSeconds}`);
  return Math.ceil(ttlSeconds);
}

function throwOnTxError(results: [Error | null, unknown][] | null): void {
  if (results == null) throw new StoreUnavailable('Redis aborted the transaction.');
  for (const [err] of results) if (err) throw err;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

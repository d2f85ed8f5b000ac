import type { AuditRecord } from '../domain/types';

/** Document kinds kept in the store; each maps to one key family in keys.ts. */
export type DocKind = 'incident' | 'investigation' | 'proposal' | 'finding' | 'synthesis' | 'posted' | 'usercache' | 'groupcache' | 'alert' | 'resolution' | 'memory';

/**
 * The one port for incident and investigation state, dedupe keys, locks and the audit trail.
 * Adapters: RedisStore (ioredis) and MemoryStore (in-process). Both pass test/integration/store.contract.
 */
export interface Store {
  readonly kind: 'redis' | 'memory';
  /** Throws when the backend is unreachable. */
  ping(): Promise<void>;

  get<T>(kind: DocKind, id: string): Promise<T | null>;
  put<T>(kind: DocKind, id: string, value: T, ttlSeconds?: number): Promise<void>;
  /**
   * Atomic read-modify-write: `fn` sees the current value (or null) and returns the next value,
   * or `undefined` to leave it unchanged. Retried on conflict (Redis WATCH/MULTI), so `fn` must be pure.
   * Returns the value after the step and whether it changed.
   */
  update<T>(
    kind: DocKind,
    id: string,
    fn: (current: T | null) => T | undefined,
    ttlSeconds?: number,
  ): Promise<{ value: T | null; changed: boolean }>;
  /** Ids of one kind whose id starts with `idPrefix` (for listing an incident's proposals etc.). */
  list(kind: DocKind, idPrefix: string): Promise<string[]>;

  /** First caller wins: true once per key until the ttl passes (dedupe of event ids and clicks). */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** A lease held by one process; returns a release function, or null when someone else holds it. */
  lock(name: string, ttlMs: number): Promise<(() => Promise<void>) | null>;

  /** Append-only audit trail per incident (Redis stream / in-process array). */
  appendAudit(record: AuditRecord): Promise<string>;
  readAudit(incidentId: string): Promise<AuditRecord[]>;

  close(): Promise<void>;
}

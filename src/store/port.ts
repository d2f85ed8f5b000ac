import type { AuditRecord } from '../domain/types';

/** The name of a document kind, declared once with `defineKind` (src/store/repository.ts); one key family in keys.ts. */
export type KindName = string;

/**
 * The one port for incident and investigation state, dedupe keys, locks and the audit trail.
 * Adapters: RedisStore (ioredis) and MemoryStore (in-process). Both pass test/integration/store.contract.
 * Documents go in and come out untyped: callers read and write them through a kind's repository
 * (`incidentDocs.in(store)`), which checks every document against the kind's schema.
 */
export interface Store {
  readonly kind: 'redis' | 'memory';
  /** Throws when the backend is unreachable. */
  ping(): Promise<void>;

  /** The document, or null when absent. */
  get(kind: KindName, id: string): Promise<unknown>;
  put(kind: KindName, id: string, value: unknown, ttlSeconds?: number): Promise<void>;
  /**
   * Atomic read-modify-write: `fn` sees the current value (null when absent) and returns the next value,
   * or `undefined` to leave it unchanged. Retried on conflict (Redis WATCH/MULTI), so `fn` must be pure.
   * Returns the value after the step and whether it changed.
   */
  update(
    kind: KindName,
    id: string,
    fn: (current: unknown) => unknown,
    ttlSeconds?: number,
  ): Promise<{ value: unknown; changed: boolean }>;
  /** Ids of one kind whose id starts with `idPrefix` (for listing an incident's proposals etc.). */
  list(kind: KindName, idPrefix: string): Promise<string[]>;

  /** First caller wins: true once per key until the ttl passes (dedupe of event ids and clicks). */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** A lease held by one process; returns a release function, or null when someone else holds it. */
  lock(name: string, ttlMs: number): Promise<(() => Promise<void>) | null>;

  /** Append-only audit trail per incident (Redis stream / in-process array). */
  appendAudit(record: AuditRecord): Promise<string>;
  readAudit(incidentId: string): Promise<AuditRecord[]>;

  close(): Promise<void>;
}

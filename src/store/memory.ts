// MemoryStore: the Store port in-process, for the embedded default, a single process without Redis,
// and tests. Same semantics as RedisStore: values are stored as JSON (callers never share objects with
// the store), TTLs expire by the injected clock, `update` without a ttl keeps the document's current
// expiry. Expired entries are dropped as Redis drops them, so a long-running process does not keep
// every dedupe claim it ever made: when read, and in a sweep once the writes since the last one reach
// half of what is held (at least SWEEP_MIN), which keeps the sweep's cost per write constant.
import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '../domain/types';
import { systemClock, type Clock } from '../domain/time';
import type { KindName, Store } from './port';
import { parseAuditRecord } from './audit';
import { decode, encode } from './json';

/** Writes between two sweeps of expired entries, at the least. */
const SWEEP_MIN = 1024;

interface Entry {
  json: string;
  /** Epoch ms; undefined = no expiry. */
  expiresAt: number | undefined;
}

/** In-process Store; state is lost when the process exits. */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private readonly docs = new Map<string, Entry>();
  private readonly claims = new Map<string, number>();
  private readonly locks = new Map<string, { token: string; expiresAt: number }>();
  private readonly audit = new Map<string, { id: string; json: string }[]>();
  private lastAuditMs = 0;
  private auditSeq = 0;
  private closed = false;
  private writesSinceSweep = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async get(kind: KindName, id: string): Promise<unknown> {
    const entry = this.live(docKey(kind, id));
    return entry ? decode(entry.json) : null;
  }

  async put(kind: KindName, id: string, value: unknown, ttlSeconds?: number): Promise<void> {
    this.docs.set(docKey(kind, id), { json: encode(value), expiresAt: this.expiry(ttlSeconds) });
    this.wrote();
  }

  async update(
    kind: KindName,
    id: string,
    fn: (current: unknown) => unknown,
    ttlSeconds?: number,
  ): Promise<{ value: unknown; changed: boolean }> {
    // Synchronous from read to write, so no other caller can interleave: atomic without retries.
    const key = docKey(kind, id);
    const entry = this.live(key);
    const current = entry ? decode(entry.json) : null;
    const next = fn(current);
    if (next === undefined) return { value: current, changed: false };
    const json = encode(next);
    const expiresAt = ttlSeconds === undefined ? entry?.expiresAt : this.expiry(ttlSeconds);
    this.docs.set(key, { json, expiresAt });
    this.wrote();
    return { value: decode(json), changed: true };
  }

  async list(kind: KindName, idPrefix: string): Promise<string[]> {
    const head = docKey(kind, '');
    const ids: string[] = [];
    for (const key of [...this.docs.keys()]) {
      if (!key.startsWith(head) || !this.live(key)) continue;
      const id = key.slice(head.length);
      if (id.startsWith(idPrefix)) ids.push(id);
    }
    // Byte order of the UTF-8 ids, as Redis' ZRANGEBYLEX returns them.
    return ids.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    const until = this.claims.get(key);
    if (until !== undefined && until > now) return false;
    this.claims.set(key, this.expiry(ttlSeconds) ?? now);
    this.wrote();
    return true;
  }

  async lock(name: string, ttlMs: number): Promise<(() => Promise<void>) | null> {
    const now = this.now();
    const held = this.locks.get(name);
    if (held && held.expiresAt > now) return null;
    const token = randomUUID();
    this.locks.set(name, { token, expiresAt: now + Math.max(1, Math.ceil(ttlMs)) });
    this.wrote();
    return async () => {
      // Only our own lease: after expiry someone else may hold the name.
      if (this.locks.get(name)?.token === token) this.locks.delete(name);
    };
  }

  async appendAudit(record: AuditRecord): Promise<string> {
    this.assertOpen();
    const id = this.nextAuditId();
    const list = this.audit.get(record.incidentId) ?? [];
    list.push({ id, json: encode(record) });
    this.audit.set(record.incidentId, list);
    return id;
  }

  async readAudit(incidentId: string): Promise<AuditRecord[]> {
    // The same check as Redis: what comes back is what the audit schema accepts.
    return (this.audit.get(incidentId) ?? []).flatMap((e) => parseAuditRecord(e.json) ?? []);
  }

  /** Documents, claims and locks held, expired ones not yet dropped included (for tests and memory checks). */
  get size(): number {
    return this.docs.size + this.claims.size + this.locks.size;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Stream-style ids `<ms>-<seq>`, strictly increasing even if the clock stands still or steps back. */
  private nextAuditId(): string {
    const now = this.now();
    if (now > this.lastAuditMs) {
      this.lastAuditMs = now;
      this.auditSeq = 0;
    } else {
      this.auditSeq += 1;
    }
    return `${this.lastAuditMs}-${this.auditSeq}`;
  }

  private wrote(): void {
    this.writesSinceSweep += 1;
    if (this.writesSinceSweep < Math.max(SWEEP_MIN, this.size / 2)) return;
    this.writesSinceSweep = 0;
    const now = this.now();
    for (const key of this.docs.keys()) this.live(key); // drops it when expired
    for (const [key, until] of this.claims) if (until <= now) this.claims.delete(key);
    for (const [name, held] of this.locks) if (held.expiresAt <= now) this.locks.delete(name);
  }

  private live(key: string): Entry | undefined {
    const entry = this.docs.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      this.docs.delete(key);
      return undefined;
    }
    return entry;
  }

  private expiry(ttlSeconds: number | undefined): number | undefined {
    if (ttlSeconds === undefined) return undefined;
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0)
      throw new RangeError(`ttl must be a positive number of seconds, got ${ttlSeconds}`);
    // Whole seconds, rounded up, like Redis EX.
    return this.now() + Math.ceil(ttlSeconds) * 1000;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryStore is closed');
  }
}

// Kind and id joined with a separator neither contains in practice; only used inside this map.
function docKey(kind: KindName, id: string): string {
  return `${kind}\u0000${id}`;
}

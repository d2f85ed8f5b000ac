// Typed repositories over the document store. A document kind is declared once, beside the code that owns
// it, with `defineKind(name, schema)`; every read is checked against the schema, so a call site gets the
// kind's type without a cast and a document written by an older or foreign version fails with its kind,
// id and the field that is wrong instead of flowing on as a wrong type.
import { z } from 'zod';
import { StoreCorrupt } from './errors';
import type { Store } from './port';

const KIND_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const declared = new Set<string>();

/** Reads and writes of one kind's documents. */
export interface Repository<T> {
  /** The document, or null when absent (or expired). */
  get(id: string): Promise<T | null>;
  put(id: string, value: T, ttlSeconds?: number): Promise<void>;
  /**
   * Atomic read-modify-write (see Store.update): `fn` sees the current document or null and returns the
   * next one, or undefined to leave it. Retried on conflict, so `fn` must be pure.
   */
  update(
    id: string,
    fn: (current: T | null) => T | undefined,
    ttlSeconds?: number,
  ): Promise<{ value: T | null; changed: boolean }>;
  /** Ids of this kind starting with `idPrefix`. */
  list(idPrefix: string): Promise<string[]>;
}

export interface DocKind<T> {
  readonly name: string;
  readonly schema: z.ZodType<T>;
  /** This kind's repository over a store. */
  in(store: Store): Repository<T>;
}

/**
 * Declares a document kind: its name (one key family in Redis, lowercase, unique) and the schema of its
 * documents. Use `z.looseObject` for documents other versions may add fields to, so a read does not drop
 * them, and `.exactOptional()` for optional fields (the schema's type must be the kind's type).
 */
export function defineKind<T>(name: string, schema: z.ZodType<T>): DocKind<T> {
  if (!KIND_NAME.test(name))
    throw new Error(`document kind "${name}": expected a lowercase name of letters, digits and '-' (at most 32)`);
  if (declared.has(name)) throw new Error(`document kind "${name}" is declared twice`);
  declared.add(name);
  const check = (id: string, value: unknown): T | null => {
    if (value === null) return null;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; ');
    throw new StoreCorrupt(`The stored ${name} "${id}" is not a valid ${name} (${problems}).`);
  };
  return {
    name,
    schema,
    in: (store) => ({
      get: async (id) => check(id, await store.get(name, id)),
      put: (id, value, ttlSeconds) => store.put(name, id, value, ttlSeconds),
      update: async (id, fn, ttlSeconds) => {
        const { value, changed } = await store.update(name, id, (current) => fn(check(id, current)), ttlSeconds);
        return { value: check(id, value), changed };
      },
      list: (idPrefix) => store.list(name, idPrefix),
    }),
  };
}

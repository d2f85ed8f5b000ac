/**
 * The one module that names Redis keys. Every key lives under one prefix (default `scout:`) so
 * several deployments, or a test run, can share a Redis without seeing each other.
 *
 * Key families (P = prefix):
 * - `P doc:<kind>:<id>`       JSON document of a KindName (string; optional TTL)
 * - `P idx:<kind>`            sorted set, all scores 0, members = ids of that kind (prefix listing via ZRANGEBYLEX);
 *                             entries whose document expired are removed lazily by `list`
 * - `P claim:<key>`           first-caller-wins marker (SET NX EX)
 * - `P lock:<name>`           lease holding a random token (SET NX PX, Lua compare-and-delete release)
 * - `P audit:<incidentId>`    stream of JSON audit records (XADD / XRANGE)
 * - `P scratch:<name>`        throwaway keys for diagnostics and tests (e.g. a worker's "I started" marker)
 * - `P bull:<queue>:...`      BullMQ's own keys; BullMQ builds the suffixes, we give it `bullPrefix` (`P bull`)
 */
import type { KindName } from './port';

export const DEFAULT_PREFIX = 'scout:';

// Glob metacharacters would make `pattern()` (used to list or clean a prefix) match other prefixes.
const PREFIX_RE = /^[A-Za-z0-9_.:-]+$/;

export interface Keys {
  readonly prefix: string;
  doc(kind: KindName, id: string): string;
  docIndex(kind: KindName): string;
  claim(key: string): string;
  lock(name: string): string;
  audit(incidentId: string): string;
  scratch(name: string): string;
  /** Prefix handed to BullMQ, which appends `:<queue>:<suffix>` itself. */
  bullPrefix(): string;
  /** SCAN MATCH pattern covering every key of this prefix (BullMQ's included). */
  pattern(): string;
}

/** Builds the key namer for `prefix`; throws on a prefix that is empty or holds glob characters. */
export function createKeys(prefix: string = DEFAULT_PREFIX): Keys {
  if (!PREFIX_RE.test(prefix)) {
    throw new Error(`invalid Redis key prefix ${JSON.stringify(prefix)}: use letters, digits, '_', '.', ':' or '-'`);
  }
  return Object.freeze({
    prefix,
    doc: (kind: KindName, id: string) => `${prefix}doc:${kind}:${id}`,
    docIndex: (kind: KindName) => `${prefix}idx:${kind}`,
    claim: (key: string) => `${prefix}claim:${key}`,
    lock: (name: string) => `${prefix}lock:${name}`,
    audit: (incidentId: string) => `${prefix}audit:${incidentId}`,
    scratch: (name: string) => `${prefix}scratch:${name}`,
    bullPrefix: () => `${prefix}bull`,
    pattern: () => `${prefix}*`,
  });
}

// How both store adapters turn values into stored text and back (the same bytes in Redis and in memory).
// Everything stored passes the one redaction step on its way in: documents and audit records quote
// evidence and model output (a proposal's reason carries a change summary), and the store is a sink
// that outlives the process (`incident-scout audit` prints it).
import { redactDeep } from '../domain/redact';

export function encode(value: unknown): string {
  const json = JSON.stringify(redactDeep(value));
  if (json === undefined) throw new TypeError('store values must be JSON-serialisable');
  return json;
}

/** Stored text back to a value; callers check it against their schema. */
export function decode(raw: string): unknown {
  return JSON.parse(raw);
}

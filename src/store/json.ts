// How both store adapters turn values into stored text and back (the same bytes in Redis and in memory).

export function encode(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('store values must be JSON-serialisable');
  return json;
}

export function decode<T>(raw: string): T {
  const parsed: unknown = JSON.parse(raw);
  return parsed as T;
}

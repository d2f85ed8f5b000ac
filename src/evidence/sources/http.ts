// Small HTTP helper shared by the Prometheus and Loki adapters: GET with query parameters
// through an injected fetch, JSON body parsed as unknown.

export type FetchFn = (input: string, init?: { method?: string; headers?: Record<string, string>; signal?: AbortSignal }) => Promise<{
  ok: boolean;
  status: number;
  text(): Promise<string>;
}>;

export interface HttpResult {
  status: number;
  ok: boolean;
  text: string;
  json: unknown;
}

/** GETs `base + path` with repeated query parameters; never throws on HTTP status, only on transport. */
export async function getJson(fetchFn: FetchFn, base: string, path: string, params: Array<[string, string]>, headers?: Record<string, string>): Promise<HttpResult> {
  const qs = new URLSearchParams(params).toString();
  const url = `${base.replace(/\/+$/, '')}${path}${qs ? `?${qs}` : ''}`;
  const res = await fetchFn(url, headers ? { method: 'GET', headers } : { method: 'GET' });
  const text = await res.text();
  return { status: res.status, ok: res.ok, text, json: parseOrNull(text) };
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Escapes a value for use inside a PromQL/LogQL regex string literal (`=~"..."`). */
export function regexAlternation(values: string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).map((v) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')).join('|');
}

// Small HTTP helpers shared by the Prometheus and Loki adapters: GET with query parameters (or POST with
// them as a form body) through an injected fetch with a per-request timeout, JSON body parsed as unknown;
// auth headers; bounded fan-out.

import type { BasicAuth } from '../../config';

export type FetchFn = (
  input: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{
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

/**
 * GETs `base + path` with repeated query parameters, or POSTs them as an `application/x-www-form-urlencoded`
 * body (Prometheus's answer to queries too long for a URL, which proxies cut at a few KiB); never throws on
 * HTTP status, only on transport (a timeout aborts with a `TimeoutError`, body reading included).
 */
export async function getJson(
  fetchFn: FetchFn,
  base: string,
  path: string,
  params: Array<[string, string]>,
  headers?: Record<string, string>,
  timeoutMs = 15_000,
  method: 'GET' | 'POST' = 'GET',
): Promise<HttpResult> {
  const qs = new URLSearchParams(params).toString();
  const post = method === 'POST';
  const url = `${base.replace(/\/+$/, '')}${path}${qs && !post ? `?${qs}` : ''}`;
  const signal = AbortSignal.timeout(timeoutMs);
  const res = await fetchFn(
    url,
    post
      ? { method, headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body: qs, signal }
      : headers
        ? { method, headers, signal }
        : { method, signal },
  );
  const text = await res.text();
  return { status: res.status, ok: res.ok, text, json: parseOrNull(text) };
}

/** `Authorization` for a bearer token or basic auth (never both: config refuses that). */
export function authHeaders(auth: {
  token?: string | undefined;
  basic?: BasicAuth | undefined;
}): Record<string, string> {
  if (auth.token) return { Authorization: `Bearer ${auth.token}` };
  if (auth.basic)
    return {
      Authorization: `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}`,
    };
  return {};
}

/** What a transport failure says, without the URL's credentials: `timed out after 15000 ms` or the cause. */
export function transportProblem(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

/** Maps over items with at most `limit` calls in flight; results in input order, first error rejects. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
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
  return values
    .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .map((v) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"'))
    .join('|');
}

/** A URL without user info or query, for messages and descriptions (a URL may carry `user:password@`). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return 'the configured URL';
  }
}

/** Labels that conventionally name the service (Loki 3 derives `service_name`), in the order they are tried. */
export const SERVICE_LABELS: readonly string[] = ['service', 'service_name', 'job', 'app'];

// What the Tempo and Jaeger sources share: bounded HTTP (a timeout per request, a few at a time), the
// window cut into slices so the baseline and the incident both get traces, and the error they raise.

import { ScoutError } from '../../domain/errors';
import type { Change, IncidentMeta, LogEvent, MetricSeries, Span, TimeQuery, Topology, TraceStats } from '../types';
import { traceStats } from './files/traces';
import type { FetchFn } from './http';

/** The trace backend failed or answered with something that is not its API's shape. */
export class TraceQueryError extends ScoutError {
  readonly code = 'trace_query_error';
  constructor(
    readonly backend: 'Tempo' | 'Jaeger',
    readonly detail: string,
    readonly what: string,
    options?: { cause?: unknown },
  ) {
    super(`${backend} refused the query (${what}): ${detail}`, options);
  }
}

export interface TraceLimits {
  /** Traces read per query window at most (spread over the slices). */
  maxTraces: number;
  /** Spans kept at most (whole traces are sampled out beyond it). */
  maxSpans: number;
  /** Per HTTP request. */
  timeoutMs: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** The window is cut into this many slices, each asked for its share of maxTraces. */
  slices: number;
}

export const DEFAULT_TRACE_LIMITS: TraceLimits = {
  maxTraces: 300,
  maxSpans: 50_000,
  timeoutMs: 10_000,
  concurrency: 4,
  slices: 6,
};

/** Checks the limits a caller overrides: positive integers, named in the message when not. */
export function traceLimits(backend: string, given: Partial<TraceLimits> = {}): TraceLimits {
  const limits = { ...DEFAULT_TRACE_LIMITS, ...given };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${backend} source: ${key} must be a positive integer, got ${String(value)}`);
  }
  return limits;
}

/** GET a JSON document with a timeout; throws TraceQueryError on transport errors, timeouts, non-2xx and non-JSON. */
export async function getTraceJson(
  backend: 'Tempo' | 'Jaeger',
  fetchFn: FetchFn,
  base: string,
  path: string,
  params: Array<[string, string]>,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<unknown> {
  const qs = new URLSearchParams(params).toString();
  const url = `${base.replace(/\/+$/, '')}${path}${qs ? `?${qs}` : ''}`;
  const what = `GET ${path}`;
  let status: number;
  let text: string;
  try {
    const res = await fetchFn(url, {
      method: 'GET',
      headers: { Accept: 'application/json', ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.status;
    text = await res.text();
  } catch (err) {
    // A DOMException (the timeout's) need not be an instance of this realm's Error: read its name.
    const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
    const reason =
      name === 'TimeoutError' || name === 'AbortError'
        ? `no answer within ${timeoutMs} ms`
        : String((err as { message?: unknown }).message ?? err);
    throw new TraceQueryError(backend, `${base}: ${reason}`, what, { cause: err });
  }
  if (status < 200 || status >= 300)
    throw new TraceQueryError(backend, `HTTP ${status}: ${text.slice(0, 200) || 'empty response'}`, what);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TraceQueryError(backend, `expected JSON, got ${JSON.stringify(text.slice(0, 80))}`, what);
  }
}

/** [from, to] cut into `n` equal slices (fewer when the window is shorter than n ms). */
export function slicesOf(from: number, to: number, n: number): Array<[number, number]> {
  const count = Math.max(1, Math.min(n, Math.floor(to - from)));
  const width = (to - from) / count;
  return Array.from({ length: count }, (_, i) => [
    Math.floor(from + i * width),
    i === count - 1 ? to : Math.floor(from + (i + 1) * width),
  ]);
}

/** Runs `fn` over `items` with at most `limit` at once, results in input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
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

/** Trace and span ids as lower-case hex: Tempo's JSON carries them base64 (protobuf JSON), files and Jaeger hex. */
export function hexId(id: string): string {
  if (/^[0-9a-f]+$/i.test(id)) return id.toLowerCase();
  const bytes = Buffer.from(id, 'base64');
  return bytes.length === 8 || bytes.length === 16 ? bytes.toString('hex') : id;
}

/**
 * What a traces-only backend (Tempo, Jaeger) answers: no logs, metrics, changes, topology or clock of its
 * own; its spans read once per window (the analyzers ask for spans and their statistics over one window).
 */
export abstract class TracesOnlySource {
  private last: { key: string; spans: Promise<Span[]> } | undefined;

  /** The spans of the traces starting in the range, bounded by the backend's limits. */
  protected abstract read(q: TimeQuery): Promise<Span[]>;

  async clock(): Promise<number | null> {
    return null;
  }

  async incident(): Promise<IncidentMeta | null> {
    return null;
  }

  async *logs(_q: TimeQuery): AsyncGenerator<LogEvent> {
    // A trace backend holds no logs.
  }

  async metrics(_q: TimeQuery): Promise<MetricSeries[]> {
    return [];
  }

  async changes(_q: TimeQuery): Promise<Change[]> {
    return [];
  }

  async topology(): Promise<Topology | null> {
    return null;
  }

  async traces(q: TimeQuery): Promise<TraceStats[]> {
    return traceStats(await this.spans(q), q);
  }

  /** The spans of the range (see `read`), one read per window. */
  spans(q: TimeQuery): Promise<Span[]> {
    if (q.services && q.services.length === 0) return Promise.resolve([]);
    const key = JSON.stringify([q.from, q.to, q.services ?? null]);
    if (this.last?.key !== key) {
      const spans = this.read(q);
      this.last = { key, spans };
      spans.catch(() => {
        if (this.last?.spans === spans) this.last = undefined;
      });
    }
    return this.last.spans;
  }
}

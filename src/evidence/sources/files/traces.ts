// OTLP/JSON traces (resourceSpans -> scopeSpans -> spans) -> per-service span statistics:
// error ratio, latency p50/p99 and the parent->child service call edges.

import { z } from 'zod';
import type { TimeQuery, TraceStats } from '../../types';

export interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  service: string;
  startMs: number;
  durationMs: number;
  error: boolean;
}

const AnyValue = z.looseObject({ stringValue: z.string().optional() });
const Attr = z.looseObject({ key: z.string(), value: AnyValue.optional() });
const Nanos = z.union([z.string(), z.number()]);
const Span = z.looseObject({
  traceId: z.string().default(''),
  spanId: z.string().default(''),
  parentSpanId: z.string().optional(),
  startTimeUnixNano: Nanos,
  endTimeUnixNano: Nanos,
  status: z.looseObject({ code: z.union([z.number(), z.string()]).optional() }).optional(),
});
const Export = z.looseObject({
  resourceSpans: z.array(
    z.looseObject({
      resource: z.looseObject({ attributes: z.array(Attr).default([]) }).optional(),
      scopeSpans: z.array(z.looseObject({ spans: z.array(Span).default([]) })).default([]),
    }),
  ),
});

/** Nanoseconds (string or number) -> epoch ms, without losing precision through a float first. */
function nanosToMs(v: string | number): number {
  if (typeof v === 'number') return v / 1e6;
  return v.length > 6 ? Number(v.slice(0, -6)) + Number(v.slice(-6)) / 1e6 : Number(v) / 1e6;
}

function isError(code: number | string | undefined): boolean {
  return code === 2 || code === 'STATUS_CODE_ERROR' || code === '2';
}

/** Parses one OTLP/JSON export; throws a message naming what is wrong when the shape is not OTLP. */
export function parseOtlp(raw: unknown): SpanRow[] {
  const parsed = Export.safeParse(raw);
  if (!parsed.success) throw new Error(`not an OTLP/JSON export: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const rows: SpanRow[] = [];
  for (const rs of parsed.data.resourceSpans) {
    const attr = rs.resource?.attributes.find((a) => a.key === 'service.name');
    const service = attr?.value?.stringValue ?? 'unknown';
    for (const ss of rs.scopeSpans) {
      for (const sp of ss.spans) {
        const start = nanosToMs(sp.startTimeUnixNano);
        rows.push({
          traceId: sp.traceId,
          spanId: sp.spanId,
          parentSpanId: sp.parentSpanId ?? '',
          service,
          startMs: start,
          durationMs: Math.max(0, nanosToMs(sp.endTimeUnixNano) - start),
          error: isError(sp.status?.code),
        });
      }
    }
  }
  return rows;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx] as number;
}

/** Per-service span statistics for spans that start inside the query range. */
export function traceStats(rows: SpanRow[], q: TimeQuery): TraceStats[] {
  const byId = new Map<string, SpanRow>();
  for (const r of rows) byId.set(`${r.traceId}/${r.spanId}`, r);
  const want = q.services ? new Set(q.services) : null;
  const acc = new Map<string, { durs: number[]; errors: number; calls: Map<string, { count: number; errors: number }> }>();
  const get = (svc: string) => {
    let a = acc.get(svc);
    if (!a) {
      a = { durs: [], errors: 0, calls: new Map() };
      acc.set(svc, a);
    }
    return a;
  };
  for (const r of rows) {
    if (r.startMs < q.from || r.startMs > q.to) continue;
    if (!want || want.has(r.service)) {
      const a = get(r.service);
      a.durs.push(r.durationMs);
      if (r.error) a.errors++;
    }
    const parent = r.parentSpanId ? byId.get(`${r.traceId}/${r.parentSpanId}`) : undefined;
    if (parent && parent.service !== r.service && (!want || want.has(parent.service))) {
      const calls = get(parent.service).calls;
      const e = calls.get(r.service) ?? { count: 0, errors: 0 };
      e.count++;
      if (r.error) e.errors++;
      calls.set(r.service, e);
    }
  }
  return [...acc.entries()]
    .map(([service, a]) => {
      const sorted = a.durs.sort((x, y) => x - y);
      return {
        service,
        spans: sorted.length,
        errors: a.errors,
        errorRatio: sorted.length ? a.errors / sorted.length : 0,
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
        calls: [...a.calls.entries()].map(([s, c]) => ({ service: s, ...c })).sort((x, y) => x.service.localeCompare(y.service)),
      };
    })
    .sort((x, y) => x.service.localeCompare(y.service));
}

// OTLP/JSON traces (resourceSpans -> scopeSpans -> spans) -> spans the trace analyzer reasons with, and
// per-service span statistics (error ratio, latency p50/p99, parent->child service call edges).
// A file is one export, or one export per line (the OpenTelemetry Collector's file exporter writes JSON lines).

import { z } from 'zod';
import { MAX_DATE_MS } from '../../../domain/time';
import type { Span, SpanKind, TimeQuery, TraceStats } from '../../types';

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const AnyValue = z.looseObject({
  stringValue: z.string().optional(),
  intValue: z.union([z.string(), z.number()]).optional(),
});
const Attr = z.looseObject({ key: z.string(), value: AnyValue.optional() });
const Nanos = z.union([z.string(), z.number()]);
const SpanJson = z.looseObject({
  traceId: z.string().default(''),
  spanId: z.string().default(''),
  parentSpanId: z.string().optional(),
  name: z.string().default(''),
  kind: Scalar.optional(),
  startTimeUnixNano: Nanos,
  endTimeUnixNano: Nanos,
  attributes: z.array(Attr).default([]),
  status: z.looseObject({ code: Scalar.optional(), message: z.string().optional() }).optional(),
});
const Export = z.looseObject({
  resourceSpans: z.array(
    z.looseObject({
      resource: z.looseObject({ attributes: z.array(Attr).default([]) }).optional(),
      // `instrumentationLibrarySpans` is the name exporters used before OTLP 0.15.
      scopeSpans: z.array(z.looseObject({ spans: z.array(z.unknown()).default([]) })).optional(),
      instrumentationLibrarySpans: z.array(z.looseObject({ spans: z.array(z.unknown()).default([]) })).optional(),
    }),
  ),
});
type AttrT = z.infer<typeof Attr>;

/**
 * FNV-1a of a trace id with murmur3's final mix (so ids that differ only in the last characters, as
 * sequential ones do, still spread), as a fraction in [0, 1): the same trace always gets the same value.
 */
function traceHash(traceId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < traceId.length; i++) {
    h ^= traceId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/**
 * Keeps at most `cap` spans across the files of a source by sampling whole traces: a trace is kept when the
 * hash of its id is under a threshold, halved (evicting the traces above it) whenever the cap is passed. So
 * memory stays bounded, every kept trace is complete, and the sample covers the baseline and the incident
 * alike instead of only the first spans read.
 */
export class SpanReservoir {
  readonly spans: Span[] = [];
  /** Spans not kept (sampled out), and spans whose shape was not a span. */
  dropped = 0;
  malformed = 0;
  private threshold = 1;

  constructor(readonly cap: number) {}

  /** Share of traces kept (1 = all). */
  get sampled(): number {
    return this.threshold;
  }

  admits(traceId: string): boolean {
    if (this.threshold >= 1 || traceHash(traceId) < this.threshold) return true;
    this.dropped++;
    return false;
  }

  add(span: Span): void {
    this.spans.push(span);
    while (this.spans.length > this.cap) {
      this.threshold /= 2;
      let w = 0;
      for (const s of this.spans) if (traceHash(s.traceId) < this.threshold) this.spans[w++] = s;
      this.dropped += this.spans.length - w;
      this.spans.length = w;
    }
  }
}

/** Nanoseconds (string or number) -> epoch ms, without losing precision through a float first. */
function nanosToMs(v: string | number): number {
  if (typeof v === 'number') return v / 1e6;
  return v.length > 6 ? Number(v.slice(0, -6)) + Number(v.slice(-6)) / 1e6 : Number(v) / 1e6;
}

const KINDS: Record<string, SpanKind> = {
  '1': 'internal',
  '2': 'server',
  '3': 'client',
  '4': 'producer',
  '5': 'consumer',
};

function spanKind(k: string | number | boolean | undefined): SpanKind {
  if (k === undefined || typeof k === 'boolean') return 'unspecified';
  const s = String(k)
    .toLowerCase()
    .replace(/^span_kind_/, '');
  return (
    KINDS[s] ?? (['server', 'client', 'internal', 'producer', 'consumer'].includes(s) ? (s as SpanKind) : 'unspecified')
  );
}

function attrText(attrs: AttrT[], key: string): string | undefined {
  const v = attrs.find((a) => a.key === key)?.value;
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  return v.intValue !== undefined ? String(v.intValue) : undefined;
}

function httpStatus(attrs: AttrT[]): number | undefined {
  const raw = attrText(attrs, 'http.response.status_code') ?? attrText(attrs, 'http.status_code');
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 100 && n < 600 ? n : undefined;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

/** The destination a client or producer span names, without a port; peer.service wins on any kind. */
function peerOf(attrs: AttrT[], kind: SpanKind): string | undefined {
  const named = attrText(attrs, 'peer.service');
  if (named) return named;
  if (kind !== 'client' && kind !== 'producer') return undefined;
  const url = attrText(attrs, 'url.full') ?? attrText(attrs, 'http.url');
  const host =
    attrText(attrs, 'server.address') ??
    attrText(attrs, 'net.peer.name') ??
    (url ? hostOf(url) : undefined) ??
    attrText(attrs, 'db.system') ??
    attrText(attrs, 'messaging.system');
  return host ? host.replace(/:\d+$/, '') || undefined : undefined;
}

const TIMEOUT = /time[d ]?out|deadline|DEADLINE_EXCEEDED/i;

function isErrorCode(code: string | number | boolean | undefined): boolean {
  return code === 2 || code === '2' || code === 'STATUS_CODE_ERROR';
}
function isOkCode(code: string | number | boolean | undefined): boolean {
  return code === 1 || code === '1' || code === 'STATUS_CODE_OK';
}

/**
 * Parses one OTLP/JSON export into the reservoir (or a fresh unbounded one); throws a message naming what is
 * wrong when the shape is not OTLP. Returns the reservoir's spans.
 */
export function parseOtlp(raw: unknown, into: SpanReservoir = new SpanReservoir(Infinity)): Span[] {
  const parsed = Export.safeParse(raw);
  if (!parsed.success) throw new Error(`not an OTLP/JSON export: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  for (const rs of parsed.data.resourceSpans) {
    const service = attrText(rs.resource?.attributes ?? [], 'service.name') ?? 'unknown';
    for (const ss of [...(rs.scopeSpans ?? []), ...(rs.instrumentationLibrarySpans ?? [])]) {
      for (const item of ss.spans) {
        const sp = SpanJson.safeParse(item);
        if (!sp.success) {
          into.malformed++;
          continue;
        }
        const s = sp.data;
        if (!into.admits(s.traceId)) continue;
        const start = nanosToMs(s.startTimeUnixNano);
        const end = nanosToMs(s.endTimeUnixNano);
        // Times a Date cannot hold (a unit mistaken by 1e9) would move the clock to nowhere.
        if (!(Math.abs(start) < MAX_DATE_MS) || !(Math.abs(end) < MAX_DATE_MS)) {
          into.malformed++;
          continue;
        }
        const kind = spanKind(s.kind);
        const status = httpStatus(s.attributes);
        const code = s.status?.code;
        const row: Span = {
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? '',
          service,
          name: s.name.slice(0, 200),
          kind,
          startMs: start,
          durationMs: Math.max(0, end - start),
          error: isErrorCode(code) || (!isOkCode(code) && status !== undefined && status >= 500),
        };
        if (status !== undefined) row.httpStatus = status;
        const peer = peerOf(s.attributes, kind);
        if (peer) row.peer = peer.slice(0, 120);
        if (
          row.error &&
          (status === 408 ||
            status === 504 ||
            TIMEOUT.test(`${s.status?.message ?? ''} ${attrText(s.attributes, 'error.type') ?? ''}`))
        )
          row.timeout = true;
        into.add(row);
      }
    }
  }
  return into.spans;
}

/**
 * Parses the text of a trace file into the reservoir: one export, or one export per line. Throws when
 * nothing in it is OTLP; `onBadLine` hears of each line that is not (a file of lines may have a torn last line).
 */
export function parseOtlpText(
  text: string,
  into: SpanReservoir,
  onBadLine: (line: number, message: string) => void,
): void {
  if (!text.trim()) throw new Error('empty file; expected an OTLP/JSON trace export');
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch (err) {
    const lines = text.split('\n');
    const first = lines.find((l) => l.trim() !== '')?.trim() ?? '';
    if (!first.startsWith('{') || lines.filter((l) => l.trim()).length < 2)
      throw new Error(`not valid JSON (${(err as Error).message}); expected an OTLP/JSON trace export`, {
        cause: err,
      });
    let good = 0;
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (e) {
        onBadLine(i + 1, `not JSON (${(e as Error).message}); expected one OTLP/JSON export per line`);
        return;
      }
      try {
        parseOtlp(raw, into);
        good++;
      } catch (e) {
        onBadLine(i + 1, (e as Error).message.split('\n')[0] ?? 'unreadable');
      }
    });
    if (!good) throw new Error('no line is an OTLP/JSON export', { cause: err });
    return;
  }
  parseOtlp(whole, into);
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx] as number;
}

/** Per-service span statistics for spans that start inside the query range. */
export function traceStats(rows: Span[], q: TimeQuery): TraceStats[] {
  const byId = new Map<string, Span>();
  for (const r of rows) byId.set(`${r.traceId}/${r.spanId}`, r);
  const want = q.services ? new Set(q.services) : null;
  const acc = new Map<
    string,
    { durs: number[]; errors: number; calls: Map<string, { count: number; errors: number }> }
  >();
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
        calls: [...a.calls.entries()]
          .map(([s, c]) => ({ service: s, ...c }))
          .sort((x, y) => x.service.localeCompare(y.service)),
      };
    })
    .sort((x, y) => x.service.localeCompare(y.service));
}

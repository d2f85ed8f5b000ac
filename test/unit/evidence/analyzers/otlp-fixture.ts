// Small synthetic OTLP/JSON exports for the trace tests: spans described by hand, grouped by service the way
// an exporter writes them (resourceSpans per service), with times as nanosecond strings.

export const T0 = Date.parse('2026-11-27T02:00:00Z');
export const ONSET = T0 + 30 * 60_000;
export const NOW = T0 + 60 * 60_000;
export const WINDOW = { from: T0, onset: ONSET, to: NOW };

export interface FixtureSpan {
  traceId: string;
  spanId: string;
  parent?: string;
  service: string;
  name: string;
  /** OTLP kind: 1 internal, 2 server, 3 client. */
  kind?: number;
  startMs: number;
  durationMs: number;
  error?: boolean;
  message?: string;
  attrs?: Record<string, string | number>;
}

const nanos = (ms: number): string => `${BigInt(Math.round(ms * 1000)) * 1000n}`;

/** One OTLP/JSON export holding the spans. */
export function otlp(spans: readonly FixtureSpan[]): unknown {
  const by = new Map<string, FixtureSpan[]>();
  for (const s of spans) by.set(s.service, [...(by.get(s.service) ?? []), s]);
  return {
    resourceSpans: [...by.entries()].map(([service, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [
        {
          scope: { name: 'test' },
          spans: list.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parent ? { parentSpanId: s.parent } : {}),
            name: s.name,
            kind: s.kind ?? 2,
            startTimeUnixNano: nanos(s.startMs),
            endTimeUnixNano: nanos(s.startMs + s.durationMs),
            status: s.error ? { code: 2, ...(s.message ? { message: s.message } : {}) } : { code: 0 },
            attributes: Object.entries(s.attrs ?? {}).map(([key, v]) => ({
              key,
              value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
            })),
          })),
        },
      ],
    })),
  };
}

export interface Hop {
  service: string;
  /** Time the service spends itself before calling the next hop (and as much after). */
  selfMs: number;
  error?: boolean;
  message?: string;
}

/**
 * A synchronous call chain: each hop's server span wraps the next hop's span, spending `selfMs` before and
 * after the call. The deepest hop's span has no children.
 */
export function chain(traceId: string, startMs: number, hops: readonly Hop[]): FixtureSpan[] {
  const out: FixtureSpan[] = [];
  const build = (i: number, start: number, parent: string | undefined): number => {
    const hop = hops[i] as Hop;
    const spanId = `${traceId.slice(0, 8)}${String(i).padStart(8, '0')}`;
    const innerDur = i + 1 < hops.length ? build(i + 1, start + hop.selfMs, spanId) : 0;
    const dur = innerDur + (i + 1 < hops.length ? 2 * hop.selfMs : hop.selfMs);
    out.push({
      traceId,
      spanId,
      ...(parent ? { parent } : {}),
      service: hop.service,
      name: `${hop.service} handler`,
      startMs: start,
      durationMs: dur,
      ...(hop.error ? { error: true } : {}),
      ...(hop.message ? { message: hop.message } : {}),
    });
    return dur;
  };
  build(0, startMs, undefined);
  return out;
}

/** `n` trace ids of a prefix, as 32 hex-ish characters. */
export function ids(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(32 - prefix.length, '0')}`);
}

export interface Call {
  callee: string;
  /** Time the callee's handler takes. */
  insideMs: number;
  /** Time the call spends on the way, half before the callee's span starts and half after it ends. */
  lostMs: number;
}

/**
 * One request served by `caller`, which calls each callee in turn: the caller's server span, its client span
 * per call and the callee's server span under that. `kinds: false` exports every span without a kind.
 */
export function request(id: string, at: number, caller: string, calls: readonly Call[], kinds: boolean): FixtureSpan[] {
  const sid = (n: number): string => `${id.slice(-8)}${String(n).padStart(8, '0')}`;
  const kind = (k: number): number => (kinds ? k : 0);
  const out: FixtureSpan[] = [];
  let t = at + 1;
  calls.forEach((c, i) => {
    const callMs = c.insideMs + c.lostMs;
    out.push(
      {
        traceId: id,
        spanId: sid(2 * i + 1),
        parent: sid(0),
        service: caller,
        name: `call ${c.callee}`,
        kind: kind(3),
        startMs: t,
        durationMs: callMs,
      },
      {
        traceId: id,
        spanId: sid(2 * i + 2),
        parent: sid(2 * i + 1),
        service: c.callee,
        name: `${c.callee} handler`,
        kind: kind(2),
        startMs: t + c.lostMs / 2,
        durationMs: c.insideMs,
      },
    );
    t += callMs;
  });
  out.push({
    traceId: id,
    spanId: sid(0),
    service: caller,
    name: `${caller} handler`,
    kind: kind(2),
    startMs: at,
    durationMs: t + 1 - at,
  });
  return out;
}

/** `n` requests a second apart from `from`. */
export function requests(
  prefix: string,
  n: number,
  from: number,
  caller: string,
  calls: readonly Call[],
  kinds = true,
) {
  return ids(prefix, n).flatMap((id, i) => request(id, from + i * 1000, caller, calls, kinds));
}

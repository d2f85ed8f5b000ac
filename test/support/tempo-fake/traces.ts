// The traces both trace-backend fakes serve, in one neutral shape, and a generator of a small system's
// traffic (frontend -> checkout -> payments -> an external card gateway) whose failure starts at one service.

export interface FakeSpan {
  /** 32 hex characters. */
  traceId: string;
  /** 16 hex characters. */
  spanId: string;
  parentSpanId?: string;
  service: string;
  name: string;
  kind: 'server' | 'client' | 'internal';
  startMs: number;
  durationMs: number;
  error?: boolean;
  statusMessage?: string;
  httpStatus?: number;
  /** peer.service of a client span. */
  peer?: string;
}

export interface FakeTrace {
  traceId: string;
  spans: FakeSpan[];
}

/** Start of a trace: its earliest span. */
export function traceStart(t: FakeTrace): number {
  return Math.min(...t.spans.map((s) => s.startMs));
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/**
 * `count` requests spread evenly over [from, to): frontend calls checkout, checkout calls payments, payments
 * calls the card gateway. From `failFrom` on, payments answers 503 (its own error) and its callers fail with it.
 */
export function shopTraffic(from: number, to: number, count: number, failFrom: number): FakeTrace[] {
  const traces: FakeTrace[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = from + Math.floor(((to - from) * i) / count);
    const failing = t0 >= failFrom;
    const traceId = hex(0xabc0000 + i, 32);
    const id = (k: number): string => hex((i + 1) * 16 + k, 16);
    const spans: FakeSpan[] = [
      {
        traceId,
        spanId: id(1),
        service: 'frontend',
        name: 'GET /checkout',
        kind: 'server',
        startMs: t0,
        durationMs: 40,
        error: failing,
        ...(failing ? { httpStatus: 502 } : { httpStatus: 200 }),
      },
      {
        traceId,
        spanId: id(2),
        parentSpanId: id(1),
        service: 'frontend',
        name: 'POST checkout',
        kind: 'client',
        startMs: t0 + 1,
        durationMs: 37,
        peer: 'checkout',
        error: failing,
      },
      {
        traceId,
        spanId: id(3),
        parentSpanId: id(2),
        service: 'checkout',
        name: 'POST /orders',
        kind: 'server',
        startMs: t0 + 2,
        durationMs: 35,
        error: failing,
        ...(failing ? { httpStatus: 502 } : { httpStatus: 200 }),
      },
      {
        traceId,
        spanId: id(4),
        parentSpanId: id(3),
        service: 'checkout',
        name: 'POST payments',
        kind: 'client',
        startMs: t0 + 3,
        durationMs: 30,
        peer: 'payments',
        error: failing,
      },
      {
        traceId,
        spanId: id(5),
        parentSpanId: id(4),
        service: 'payments',
        name: 'POST /authorize',
        kind: 'server',
        startMs: t0 + 4,
        durationMs: 28,
        ...(failing
          ? { error: true, httpStatus: 503, statusMessage: 'connection pool exhausted' }
          : { httpStatus: 200 }),
      },
      {
        traceId,
        spanId: id(6),
        parentSpanId: id(5),
        service: 'payments',
        name: 'POST card-gateway',
        kind: 'client',
        startMs: t0 + 5,
        durationMs: 10,
        peer: 'card-gateway',
      },
    ];
    traces.push({ traceId, spans });
  }
  return traces;
}

// A small OTLP/JSON trace export: one slow checkout request through the call graph during the incident.

import type { World } from './model';
import type { Rng } from './prng';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  status: { code: number; message?: string };
  attributes: Array<{ key: string; value: { stringValue?: string; intValue?: string } }>;
}

const nanos = (ms: number): string => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** One trace web -> api-gateway -> checkout -> root cause (and siblings), two minutes into the incident. */
export function renderTrace(world: World, rng: Rng): unknown {
  const traceId = rng.hex(32);
  const t0 = world.tl.onset + 120_000;
  const slow = 2900;
  const chain: Array<[string, string, number, number]> = [
    ['web', 'POST /api/checkout', 0, 3005],
    ['api-gateway', 'POST /v1/checkout', 2, 3001],
    ['checkout', 'ConfirmOrder', 4, 2998],
    ['inventory', 'GET /stock', 6, world.rootCause === 'inventory' ? slow : 14],
    ['payments', 'POST /authorize', 22, world.rootCause === 'payments' ? slow : 40],
  ];
  const ids = chain.map(() => rng.hex(16));
  const byService = new Map<string, OtlpSpan[]>();
  chain.forEach(([service, name, start, dur], i) => {
    const parent = i === 0 ? undefined : i <= 2 ? ids[i - 1] : ids[2];
    const failed = dur >= slow;
    const span: OtlpSpan = {
      traceId,
      spanId: ids[i] as string,
      name,
      kind: 2,
      startTimeUnixNano: nanos(t0 + start),
      endTimeUnixNano: nanos(t0 + start + dur),
      status: failed ? { code: 2, message: 'deadline exceeded' } : { code: 1 },
      attributes: [{ key: 'http.response.status_code', value: { intValue: failed ? '504' : '200' } }],
    };
    if (parent) span.parentSpanId = parent;
    byService.set(service, [...(byService.get(service) ?? []), span]);
  });
  return {
    resourceSpans: [...byService.entries()].map(([service, spans]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{ scope: { name: 'incident-scout/scenario' }, spans }],
    })),
  };
}

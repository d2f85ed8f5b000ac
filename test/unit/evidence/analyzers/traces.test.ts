import { analyzeTraces, selfTime, traceSignals } from '../../../../src/evidence/analyzers/traces';
import { parseOtlp, SpanReservoir } from '../../../../src/evidence/sources/files/traces';
import type { Span } from '../../../../src/evidence/types';
import { chain, ids, ONSET, otlp, T0, WINDOW, type FixtureSpan, type Hop } from './otlp-fixture';

const spansOf = (list: FixtureSpan[]): Span[] => parseOtlp(otlp(list));

/** `n` traces of the chain, one a minute from `from`. */
function many(prefix: string, n: number, from: number, hops: Hop[] | ((i: number) => Hop[])): FixtureSpan[] {
  return ids(prefix, n).flatMap((id, i) => chain(id, from + i * 60_000, typeof hops === 'function' ? hops(i) : hops));
}

const ok = (service: string, selfMs = 5): Hop => ({ service, selfMs });

describe('analyzeTraces: where errors start', () => {
  it('names the deepest failing service, and its failing callers only as propagating it', () => {
    const spans = spansOf([
      ...many('a1', 20, T0 + 60_000, [ok('web'), ok('api'), ok('orders'), ok('ledger')]),
      ...many('b1', 20, ONSET + 30_000, [
        { service: 'web', selfMs: 5, error: true },
        { service: 'api', selfMs: 5, error: true },
        { service: 'orders', selfMs: 5, error: true },
        { service: 'ledger', selfMs: 5, error: true },
      ]),
    ]);
    const report = analyzeTraces(spans, WINDOW);
    expect(report.spans).toEqual({ baseline: 80, incident: 80 });
    expect(report.errorOrigins.map((o) => o.service)).toEqual(['ledger']);
    expect(report.errorOrigins[0]).toMatchObject({
      external: false,
      spans: { baseline: 0, incident: 20 },
      propagatedTo: ['api', 'orders', 'web'],
      strength: 1,
    });
    // The edge into the origin comes first: it is where the errors enter the chain.
    expect(report.edges[0]).toMatchObject({
      caller: 'orders',
      callee: 'ledger',
      errors: { baseline: 0, incident: 20 },
      calls: { baseline: 20, incident: 20 },
    });
  });

  it('does not count errors that already started there at the same rate before the onset', () => {
    const steady = (i: number): Hop[] => [ok('web'), { service: 'search', selfMs: 5, error: i % 4 === 0 }];
    const spans = spansOf([
      ...many('a2', 28, T0 + 60_000, steady),
      ...many('b2', 28, ONSET + 10_000, steady),
      ...many('c2', 12, ONSET + 20_000, (i) => [
        { service: 'web', selfMs: 5, error: i < 10 },
        { service: 'cart', selfMs: 5, error: i < 10 },
      ]),
    ]);
    const report = analyzeTraces(spans, WINDOW);
    const cart = report.errorOrigins.find((o) => o.service === 'cart');
    const search = report.errorOrigins.find((o) => o.service === 'search');
    expect(cart).toMatchObject({ spans: { baseline: 0, incident: 10 } });
    expect(search?.spans.baseline).toBe(7);
    expect(cart?.strength).toBeGreaterThan(0.7);
    // search failed as often per span before the onset as after (7/56 vs 7/80 spans): no excess, no signal.
    expect(search?.strength ?? 0).toBeLessThan(0.1);
    expect(
      traceSignals({ traces: report })
        .filter((s) => s.kind === 'error_origin')
        .map((s) => s.service),
    ).not.toContain('web');
  });

  it('blames the child a caller timed out waiting on, not the caller', () => {
    const timedOut = (id: string, at: number): FixtureSpan[] => [
      {
        traceId: id,
        spanId: 'p1',
        service: 'checkout',
        name: 'POST /checkout',
        startMs: at,
        durationMs: 3000,
        error: true,
        message: 'context deadline exceeded',
      },
      // The callee finished (successfully) after the caller gave up.
      {
        traceId: id,
        spanId: 'c1',
        parent: 'p1',
        service: 'pricing',
        name: 'GET /price',
        startMs: at + 5,
        durationMs: 4200,
      },
    ];
    const spans = spansOf(ids('d3', 6).flatMap((id, i) => timedOut(id, ONSET + i * 60_000)));
    const [origin] = analyzeTraces(spans, WINDOW).errorOrigins;
    expect(origin).toMatchObject({ service: 'pricing', timeouts: 6, propagatedTo: ['checkout'] });
  });
});

describe('analyzeTraces: where latency is added', () => {
  it('finds the service in the middle whose own time grew, not its callers that wait on it', () => {
    const spans = spansOf([
      ...many('a4', 15, T0 + 60_000, (i) => [
        ok('web', 4 + (i % 3)),
        ok('api', 6),
        ok('orders', 10 + (i % 4)),
        ok('ledger', 20),
      ]),
      ...many('b4', 15, ONSET + 30_000, (i) => [
        ok('web', 4 + (i % 3)),
        ok('api', 6),
        ok('orders', 160 + (i % 4)),
        ok('ledger', 20),
      ]),
    ]);
    const report = analyzeTraces(spans, WINDOW);
    expect(report.latencyOrigins.map((o) => o.service)).toEqual(['orders']);
    const [orders] = report.latencyOrigins;
    // Each chain hop spends selfMs before and after its call: 2 × (10..13) → 2 × (160..163) per trace.
    expect(orders?.addedMs).toBeCloseTo(300, 0);
    expect(orders?.strength).toBeGreaterThan(0.8);
    expect(report.errorOrigins).toEqual([]);
    const signals = traceSignals({ traces: report });
    expect(signals).toEqual([
      {
        service: 'orders',
        kind: 'latency_origin',
        strength: orders?.strength,
        addedMs: orders?.addedMs,
        evidence: expect.stringMatching(/^orders adds latency: own time 23ms → 323ms per trace/),
      },
    ]);
  });

  it('says latency cannot be compared when nothing was traced before the onset', () => {
    const report = analyzeTraces(spansOf(many('b5', 5, ONSET + 1000, [ok('web'), ok('api', 500)])), WINDOW);
    expect(report.latencyOrigins).toEqual([]);
    expect(report.notes.join(' ')).toMatch(/no spans before the onset/);
  });

  it('compares the early spans with the late ones when every span falls after the onset', () => {
    // Tracing kept only the last minutes: 25 traces a minute apart, all after the onset; orders slows from the 13th.
    const spans = spansOf(
      many('b6', 25, ONSET + 60_000, (i) => [
        ok('web', 4 + (i % 3)),
        ok('orders', i >= 12 ? 160 + (i % 4) : 10 + (i % 4)),
      ]),
    );
    expect(spans.length).toBe(50);
    const report = analyzeTraces(spans, WINDOW);
    expect(report.latencyOrigins.map((o) => o.service)).toEqual(['orders']);
    expect(report.notes.join(' ')).toMatch(
      /spans begin at .* after the onset: their part before .* is compared with the rest/,
    );
    expect(report.notes.join(' ')).not.toMatch(/no spans before the onset/);
  });

  it("counts overlapping children once in a span's own time", () => {
    const span = (start: number, dur: number): Span => ({
      traceId: 't',
      spanId: `${start}`,
      parentSpanId: '',
      service: 's',
      name: 'n',
      kind: 'server',
      startMs: start,
      durationMs: dur,
      error: false,
    });
    // Parent 0..100; children 10..40 and 30..60 overlap (50 ms together), 90..130 runs past the end (10 ms inside).
    expect(selfTime(span(0, 100), [span(10, 30), span(30, 30), span(90, 40)])).toBe(40);
    expect(selfTime(span(0, 100), [])).toBe(100);
  });
});

describe('analyzeTraces: external dependencies', () => {
  const withClient = (
    id: string,
    at: number,
    fail: boolean,
    slowMs: number,
    attrs: Record<string, string>,
  ): FixtureSpan[] => [
    {
      traceId: id,
      spanId: 's1',
      service: 'checkout',
      name: 'POST /checkout',
      startMs: at,
      durationMs: slowMs + 20,
      error: fail,
    },
    {
      traceId: id,
      spanId: 's2',
      parent: 's1',
      service: 'payments',
      name: 'POST /authorize',
      startMs: at + 5,
      durationMs: slowMs + 10,
      error: fail,
    },
    {
      traceId: id,
      spanId: 's3',
      parent: 's2',
      service: 'payments',
      name: 'POST',
      kind: 3,
      startMs: at + 8,
      durationMs: slowMs,
      error: fail,
      attrs,
    },
  ];

  it('names a failing destination outside the traces as the origin, not the service that called it', () => {
    const stripe = { 'server.address': 'api.stripe.com', 'http.request.method': 'POST' };
    const spans = spansOf([
      ...ids('a6', 10).flatMap((id, i) => withClient(id, T0 + i * 60_000, false, 80 + (i % 3), stripe)),
      ...ids('b6', 10).flatMap((id, i) => withClient(id, ONSET + i * 60_000, true, 2000 + (i % 3), stripe)),
    ]);
    const report = analyzeTraces(spans, WINDOW);
    expect(report.errorOrigins[0]).toMatchObject({
      service: 'api.stripe.com',
      external: true,
      propagatedTo: ['checkout', 'payments'],
    });
    expect(report.latencyOrigins[0]).toMatchObject({ service: 'api.stripe.com', external: true });
    expect(report.latencyOrigins.map((o) => o.service)).not.toContain('payments');
    expect(report.edges).toContainEqual(
      expect.objectContaining({
        caller: 'payments',
        callee: 'api.stripe.com',
        external: true,
        errors: { baseline: 0, incident: 10 },
      }),
    );
  });

  it('maps a destination host to a service in the traces by its first DNS label', () => {
    const spans = spansOf([
      {
        traceId: 'e7',
        spanId: 'c',
        service: 'checkout',
        name: 'call',
        kind: 3,
        startMs: ONSET + 1000,
        durationMs: 30,
        error: true,
        attrs: { 'server.address': 'Payments.prod.svc.cluster.local:8443' },
      },
      {
        traceId: 'e8',
        spanId: 'p',
        service: 'payments',
        name: 'POST /authorize',
        startMs: ONSET + 2000,
        durationMs: 10,
      },
    ]);
    const report = analyzeTraces(spans, WINDOW);
    expect(report.errorOrigins[0]).toMatchObject({ service: 'payments', external: false });
  });
});

describe('parseOtlp', () => {
  it('reads kinds, HTTP statuses, destinations and timeouts; a 5xx without an error status is an error', () => {
    const [span] = spansOf([
      {
        traceId: 't',
        spanId: 's',
        service: 'api',
        name: 'GET',
        kind: 3,
        startMs: T0,
        durationMs: 12.5,
        attrs: { 'http.status_code': 504, 'url.full': 'https://maps.example.com:443/v1/geo' },
      },
    ]);
    expect(span).toMatchObject({
      kind: 'client',
      durationMs: 12.5,
      error: true,
      httpStatus: 504,
      peer: 'maps.example.com',
      timeout: true,
    });
  });

  it('keeps whole traces under the cap, evicting sampled-out ones, and counts what it dropped', () => {
    const into = new SpanReservoir(45);
    parseOtlp(otlp(many('f9', 20, T0, [ok('a'), ok('b'), ok('c')])), into);
    parseOtlp(otlp(many('e9', 20, ONSET, [ok('a'), ok('b'), ok('c')])), into);
    expect(into.spans.length).toBeLessThanOrEqual(45);
    // Both files are sampled alike: the first one read does not take the whole cap.
    expect(into.spans.some((sp) => sp.startMs < ONSET) && into.spans.some((sp) => sp.startMs >= ONSET)).toBe(true);
    const perTrace = new Map<string, number>();
    for (const sp of into.spans) perTrace.set(sp.traceId, (perTrace.get(sp.traceId) ?? 0) + 1);
    expect([...perTrace.values()].every((n) => n === 3)).toBe(true);
    expect(into.dropped).toBe(120 - into.spans.length);
    expect(into.sampled).toBeLessThan(1);
  });
});

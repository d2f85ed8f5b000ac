import { analyzeTraces, describeEdge, traceSignals } from '../../../../src/evidence/analyzers/traces';
import { parseOtlp } from '../../../../src/evidence/sources/files/traces';
import { ONSET, otlp, requests, T0, WINDOW, type Call } from './otlp-fixture';

const fast = (callee: string, insideMs = 5): Call => ({ callee, insideMs, lostMs: 3 });
const slowWay = (callee: string, lostMs: number, insideMs = 2.5): Call => ({ callee, insideMs, lostMs });

describe('analyzeTraces: time lost between caller and callee', () => {
  it.each([
    ['with span kinds', true],
    ['without span kinds', false],
  ])('credits calls that lose time on the way to a callee to that callee, not to its callers (%s)', (_, kinds) => {
    // No spans before the onset: the gap is compared with the other edges'.
    const spans = parseOtlp(
      otlp([
        ...requests(
          'w1',
          20,
          ONSET + 1000,
          'web',
          [slowWay('cart', 240), fast('catalog', 9), fast('currency', 1)],
          kinds,
        ),
        ...requests('c1', 10, ONSET + 1500, 'checkout', [slowWay('cart', 240), fast('payments', 1)], kinds),
      ]),
    );
    const report = analyzeTraces(spans, WINDOW);
    expect(report.gaps).toHaveLength(1);
    expect(report.gaps[0]).toMatchObject({ service: 'cart', side: 'callee', strength: expect.any(Number) });
    // 240 ms against the usual 3 ms, sized as a metric move is: log10(1 + 80).
    expect(report.gaps[0]?.magnitude).toBeCloseTo(1.91, 2);
    expect(report.gaps[0]?.edges.map((e) => `${e.caller}>${e.callee}`)).toEqual(['web>cart', 'checkout>cart']);
    const edge = report.edges.find((e) => e.caller === 'web' && e.callee === 'cart');
    expect(edge?.sides).toEqual({
      calls: 20,
      callerMs: 242.5,
      calleeMs: 2.5,
      gapMs: 240,
      usualGapMs: 3,
      usual: 'other edges',
    });
    expect(describeEdge(edge as NonNullable<typeof edge>)).toBe(
      'web → cart: errors 0/20, mean 2.5ms; median 243ms at web vs 2.5ms inside cart',
    );
    // The edges into the callee come first.
    expect(report.edges.slice(0, 2).map((e) => e.callee)).toEqual(['cart', 'cart']);
    const signals = traceSignals({ traces: report });
    expect(signals.map((s) => [s.service, s.kind])).toEqual([['cart', 'call_gap']]);
    expect(signals[0]?.strength).toBeGreaterThan(0.9);
    expect(signals[0]?.evidence).toBe(
      'calls to cart take 243ms at web but 2.5ms inside cart (median of 20 calls); from checkout 243ms vs 2.5ms: ' +
        '240ms is lost on the way to cart (the network to it or its ingress), where calls usually lose 3ms',
    );
  });

  it('credits the caller whose calls to every service lose time: its own client side is slow, not the callees', () => {
    const spans = parseOtlp(
      otlp([
        ...requests('w2', 20, ONSET + 1000, 'web', [
          slowWay('cart', 100),
          slowWay('catalog', 100, 9),
          slowWay('currency', 100, 1),
        ]),
        ...requests('c2', 10, ONSET + 1500, 'checkout', [fast('cart', 2.5), fast('payments', 1), fast('shipping', 1)]),
      ]),
    );
    const report = analyzeTraces(spans, WINDOW);
    expect(report.gaps.map((g) => [g.service, g.side])).toEqual([['web', 'caller']]);
    expect(report.gaps[0]?.edges.map((e) => e.callee).sort()).toEqual(['cart', 'catalog', 'currency']);
    expect(traceSignals({ traces: report })[0]?.evidence).toMatch(
      /^web's calls lose time before their callees see them: .* the time is spent in web's own client side/,
    );
  });

  it('finds no gap in calls whose wait is mostly the handler, or that lost as much before the onset', () => {
    const spans = parseOtlp(
      otlp([
        // search: 40 ms on the way, but the handler takes 300 ms of the 340 the caller waits.
        ...requests('w3', 20, ONSET + 1000, 'web', [
          slowWay('search', 40, 300),
          fast('catalog', 9),
          fast('currency', 1),
        ]),
        // cart: always 60 ms on the way (a remote region), before the onset and since.
        ...requests('c3', 10, T0 + 60_000, 'checkout', [slowWay('cart', 60), fast('payments', 1)]),
        ...requests('c4', 10, ONSET + 1500, 'checkout', [slowWay('cart', 60), fast('payments', 1)]),
      ]),
    );
    const report = analyzeTraces(spans, WINDOW);
    expect(report.gaps).toEqual([]);
    expect(report.edges.find((e) => e.callee === 'cart')?.sides).toMatchObject({
      gapMs: 60,
      usualGapMs: 60,
      usual: 'baseline',
    });
  });

  it("counts a call's time on the way as the callee's added latency when comparing with the baseline", () => {
    const spans = parseOtlp(
      otlp([
        ...requests('w5', 20, T0 + 60_000, 'web', [fast('cart', 2.5), fast('catalog', 9), fast('currency', 1)]),
        ...requests('w6', 20, ONSET + 1000, 'web', [slowWay('cart', 240), fast('catalog', 9), fast('currency', 1)]),
      ]),
    );
    const report = analyzeTraces(spans, WINDOW);
    expect(report.gaps.map((g) => g.service)).toEqual(['cart']);
    // web's client span of the call grew by 237 ms, but that time was lost on the way to cart: web added nothing.
    expect(report.latencyOrigins.map((o) => o.service)).toEqual(['cart']);
    expect(report.latencyOrigins[0]?.addedMs).toBeCloseTo(237, 0);
  });
});

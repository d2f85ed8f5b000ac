// The Jaeger source against a local Jaeger query fake: search per service and slice of the window, Jaeger's
// spans (tags, references, processes) as the spans the trace analyzer reads; bounded by a cap and a timeout.
import { analyzeTraces } from '../../../../src/evidence/analyzers/traces';
import { JaegerSource, jaegerToOtlp } from '../../../../src/evidence/sources/jaeger';
import { TraceQueryError } from '../../../../src/evidence/sources/trace-fetch';
import { shopTraffic, startJaegerFake } from '../../../support/jaeger-fake';

const ONSET = Date.UTC(2026, 11, 7, 2, 50);
const MIN = 60_000;
const window = { from: ONSET - 60 * MIN, onset: ONSET, to: ONSET + 15 * MIN };

let jaeger: Awaited<ReturnType<typeof startJaegerFake>>;

beforeEach(async () => {
  jaeger = await startJaegerFake();
  jaeger.fake.traces.push(...shopTraffic(window.from, window.to, 150, ONSET));
});

afterEach(async () => {
  await jaeger.close();
});

const source = (extra: Partial<ConstructorParameters<typeof JaegerSource>[0]> = {}) =>
  new JaegerSource({ url: jaeger.url, fetch, ...extra });

describe('Jaeger source', () => {
  it('gives the trace analyzer the spans to find payments as where the errors start', async () => {
    const spans = await source().spans({ from: window.from, to: window.to });
    const digest = analyzeTraces(spans, window);
    expect(digest.errorOrigins[0]).toMatchObject({ service: 'payments', external: false });
    expect(digest.errorOrigins[0]?.propagatedTo).toEqual(expect.arrayContaining(['checkout']));
    expect(digest.errorOrigins.map((o) => o.service)).not.toContain('frontend');
  });

  it('keeps parent links, kind, the error tag, the HTTP status, the peer and microsecond times', async () => {
    const spans = await source().spans({ from: ONSET, to: window.to });
    const trace = jaeger.fake.traces.find((t) => (t.spans[0]?.startMs ?? 0) >= ONSET);
    const server = trace?.spans[4];
    const payments = spans.find((s) => s.traceId === trace?.traceId && s.spanId === server?.spanId);
    expect(payments).toMatchObject({
      service: 'payments',
      parentSpanId: trace?.spans[3]?.spanId,
      kind: 'server',
      error: true,
      httpStatus: 503,
      startMs: server?.startMs,
      durationMs: server?.durationMs,
    });
    expect(spans.find((s) => s.traceId === trace?.traceId && s.name === 'POST card-gateway')).toMatchObject({
      kind: 'client',
      peer: 'card-gateway',
      error: false,
    });
  });

  it('reads each trace once although every service it crosses finds it', async () => {
    // A cap above the 150 traces, so each service's search finds all of them.
    const spans = await source({ limits: { maxTraces: 1_000 } }).spans({ from: window.from, to: window.to });
    const ids = spans.map((s) => `${s.traceId}/${s.spanId}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(150);
  });

  it('asks for the services in scope only, in microseconds, and lists every service as its capabilities', async () => {
    await source().spans({ from: window.from, to: window.to, services: ['payments'] });
    const searches = jaeger.fake.requests.filter((r) => r.path === '/api/traces');
    expect(searches.length).toBeGreaterThan(0);
    expect(
      searches.every(
        (r) => r.status === 200 && r.params['service'] === 'payments' && /^\d{16}$/.test(r.params['start'] ?? ''),
      ),
    ).toBe(true);
    expect(await source().capabilities()).toEqual({
      signals: ['traces'],
      services: ['checkout', 'frontend', 'payments'],
      labels: [],
    });
  });

  it('reads at most maxTraces traces and says that it stopped', async () => {
    const s = source({ limits: { maxTraces: 10, slices: 2 } });
    const spans = await s.spans({ from: window.from, to: window.to });
    expect(new Set(spans.map((sp) => sp.traceId)).size).toBeLessThanOrEqual(10);
    expect(spans.some((sp) => sp.startMs < ONSET) && spans.some((sp) => sp.startMs >= ONSET)).toBe(true);
    expect(
      s
        .problems()
        .map((p) => p.problem)
        .join('\n'),
    ).toMatch(/returned its limit of 2 traces/);
  });

  it("sends the bearer token, and names Jaeger's own error message when it refuses a query", async () => {
    jaeger.fake.token = 'jaeger-proxy-token';
    await expect(source({ token: 'jaeger-proxy-token' }).capabilities()).resolves.toMatchObject({
      signals: ['traces'],
    });
    await expect(source({ token: 'nope' }).capabilities()).rejects.toThrow(
      'Jaeger refused the query (GET /api/services): HTTP 401: Unauthorized',
    );
    jaeger.fake.token = undefined;
    // A search without its required parameter: Jaeger's envelope carries the reason.
    const res = await fetch(`${jaeger.url}/api/traces?start=1`);
    expect(await res.json()).toMatchObject({ errors: [{ code: 400, msg: "parameter 'service' is required" }] });
  });

  it('gives up on a request after its timeout, naming the URL', async () => {
    jaeger.fake.delayMs = 1_000;
    const failed = source({ limits: { timeoutMs: 100 } }).spans({
      from: window.from,
      to: window.to,
      services: ['payments'],
    });
    await expect(failed).rejects.toBeInstanceOf(TraceQueryError);
    await expect(failed).rejects.toThrow(`${jaeger.url}: no answer within 100 ms`);
  });

  it('turns a span without the Jaeger shape into a counted problem, not a crash', () => {
    const converted = jaegerToOtlp({
      traceID: 'ab',
      processes: { p1: { serviceName: 'x' } },
      spans: [{ traceID: 'ab' }],
    });
    expect(converted?.malformed).toBe(1);
    expect(jaegerToOtlp({ data: [] })).toBeNull();
  });
});

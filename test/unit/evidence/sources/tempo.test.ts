// The Tempo source against a local Tempo fake: TraceQL search per slice of the window, each trace by id
// (OTLP JSON with base64 ids), the spans the trace analyzer reads; bounded by a trace cap and a timeout.
import { DEFAULT_SCENARIO, loadConfig } from '../../../../src/config';
import { analyzeTraces } from '../../../../src/evidence/analyzers/traces';
import { createSource, linkSettings, openFilesSource } from '../../../../src/evidence/sources';
import { TempoSource, tempoQuery } from '../../../../src/evidence/sources/tempo';
import { TraceQueryError } from '../../../../src/evidence/sources/trace-fetch';
import { shopTraffic, startTempoFake } from '../../../support/tempo-fake';

const ONSET = Date.UTC(2026, 11, 7, 2, 50);
const MIN = 60_000;
const window = { from: ONSET - 60 * MIN, onset: ONSET, to: ONSET + 15 * MIN };

let tempo: Awaited<ReturnType<typeof startTempoFake>>;

beforeEach(async () => {
  tempo = await startTempoFake();
  tempo.fake.traces.push(...shopTraffic(window.from, window.to, 150, ONSET));
});

afterEach(async () => {
  await tempo.close();
});

const source = (extra: Partial<ConstructorParameters<typeof TempoSource>[0]> = {}) =>
  new TempoSource({ url: tempo.url, fetch, ...extra });

describe('Tempo source', () => {
  it('gives the trace analyzer the spans to find payments as where the errors start', async () => {
    const spans = await source().spans({ from: window.from, to: window.to });
    const digest = analyzeTraces(spans, window);
    expect(digest.errorOrigins[0]).toMatchObject({ service: 'payments', external: false });
    expect(digest.errorOrigins[0]?.propagatedTo).toEqual(expect.arrayContaining(['checkout']));
    expect(digest.errorOrigins.map((o) => o.service)).not.toContain('frontend');
  });

  it('reads ids as hex, parent links intact, with kind, status, HTTP status and peer', async () => {
    const spans = await source().spans({ from: ONSET, to: window.to });
    const trace = tempo.fake.traces.find((t) => (t.spans[0]?.startMs ?? 0) >= ONSET);
    const payments = spans.find((s) => s.traceId === trace?.traceId && s.service === 'payments' && s.kind === 'server');
    expect(payments).toMatchObject({
      spanId: trace?.spans[4]?.spanId,
      parentSpanId: trace?.spans[3]?.spanId,
      name: 'POST /authorize',
      error: true,
      httpStatus: 503,
    });
    expect(spans.find((s) => s.traceId === trace?.traceId && s.name === 'POST card-gateway')).toMatchObject({
      kind: 'client',
      peer: 'card-gateway',
      error: false,
    });
  });

  it('lists the services Tempo has seen as its capabilities', async () => {
    expect(await source().capabilities()).toEqual({
      signals: ['traces'],
      services: ['checkout', 'frontend', 'payments'],
      labels: [],
    });
  });

  it('asks only for the services in scope, with a TraceQL query Tempo accepts', async () => {
    const spans = await source().spans({ from: window.from, to: window.to, services: ['payments'] });
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['payments']));
    const searches = tempo.fake.requests.filter((r) => r.path === '/api/search');
    expect(searches.every((r) => r.status === 200 && r.params['q'] === '{ resource.service.name = "payments" }')).toBe(
      true,
    );
    expect(tempoQuery(['a"b', 'c'])).toBe('{ resource.service.name = "a\\"b" || resource.service.name = "c" }');
  });

  it('reads at most maxTraces traces, spread over the window, and says that it stopped', async () => {
    const s = source({ limits: { maxTraces: 12, slices: 4 } });
    const spans = await s.spans({ from: window.from, to: window.to });
    const fetched = tempo.fake.requests.filter((r) => r.path.startsWith('/api/traces/'));
    expect(fetched.length).toBeLessThanOrEqual(12);
    expect(new Set(spans.map((sp) => sp.traceId)).size).toBe(fetched.length);
    // Both the baseline and the incident have traces.
    expect(spans.some((sp) => sp.startMs < ONSET)).toBe(true);
    expect(spans.some((sp) => sp.startMs >= ONSET)).toBe(true);
    expect(
      s
        .problems()
        .map((p) => p.problem)
        .join('\n'),
    ).toMatch(/returned its limit of 3 traces/);
  });

  it('sends the bearer token, and names Tempo and the status when it is refused', async () => {
    tempo.fake.token = 'tempo-secret-token';
    await expect(
      source({ token: 'tempo-secret-token' }).spans({ from: window.from, to: window.to }),
    ).resolves.not.toHaveLength(0);
    const refused = source({ token: 'wrong' }).spans({ from: window.from, to: window.to });
    await expect(refused).rejects.toBeInstanceOf(TraceQueryError);
    await expect(refused).rejects.toThrow(/Tempo refused the query \(GET \/api\/search\): HTTP 401/);
  });

  it('gives up on a request after its timeout, naming the URL', async () => {
    tempo.fake.delayMs = 1_000;
    await expect(source({ limits: { timeoutMs: 100 } }).capabilities()).rejects.toThrow(
      `Tempo refused the query (GET /api/search/tag/service.name/values): ${tempo.url}: no answer within 100 ms`,
    );
  });

  it('skips a trace the search named but Tempo no longer has, and counts it', async () => {
    const s = source();
    const gone = tempo.fake.traces[tempo.fake.traces.length - 1]?.traceId ?? '';
    tempo.fake.lost.add(gone);
    const spans = await s.spans({ from: window.from, to: window.to });
    expect(spans.some((sp) => sp.traceId === gone)).toBe(false);
    expect(new Set(spans.map((sp) => sp.traceId)).size).toBe(149);
    expect(s.problems()).toContainEqual({
      origin: 'tempo',
      problem: 'trace named by the search was not found',
      count: 1,
    });
  });

  it('refuses limits that are not positive integers, naming the limit', () => {
    expect(() => source({ limits: { maxTraces: 0 } })).toThrow(
      'Tempo source: maxTraces must be a positive integer, got 0',
    );
  });
});

describe('TEMPO_URL and JAEGER_URL', () => {
  it("make Tempo or Jaeger the trace source, in place of the scenario files' traces", async () => {
    tempo.fake.token = 'tempo-secret-token';
    const config = loadConfig({
      TEMPO_URL: tempo.url,
      TEMPO_TOKEN: 'tempo-secret-token',
      EVIDENCE_DIR: DEFAULT_SCENARIO,
    });
    const created = createSource(config, { fetch, links: linkSettings(config.evidence) });
    expect(created.source.name).toBe('files+tempo');
    expect(created.descriptions).toContain(`Tempo (${tempo.url})`);
    // Tempo's traces before the scenario's clock (a composite reads nothing after it), and a window from
    // the epoch on, so the scenario's own trace file (checkout.json) would be in range: it is left out.
    const clock = (await openFilesSource(DEFAULT_SCENARIO).clock()) ?? 0;
    tempo.fake.traces.splice(
      0,
      tempo.fake.traces.length,
      ...shopTraffic(clock - 75 * MIN, clock - 1, 150, clock - 15 * MIN),
    );
    const all = { from: 0, to: clock };
    const spans = await created.source.spans?.(all);
    const fromTempo = await source({ token: 'tempo-secret-token' }).spans(all);
    expect(spans).toHaveLength(fromTempo.length);
    expect(new Set(spans?.map((s) => s.traceId))).toEqual(new Set(fromTempo.map((s) => s.traceId)));
    const jaeger = loadConfig({ JAEGER_URL: 'http://127.0.0.1:16686' });
    expect(createSource(jaeger, { fetch, links: linkSettings(jaeger.evidence) }).source.name).toBe('jaeger');
  });
});

import { PrometheusSource, inferShape } from '../../../../src/evidence/sources/prometheus';
import { PrometheusQueryError } from '../../../../src/evidence/sources/errors';
import type { FetchFn } from '../../../../src/evidence/sources/http';

/**
 * A fetch that answers like Prometheus' HTTP API from a routing function (documented response shapes); the
 * parameters are the URL's or, for a POST, the form body's (Prometheus takes both, and only that content type).
 */
function fakeFetch(
  route: (path: string, params: URLSearchParams) => { status: number; body: unknown },
): FetchFn & { calls: string[] } {
  const calls: string[] = [];
  const fn: FetchFn = async (input, init) => {
    const u = new URL(input);
    const form = init?.method === 'POST' && init.headers?.['Content-Type'] === 'application/x-www-form-urlencoded';
    const params = form ? new URLSearchParams(init.body) : u.searchParams;
    calls.push(`${u.pathname}?${params.toString()}`);
    const { status, body } = route(u.pathname, params);
    return { ok: status < 300, status, text: async () => (typeof body === 'string' ? body : JSON.stringify(body)) };
  };
  return Object.assign(fn, { calls });
}

const T0 = Date.UTC(2026, 10, 27, 3, 0, 0);

describe('PrometheusSource', () => {
  it('asks query_range for rates of counters and the rest as it is, for the services asked, with NaN and +Inf values', async () => {
    const f = fakeFetch((p, q) => {
      if (p === '/api/v1/label/__name__/values')
        return { status: 200, body: { status: 'success', data: ['req_total', 'up_ratio'] } };
      if (p === '/api/v1/metadata') return { status: 200, body: { status: 'success', data: {} } };
      const query = q.get('query') ?? '';
      const name = query.startsWith('rate(') ? 'req_total' : query.split('{')[0];
      const values =
        name === 'up_ratio'
          ? [
              [T0 / 1000, 'NaN'],
              [T0 / 1000 + 15, '+Inf'],
            ]
          : [[T0 / 1000, '3']];
      return {
        status: 200,
        body: {
          status: 'success',
          data: {
            resultType: 'matrix',
            result: [
              {
                metric: {
                  ...(name === 'up_ratio' ? { __name__: name } : {}),
                  service: 'api',
                  ...(name === 'req_total' ? { code: '500' } : {}),
                },
                values,
              },
            ],
          },
        },
      };
    });
    const src = new PrometheusSource({ url: 'http://prom:9090/', fetch: f, serviceLabel: 'service' });
    const series = await src.metrics({ from: T0 - 60_000, to: T0 + 60_000, services: ['api', 'a.b'] });
    expect(series).toEqual([
      {
        name: 'req_total',
        family: 'req',
        type: 'counter',
        derived: 'rate',
        service: 'api',
        labels: { service: 'api', code: '500' },
        points: [[T0, 3]],
      },
      {
        name: 'up_ratio',
        family: 'up_ratio',
        type: 'gauge',
        unit: 'ratio',
        service: 'api',
        labels: { service: 'api' },
        points: [
          [T0, NaN],
          [T0 + 15_000, Infinity],
        ],
      },
    ]);
    const calls = f.calls.map((c) => decodeURIComponent(c.replace(/\+/g, ' ')));
    expect(calls[0]).toContain('match[]={service=~"api|a\\\\.b"}');
    expect(calls).toContainEqual(
      expect.stringMatching(/^\/api\/v1\/query_range\?query=rate\(req_total\{service=~"api\|a\\\\\.b"\}\[60s\]\)/),
    );
  });

  it('finds the services asked by every naming label the server has, one query per metric joined by or', async () => {
    const f = fakeFetch((p) => {
      if (p === '/api/v1/labels')
        return { status: 200, body: { status: 'success', data: ['__name__', 'container', 'job', 'pod', 'service'] } };
      if (p === '/api/v1/label/__name__/values')
        return { status: 200, body: { status: 'success', data: ['cpu_seconds_total'] } };
      if (p === '/api/v1/metadata') return { status: 200, body: { status: 'success', data: {} } };
      const series = (metric: Record<string, string>) => ({ metric, values: [[T0 / 1000, '1']] });
      // What each matcher finds: cart's pod, a job named cart on a series that `service` names web.
      const result = [
        series({ pod: 'cart-7c9f8d6b5d-x2k4q', container: 'main', job: 'kubelet' }),
        series({ service: 'web', job: 'cart' }),
      ];
      return { status: 200, body: { status: 'success', data: { resultType: 'matrix', result } } };
    });
    const src = new PrometheusSource({ url: 'http://prom', fetch: f });
    const series = await src.metrics({ from: T0 - 60_000, to: T0 + 60_000, services: ['cart'] });
    expect(series.map((s) => [s.service, s.labels])).toEqual([
      ['cart', { pod: 'cart-7c9f8d6b5d-x2k4q', container: 'main', job: 'kubelet' }],
    ]);
    const calls = f.calls.map((c) => decodeURIComponent(c.replace(/\+/g, ' ')));
    expect(calls.filter((c) => c.startsWith('/api/v1/label/__name__/values'))).toEqual([
      expect.stringContaining('match[]={service="cart"}&match[]={pod=~"(?:cart)(?:-.+)?"}&match[]={job="cart"}&start='),
    ]);
    expect(calls.filter((c) => c.startsWith('/api/v1/query_range'))).toEqual([
      expect.stringContaining(
        'query=rate(cpu_seconds_total{service="cart"}[60s]) or rate(cpu_seconds_total{pod=~"(?:cart)(?:-.+)?"}[60s]) or rate(cpu_seconds_total{job="cart"}[60s])&',
      ),
    ]);
  });

  it('uses query_range with the given step', async () => {
    const f = fakeFetch((p) =>
      p === '/api/v1/label/__name__/values'
        ? { status: 200, body: { status: 'success', data: ['mem_bytes'] } }
        : p === '/api/v1/metadata'
          ? { status: 200, body: { status: 'success', data: {} } }
          : { status: 200, body: { status: 'success', data: { resultType: 'matrix', result: [] } } },
    );
    await new PrometheusSource({ url: 'http://prom', fetch: f, serviceLabel: 'service' }).metrics({
      from: T0,
      to: T0 + 60_000,
      stepSeconds: 15,
    });
    expect(f.calls[2]).toMatch(/^\/api\/v1\/query_range\?.*step=15/);
  });

  it('keeps at most four queries in flight, and turns a hung request into a typed timeout', async () => {
    let inFlight = 0;
    let most = 0;
    const names = Array.from({ length: 12 }, (_, i) => `g${i}_bytes`);
    const f: FetchFn = async (input, init) => {
      const u = new URL(input);
      if (u.pathname === '/api/v1/label/__name__/values')
        return { ok: true, status: 200, text: async () => JSON.stringify({ status: 'success', data: names }) };
      if (u.pathname === '/api/v1/metadata')
        return { ok: true, status: 200, text: async () => JSON.stringify({ status: 'success', data: {} }) };
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      if (new URLSearchParams(init?.body).get('query')?.startsWith('g11_')) {
        // This one hangs until the caller's timeout aborts it.
        await new Promise((_r, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)),
        );
      }
      return {
        ok: true,
        status: 200,
        text: async () => JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }),
      };
    };
    const err = await new PrometheusSource({ url: 'http://prom', fetch: f, serviceLabel: 'service', timeoutMs: 200 })
      .metrics({ from: T0, to: T0 + 600_000 })
      .catch((e: unknown) => e);
    expect(most).toBe(4);
    expect(err).toBeInstanceOf(PrometheusQueryError);
    expect(err).toMatchObject({ errorType: 'timeout', userMessage: expect.stringContaining('timed out after 200 ms') });
  });

  it('asks the server for its label names once in five minutes, and again after a failure', async () => {
    let now = T0;
    let fail = false;
    const f = fakeFetch((p) => {
      if (p === '/api/v1/labels')
        return fail
          ? { status: 503, body: 'unavailable' }
          : { status: 200, body: { status: 'success', data: ['__name__', 'job', 'service'] } };
      return { status: 200, body: { status: 'success', data: ['api'] } };
    });
    const src = new PrometheusSource({ url: 'http://prom', fetch: f, now: () => now });
    const asked = () => f.calls.filter((c) => c.startsWith('/api/v1/labels?')).length;
    await src.capabilities();
    await src.capabilities();
    now += 4 * 60_000;
    expect((await src.capabilities()).services).toEqual(['api']);
    expect(asked()).toBe(1);
    now += 2 * 60_000;
    fail = true;
    await expect(src.capabilities()).rejects.toBeInstanceOf(PrometheusQueryError);
    fail = false;
    expect((await src.capabilities()).services).toEqual(['api']);
    expect(asked()).toBe(3);
  });

  it('turns an error envelope into a typed error with errorType and message', async () => {
    const f = fakeFetch(() => ({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: 'invalid parameter "start"' },
    }));
    const err = await new PrometheusSource({ url: 'http://prom', fetch: f })
      .metrics({ from: 0, to: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusQueryError);
    expect(err).toMatchObject({
      errorType: 'bad_data',
      userMessage: 'Prometheus refused the query (bad_data): invalid parameter "start"',
    });
  });

  it('reports a non-JSON answer (a proxy page) by HTTP status', async () => {
    const f = fakeFetch(() => ({ status: 502, body: '<html>Bad Gateway</html>' }));
    await expect(new PrometheusSource({ url: 'http://prom', fetch: f }).capabilities()).rejects.toMatchObject({
      errorType: 'http_502',
    });
  });

  it('has no logs, changes, topology or clock', async () => {
    const src = new PrometheusSource({ url: 'http://prom', fetch: fakeFetch(() => ({ status: 500, body: '' })) });
    const logs: unknown[] = [];
    for await (const e of src.logs({ from: 0, to: 1 })) logs.push(e);
    expect([logs, await src.changes({ from: 0, to: 1 }), await src.topology(), await src.clock()]).toEqual([
      [],
      [],
      null,
      null,
    ]);
  });
});

describe('inferShape', () => {
  const names = new Set(['lat_seconds_bucket', 'lat_seconds_sum', 'db_seconds', 'db_seconds_sum']);
  it.each([
    ['lat_seconds_bucket', { le: '0.1' }, { family: 'lat_seconds', type: 'histogram', unit: 'seconds' }],
    ['lat_seconds_sum', {}, { family: 'lat_seconds', type: 'histogram', unit: 'seconds' }],
    ['db_seconds', { quantile: '0.99' }, { family: 'db_seconds', type: 'summary', unit: 'seconds' }],
    ['db_seconds_sum', {}, { family: 'db_seconds', type: 'summary', unit: 'seconds' }],
    ['process_cpu_seconds_total', {}, { family: 'process_cpu_seconds', type: 'counter', unit: 'seconds' }],
    ['queue_depth', {}, { family: 'queue_depth', type: 'gauge' }],
  ])('reads %s by the naming conventions', (name, labels, shape) => {
    expect(inferShape(name, labels, names)).toEqual(shape);
  });
});

// The Prometheus source against a real Prometheus built from OpenMetrics files: queried as it is run
// (query_range with a step from the window, server-side rate() and histogram_quantile()), giving the
// analyzers the same signals as the files source over the same files; behind basic auth (Prometheus's
// own web config) and behind a bearer-token gateway; with the service under another label, and named
// as the files name it where series carry only a pod (cAdvisor), OTel's `service_name` or a job.

import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { deriveSignals } from '../../../src/evidence/analyzers/signals';
import { openFilesSource } from '../../../src/evidence/sources/files';
import { PrometheusSource } from '../../../src/evidence/sources/prometheus';
import { PrometheusQueryError } from '../../../src/evidence/sources/errors';
import { startPrometheusFromOpenMetrics } from '../../helpers/prometheus';
import { PROMETHEUS, describeWithService } from '../../helpers/services';
import { startBearerProxy } from '../../support/bearer-proxy';

const FIXTURE = path.resolve(__dirname, '../../fixtures/openmetrics/small.prom');
const SCENARIO = path.resolve(__dirname, '../../../examples/scenarios/checkout-latency/metrics');
/** bcrypt (cost 10) of 'contract-pass', as Prometheus's web config wants it. */
const BCRYPT_CONTRACT_PASS = '$2b$10$abcdefghijklmnopqrstuuykl88PHhDSWy1942MzxxNMoWSrz1gae';

/** The global fetch, recording each query_range's parameters (from the URL or a form body), every path and URL asked. */
function recordingFetch(): { fetch: typeof fetch; ranges: URLSearchParams[]; paths: string[]; urls: string[] } {
  const ranges: URLSearchParams[] = [];
  const paths: string[] = [];
  const urls: string[] = [];
  const f: typeof fetch = (input, init) => {
    const u = new URL(String(input));
    urls.push(String(input));
    paths.push(`${init?.method ?? 'GET'} ${u.pathname}`);
    if (u.pathname === '/api/v1/query_range')
      ranges.push(typeof init?.body === 'string' ? new URLSearchParams(init.body) : u.searchParams);
    return fetch(input, init);
  };
  return { fetch: f, ranges, paths, urls };
}

async function window(files: string[]): Promise<{ from: number; to: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'incident-scout-files-'));
  try {
    await mkdir(path.join(dir, 'metrics'));
    for (const f of files) await cp(f, path.join(dir, 'metrics', path.basename(f)));
    const times = (await openFilesSource(dir).metrics({ from: 0, to: 8.64e15 })).flatMap((s) =>
      s.points.map((p) => p[0]),
    );
    return { from: Math.min(...times), to: Math.max(...times) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Signal keys of the files source and of Prometheus over the same files, and the query_range requests made. */
async function compare(
  promFiles: string[],
): Promise<{ files: string[]; prom: string[]; ranges: URLSearchParams[]; q: { from: number; to: number } }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'incident-scout-files-'));
  const prom = await startPrometheusFromOpenMetrics(promFiles);
  try {
    await mkdir(path.join(dir, 'metrics'));
    for (const f of promFiles) await cp(f, path.join(dir, 'metrics', path.basename(f)));
    const q = await window(promFiles);
    const rec = recordingFetch();
    const source = new PrometheusSource({ url: prom.url, fetch: rec.fetch });
    const keys = (list: ReturnType<typeof deriveSignals>) =>
      list
        .filter((s) => s.points.length > 0)
        .map((s) => s.key)
        .sort();
    return {
      files: keys(deriveSignals(await openFilesSource(dir).metrics(q))),
      prom: keys(deriveSignals(await source.metrics(q))),
      ranges: rec.ranges,
      q,
    };
  } finally {
    await prom.close();
    await rm(dir, { recursive: true, force: true });
  }
}

// Runs when prometheus and promtool are installed; else skipped with one line (fails under CI=true).
describeWithService(PROMETHEUS, 'Prometheus source against a real Prometheus', () => {
  it('asks for server-side rates and quantiles over a step from the window, giving the signals the files give', async () => {
    const r = await compare([FIXTURE]);
    expect(r.prom).toEqual(r.files);
    expect(r.prom.length).toBeGreaterThan(5);
    const queries = r.ranges.map((p) => p.get('query') ?? '');
    // Nothing asked by service: every series of a metric, named afterwards.
    expect(queries).toContainEqual(expect.stringMatching(/^rate\(http_requests_total\[\d+s\]\)$/));
    expect(queries).toContainEqual(
      expect.stringMatching(/^histogram_quantile\(0\.99, rate\(http_request_duration_seconds_bucket\[\d+s\]\)\)$/),
    );
    expect(queries).toContainEqual('cache_hit_ratio');
    for (const p of r.ranges) {
      const points = (Number(p.get('end')) - Number(p.get('start'))) / Number(p.get('step'));
      expect(points).toBeGreaterThanOrEqual(300);
      expect(points).toBeLessThanOrEqual(1000);
    }
  });

  it('gives the signals the files give over the example scenario', async () => {
    const files = (await readdir(SCENARIO)).filter((f) => f.endsWith('.prom')).map((f) => path.join(SCENARIO, f));
    const r = await compare(files);
    expect(r.prom).toEqual(r.files);
    expect(r.prom.length).toBeGreaterThan(10);
  });

  it('turns a PromQL error into a typed error with Prometheus’ message', async () => {
    const prom = await startPrometheusFromOpenMetrics([FIXTURE]);
    try {
      const source = new PrometheusSource({ url: prom.url, fetch, serviceLabel: 'bad label' });
      const err = await source.metrics({ from: 0, to: 1000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PrometheusQueryError);
      expect((err as PrometheusQueryError).errorType).toBe('bad_data');
      expect((err as PrometheusQueryError).userMessage).toMatch(/parse error/);
    } finally {
      await prom.close();
    }
  });

  it('reads a Prometheus behind its basic auth, and names a refusal without the password', async () => {
    const prom = await startPrometheusFromOpenMetrics([FIXTURE], {
      webConfig: `basic_auth_users:\n  scout: ${BCRYPT_CONTRACT_PASS}\n`,
    });
    try {
      const q = await window([FIXTURE]);
      const ok = new PrometheusSource({
        url: prom.url,
        fetch,
        basic: { username: 'scout', password: 'contract-pass' },
      });
      expect((await ok.capabilities()).services).toEqual(['api', 'db']);
      expect((await ok.metrics({ ...q, services: ['db'] })).length).toBeGreaterThan(0);
      const wrong = new PrometheusSource({
        url: prom.url,
        fetch,
        basic: { username: 'scout', password: 'not-the-pass-93kd' },
      });
      const err = await wrong.metrics(q).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PrometheusQueryError);
      expect((err as PrometheusQueryError).errorType).toBe('http_401');
      expect(JSON.stringify(err) + String(err)).not.toContain('not-the-pass-93kd');
    } finally {
      await prom.close();
    }
  });

  it('reads a Prometheus behind a bearer-token gateway; without the token it gets a typed 401', async () => {
    const prom = await startPrometheusFromOpenMetrics([FIXTURE]);
    const gateway = await startBearerProxy(prom.url, 'prom-gateway-token-7731');
    try {
      const q = await window([FIXTURE]);
      const ok = new PrometheusSource({ url: gateway.url, fetch, token: 'prom-gateway-token-7731' });
      expect((await ok.metrics(q)).map((s) => s.service)).toEqual(expect.arrayContaining(['api', 'db']));
      expect(gateway.refused).toBe(0);
      const err = await new PrometheusSource({ url: gateway.url, fetch }).metrics(q).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'prometheus_error', errorType: 'http_401' });
      expect(gateway.refused).toBeGreaterThan(0);
    } finally {
      await gateway.close();
      await prom.close();
    }
  });

  it('names services as the files do where series carry only a pod, OTel’s service_name or a job', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'incident-scout-naming-'));
    const t0 = 1_795_747_800;
    const series: Array<[string, string]> = [
      // Application metrics under `service`.
      ['http_requests_total', 'service="cart",code="200",job="kubernetes-pods",pod="cart-7c9f8d6b5d-x2k4q"'],
      ['http_requests_total', 'service="web",code="200",job="kubernetes-pods",pod="web-6b8d9c7f5b-q7w2z"'],
      // cAdvisor: only the pod (a Deployment's and a StatefulSet's) and the kubelet's job.
      [
        'container_memory_working_set_bytes',
        'namespace="prod",pod="cart-7c9f8d6b5d-x2k4q",container="main",job="kubelet"',
      ],
      ['container_memory_working_set_bytes', 'namespace="prod",pod="orders-db-0",container="postgres",job="kubelet"'],
      // OTel's Prometheus exporter: service_name, and a job alone.
      ['queue_depth', 'service_name="worker",job="otel-collector"'],
      ['jobs_processed_total', 'job="billing"'],
      // Istio: each end's view, on the reporting pod.
      [
        'istio_requests_total',
        'reporter="destination",source_workload="web",destination_workload="cart",pod="cart-7c9f8d6b5d-x2k4q",job="envoy"',
      ],
      [
        'istio_requests_total',
        'reporter="source",source_workload="web",destination_workload="cart",pod="web-6b8d9c7f5b-q7w2z",job="envoy"',
      ],
    ];
    const lines = ['# TYPE http_requests counter', '# TYPE jobs_processed counter', '# TYPE istio_requests counter'];
    lines.push('# TYPE container_memory_working_set_bytes gauge', '# TYPE queue_depth gauge');
    for (let s = 0; s <= 1800; s += 15)
      series.forEach(([name, labels], i) => lines.push(`${name}{${labels}} ${s * (i + 1)} ${t0 + s}`));
    await mkdir(path.join(dir, 'metrics'));
    const file = path.join(dir, 'metrics', 'naming.prom');
    await writeFile(file, `${lines.join('\n')}\n# EOF\n`);
    const prom = await startPrometheusFromOpenMetrics([file]);
    try {
      const files = openFilesSource(dir);
      const rec = recordingFetch();
      const source = new PrometheusSource({ url: prom.url, fetch: rec.fetch });
      const services = ['billing', 'cart', 'orders-db', 'web', 'worker'];
      expect((await files.capabilities()).services).toEqual(services);
      expect((await source.capabilities()).services).toEqual(services);
      const q = { from: t0 * 1000, to: (t0 + 1800) * 1000 };
      const signals = async (src: typeof files | PrometheusSource, asked?: string[]) =>
        deriveSignals(await src.metrics(asked ? { ...q, services: asked } : q))
          .filter((s) => s.points.length > 0)
          .map((s) => `${s.service} ${s.key}`)
          .sort();
      const all = await signals(source);
      expect(all).toEqual(await signals(files));
      expect(new Set(all.map((k) => k.split(' ')[0]))).toEqual(new Set(services));
      // Asked for some services, each is found by whichever label names it, and only it.
      for (const asked of [['cart'], ['orders-db', 'worker'], ['billing', 'web']]) {
        rec.ranges.length = 0;
        const some = await signals(source, asked);
        expect(some).toEqual(await signals(files, asked));
        expect(new Set(some.map((k) => k.split(' ')[0]))).toEqual(new Set(asked));
        // One query per metric name, its selectors joined by `or`.
        const queries = rec.ranges.map((p) => p.get('query') ?? '');
        expect(new Set(queries).size).toBe(queries.length);
        expect(queries.length).toBeLessThanOrEqual(5);
      }
      // Asked for a hundred services (a wide incident), the queries are too long for a URL behind most proxies:
      // they go as form posts, which Prometheus answers like the short ones, and no URL passes 8 KiB.
      rec.ranges.length = 0;
      const many = [...Array.from({ length: 100 }, (_, i) => `checkout-shard-${i}-of-a-long-service-name`), 'cart'];
      expect(await signals(source, many)).toEqual(await signals(files, ['cart']));
      expect(Math.max(...rec.ranges.map((p) => p.toString().length))).toBeGreaterThan(8192);
      expect(rec.paths.filter((p) => p.endsWith('/api/v1/query_range')).every((p) => p.startsWith('POST'))).toBe(true);
      expect(Math.max(...rec.urls.map((u) => u.length))).toBeLessThan(8192);
      // The server's label names were asked once for all of the above.
      expect(rec.paths.filter((p) => p.endsWith('/api/v1/labels'))).toHaveLength(1);
      // A link selects the service by the label that named it on that metric: cart is `service` on its
      // own metrics and a pod on cAdvisor's.
      const expr = (name: string, read: 'raw' | 'rate') =>
        new URL(source.link({ signal: 'metrics', service: 'cart', name, read, ...q }) ?? '').searchParams.get(
          'g0.expr',
        );
      expect(expr('container_memory_working_set_bytes', 'raw')).toBe(
        'container_memory_working_set_bytes{pod=~"(?:cart)(?:-.+)?"}',
      );
      expect(expr('http_requests_total', 'rate')).toBe(
        'sum without (instance) (rate(http_requests_total{service="cart"}[5m]))',
      );
    } finally {
      await prom.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds the service under job when there is no service label', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'incident-scout-job-'));
    const t0 = 1_795_747_800;
    const lines = ['# TYPE queue_depth gauge'];
    for (let s = 0; s <= 1800; s += 15) lines.push(`queue_depth{job="worker"} ${s % 5} ${t0 + s}`);
    await writeFile(path.join(dir, 'job.prom'), `${lines.join('\n')}\n# EOF\n`);
    const prom = await startPrometheusFromOpenMetrics([path.join(dir, 'job.prom')]);
    try {
      const source = new PrometheusSource({ url: prom.url, fetch });
      expect((await source.capabilities()).services).toEqual(['worker']);
      const series = await source.metrics({ from: t0 * 1000, to: (t0 + 1800) * 1000, services: ['worker'] });
      expect(series.map((s) => [s.name, s.service])).toEqual([['queue_depth', 'worker']]);
      expect(
        source.link({
          signal: 'metrics',
          service: 'worker',
          name: 'queue_depth',
          read: 'raw',
          from: t0 * 1000,
          to: (t0 + 1800) * 1000,
        }),
      ).toContain(encodeURIComponent('queue_depth{job="worker"}'));
    } finally {
      await prom.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

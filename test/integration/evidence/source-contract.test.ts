// Every registered evidence source passes the same contract (test/support/source-contract.ts), each over
// its real backend or a faithful local one: files on disk, a real Prometheus backfilled with promtool
// (skipped with one line when it is not installed, failing under CI=true), and the Loki, Kubernetes,
// GitHub, Tempo and Jaeger fakes.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GitHubSource } from '../../../src/evidence/sources/github';
import { filesDefinition, FilesSource, openFilesSource } from '../../../src/evidence/sources/files';
import { githubDefinition } from '../../../src/evidence/sources/github';
import { kubeApi } from '../../../src/evidence/sources/kubernetes-api';
import { KubernetesSource, kubernetesDefinition } from '../../../src/evidence/sources/kubernetes';
import { LokiSource, lokiDefinition } from '../../../src/evidence/sources/loki';
import { PrometheusSource, prometheusDefinition } from '../../../src/evidence/sources/prometheus';
import { startFakeLoki } from '../../support/loki-fake';
import { JaegerSource, jaegerDefinition } from '../../../src/evidence/sources/jaeger';
import { TempoSource, tempoDefinition } from '../../../src/evidence/sources/tempo';
import { startJaegerFake } from '../../support/jaeger-fake';
import { startTempoFake, type FakeTrace } from '../../support/tempo-fake';
import { startPrometheusFromOpenMetrics } from '../../helpers/prometheus';
import { PROMETHEUS, describeWithService } from '../../helpers/services';
import { freePort } from '../../helpers/spawn-app';
import { startGitHubFake } from '../../support/github-fake';
import { startKubernetesFake } from '../../support/kubernetes-fake';
import { iso, pod, replicaSet, deployment, warningEvent } from '../../support/kubernetes-fake/objects';
import { buildSource } from '../../support/source-config';
import { describeSourceContract, type ContractSubject } from '../../support/source-contract';

const T0 = Date.UTC(2026, 10, 27, 3, 0, 0);
const min = (m: number): number => T0 + m * 60_000;
/** Data runs from T0 to T0+70m; the incident clock of the files is T0+50m; contracts read T0+5m..T0+50m. */
const WINDOW = { from: min(5), to: min(50) };
const SECRET = 'contract-secret-token-5f2c9a';
const minutes = Array.from({ length: 71 }, (_, i) => i);

/** OpenMetrics for two services: a request counter and a gauge every 15 s for 70 minutes. */
function openMetrics(): string {
  const lines = ['# TYPE http_requests counter', '# TYPE queue_depth gauge'];
  for (const service of ['api', 'db']) {
    for (let s = 0; s <= 70 * 60; s += 15) {
      const t = (T0 / 1000 + s).toFixed(0);
      lines.push(`http_requests_total{service="${service}",status="200"} ${s * 10} ${t}`);
      lines.push(`queue_depth{service="${service}"} ${s % 7} ${t}`);
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

async function scenarioDir(opts: { brokenMetrics?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'incident-scout-contract-'));
  for (const sub of ['logs', 'metrics']) await mkdir(path.join(dir, sub));
  await writeFile(path.join(dir, 'incident.yaml'), `title: contract\nstarted_at: ${new Date(min(50)).toISOString()}\n`);
  const log = (service: string): string =>
    minutes.map((m) => `${new Date(min(m)).toISOString()} ERROR ${service} request ${m} failed: timeout\n`).join('');
  await writeFile(path.join(dir, 'logs', 'api.log'), log('api'));
  await writeFile(path.join(dir, 'logs', 'db.log'), log('db'));
  await writeFile(
    path.join(dir, 'metrics', 'all.prom'),
    opts.brokenMetrics ? 'this is { not openmetrics\n' : openMetrics(),
  );
  await writeFile(
    path.join(dir, 'changes.jsonl'),
    [
      { id: 'c1', time: new Date(min(10)).toISOString(), service: 'api', kind: 'deploy', summary: 'api v2' },
      { id: 'c2', time: new Date(min(30)).toISOString(), service: 'db', kind: 'config', summary: 'pool 4' },
      { id: 'c3', time: new Date(min(60)).toISOString(), service: 'api', kind: 'deploy', summary: 'after the clock' },
    ]
      .map((c) => JSON.stringify(c))
      .join('\n') + '\n',
  );
  await writeFile(
    path.join(dir, 'topology.yaml'),
    'services:\n  - {name: api, kind: service, calls: [db]}\n  - {name: db, kind: db, calls: []}\n',
  );
  return dir;
}

/** A URL nothing listens on. */
async function closedUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const lokiStreams = (): Parameters<typeof startFakeLoki>[0] =>
  ['api', 'db'].map((service) => ({
    labels: { service_name: service, detected_level: 'error' },
    entries: minutes.map((m) => [ns(min(m)), `level=error msg="request ${m} failed: timeout"`] as [string, string]),
  }));

describeSourceContract(
  'files',
  async (): Promise<ContractSubject> => {
    const dir = await scenarioDir();
    const brokenDir = await scenarioDir({ brokenMetrics: true });
    return {
      source: openFilesSource(dir),
      window: WINDOW,
      service: 'api',
      broken: () => new FilesSource(brokenDir),
      close: async () => {
        await rm(dir, { recursive: true, force: true });
        await rm(brokenDir, { recursive: true, force: true });
      },
    };
  },
  { definitions: [filesDefinition] },
);

describeSourceContract(
  'loki',
  async (): Promise<ContractSubject> => {
    const loki = await startFakeLoki(lokiStreams());
    const closed = await closedUrl();
    return {
      source: new LokiSource({ url: loki.url, fetch }),
      window: WINDOW,
      service: 'api',
      broken: () => new LokiSource({ url: closed, fetch, token: SECRET, timeoutMs: 2_000 }),
      secret: SECRET,
      close: () => loki.close(),
    };
  },
  { definitions: [lokiDefinition] },
);

describeSourceContract(
  'composite of files and Loki',
  async (): Promise<ContractSubject> => {
    const dir = await scenarioDir();
    const loki = await startFakeLoki(lokiStreams());
    const closed = await closedUrl();
    return {
      source: buildSource({ dir, lokiUrl: loki.url }),
      window: WINDOW,
      service: 'api',
      broken: () => buildSource({ dir, lokiUrl: closed, lokiToken: SECRET }),
      secret: SECRET,
      close: async () => {
        await loki.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
  { definitions: [filesDefinition, lokiDefinition] },
);

describeSourceContract(
  'kubernetes',
  async (): Promise<ContractSubject> => {
    const k = await startKubernetesFake();
    k.fake.add('/apis/apps/v1/deployments', deployment('prod', 'api', { image: 'registry/api:2' }));
    k.fake.add(
      '/apis/apps/v1/replicasets',
      replicaSet('prod', 'api', '6f7d8c9b5', 1, min(-600), 'registry/api:1'),
      replicaSet('prod', 'api', '7d9f8c6b5', 2, min(20), 'registry/api:2'),
    );
    k.fake.add(
      '/api/v1/pods',
      pod('prod', 'api-7d9f8c6b5', 'x2k9p', 'api', {
        phase: 'Running',
        conditions: [
          { type: 'Ready', status: 'False', lastTransitionTime: iso(min(25)), reason: 'ContainersNotReady' },
        ],
        containerStatuses: [
          { name: 'api', ready: false, restartCount: 1, state: { running: { startedAt: iso(min(26)) } } },
        ],
      }),
    );
    k.fake.add(
      '/api/v1/events',
      warningEvent(
        'prod',
        'Pod',
        'api-7d9f8c6b5-x2k9p',
        'BackOff',
        'Back-off restarting failed container api',
        min(30),
      ),
      warningEvent('prod', 'Pod', 'api-7d9f8c6b5-x2k9p', 'Unhealthy', 'Readiness probe failed', min(2)),
    );
    const closed = await closedUrl();
    return {
      source: new KubernetesSource({ api: kubeApi({ server: k.url, token: k.fake.token }), namespaces: ['prod'] }),
      window: WINDOW,
      service: 'api',
      broken: () => new KubernetesSource({ api: kubeApi({ server: closed, token: SECRET }), namespaces: ['prod'] }),
      secret: SECRET,
      close: () => k.close(),
    };
  },
  { definitions: [kubernetesDefinition] },
);

describeSourceContract(
  'github',
  async (): Promise<ContractSubject> => {
    const gh = await startGitHubFake();
    const repo = gh.fake.repo('acme/api');
    repo.deployments.push(
      { id: 2, sha: 'b'.repeat(40), ref: 'v2', environment: 'production', created_at: iso(min(20)), creator: 'dana' },
      { id: 1, sha: 'a'.repeat(40), ref: 'v1', environment: 'production', created_at: iso(min(-600)), creator: 'lee' },
    );
    repo.pulls.push({
      number: 7,
      title: 'Raise the timeout',
      user: 'sam',
      merged_at: iso(min(8)),
      updated_at: iso(min(8)),
      base: 'main',
      additions: 1,
      deletions: 1,
      changed_files: 1,
    });
    return {
      source: new GitHubSource({ apiUrl: gh.url, token: gh.fake.token, repos: { api: 'acme/api' } }),
      window: WINDOW,
      service: 'api',
      broken: () => new GitHubSource({ apiUrl: gh.url, token: SECRET, repos: { api: 'acme/api' } }),
      secret: SECRET,
      close: () => gh.close(),
    };
  },
  { definitions: [githubDefinition] },
);

/** One api -> db request a minute, T0 to T0+70m. */
function traces(): FakeTrace[] {
  return minutes.map((m) => {
    const traceId = (0xc0de0000 + m).toString(16).padStart(32, '0');
    const id = (k: number): string => (m * 4 + k).toString(16).padStart(16, '0');
    return {
      traceId,
      spans: [
        {
          traceId,
          spanId: id(1),
          service: 'api',
          name: 'GET /orders',
          kind: 'server',
          startMs: min(m),
          durationMs: 20,
        },
        {
          traceId,
          spanId: id(2),
          parentSpanId: id(1),
          service: 'api',
          name: 'SELECT',
          kind: 'client',
          startMs: min(m) + 1,
          durationMs: 15,
          peer: 'db',
        },
        {
          traceId,
          spanId: id(3),
          parentSpanId: id(2),
          service: 'db',
          name: 'query',
          kind: 'server',
          startMs: min(m) + 2,
          durationMs: 12,
        },
      ],
    };
  });
}

describeSourceContract(
  'tempo',
  async (): Promise<ContractSubject> => {
    const tempo = await startTempoFake();
    tempo.fake.traces.push(...traces());
    tempo.fake.token = 'tempo-contract-token';
    return {
      source: new TempoSource({ url: tempo.url, fetch, token: 'tempo-contract-token', limits: { maxTraces: 1_000 } }),
      window: WINDOW,
      service: 'api',
      broken: () => new TempoSource({ url: tempo.url, fetch, token: SECRET }),
      secret: SECRET,
      close: () => tempo.close(),
    };
  },
  { definitions: [tempoDefinition] },
);

describeSourceContract(
  'jaeger',
  async (): Promise<ContractSubject> => {
    const jaeger = await startJaegerFake();
    jaeger.fake.traces.push(...traces());
    const closed = await closedUrl();
    return {
      source: new JaegerSource({ url: jaeger.url, fetch, limits: { maxTraces: 1_000 } }),
      window: WINDOW,
      service: 'api',
      broken: () => new JaegerSource({ url: closed, fetch, token: SECRET, limits: { timeoutMs: 2_000 } }),
      secret: SECRET,
      close: () => jaeger.close(),
    };
  },
  { definitions: [jaegerDefinition] },
);

describeWithService(PROMETHEUS, 'over a real Prometheus', () => {
  describeSourceContract(
    'prometheus',
    async (): Promise<ContractSubject> => {
      const dir = await mkdtemp(path.join(tmpdir(), 'incident-scout-contract-prom-'));
      await writeFile(path.join(dir, 'all.prom'), openMetrics());
      const prom = await startPrometheusFromOpenMetrics([path.join(dir, 'all.prom')]);
      const closed = await closedUrl();
      return {
        source: new PrometheusSource({ url: prom.url, fetch }),
        window: WINDOW,
        service: 'api',
        broken: () =>
          new PrometheusSource({ url: closed, fetch, token: SECRET, serviceLabel: 'service', timeoutMs: 2_000 }),
        secret: SECRET,
        close: async () => {
          await prom.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
    { definitions: [prometheusDefinition] },
  );
});

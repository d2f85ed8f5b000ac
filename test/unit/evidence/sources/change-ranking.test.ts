// A Kubernetes rollout or a GitHub deployment is an ordinary change to the deterministic ranking: the one
// right before the onset, on the service whose signals moved, comes first.
import { analyze } from '../../../../src/evidence/analyze';
import { CompositeSource } from '../../../../src/evidence/sources/composite';
import { GitHubSource } from '../../../../src/evidence/sources/github';
import { KubernetesSource } from '../../../../src/evidence/sources/kubernetes';
import { kubeApi } from '../../../../src/evidence/sources/kubernetes-api';
import type { EvidenceSource, MetricSeries } from '../../../../src/evidence/types';
import { startGitHubFake } from '../../../support/github-fake';
import { startKubernetesFake } from '../../../support/kubernetes-fake';
import { deployment, iso, replicaSet } from '../../../support/kubernetes-fake/objects';

const ONSET = Date.UTC(2026, 11, 7, 2, 50);
const NOW = ONSET + 20 * 60_000;
const min = (m: number): number => ONSET + m * 60_000;

/** Metrics only: payments' latency jumps at the onset, checkout and notifications stay flat. */
function metricsSource(): EvidenceSource {
  const series = (service: string, f: (m: number) => number): MetricSeries => ({
    name: `${service}_latency_p99_seconds`,
    family: `${service}_latency_p99_seconds`,
    type: 'gauge',
    service,
    labels: { service },
    unit: 'seconds',
    points: Array.from({ length: 200 }, (_, i) => [min(-80) + i * 30_000, f(-80 + i / 2)] as [number, number]),
  });
  const metrics = [
    series('payments', (m) => (m >= 0 ? 2.1 + (m % 2) * 0.1 : 0.1 + (Math.abs(m) % 3) * 0.01)),
    series('checkout', (m) => 0.2 + (Math.abs(m) % 3) * 0.01),
    series('notifications', (m) => 0.05 + (Math.abs(m) % 3) * 0.005),
  ];
  return {
    name: 'metrics',
    capabilities: async () => ({
      signals: ['metrics'],
      services: ['checkout', 'notifications', 'payments'],
      labels: ['service'],
    }),
    clock: async () => NOW,
    incident: async () => null,
    logs: async function* () {},
    metrics: async () => metrics,
    changes: async () => [],
    topology: async () => null,
    problems: () => [],
  };
}

let k: Awaited<ReturnType<typeof startKubernetesFake>>;
let gh: Awaited<ReturnType<typeof startGitHubFake>>;

beforeEach(async () => {
  k = await startKubernetesFake();
  gh = await startGitHubFake();
  k.fake.add(
    '/apis/apps/v1/deployments',
    deployment('prod', 'checkout', {
      image: 'registry/checkout:2.0.1',
      managers: [{ manager: 'argocd-controller', at: min(-6) }],
    }),
  );
  k.fake.add(
    '/apis/apps/v1/replicasets',
    replicaSet('prod', 'checkout', '5c4b3a2f1', 3, min(-300), 'registry/checkout:2.0.0'),
    replicaSet('prod', 'checkout', '6d5c4b3a2', 4, min(-6), 'registry/checkout:2.0.1'),
  );
  gh.fake.repo('acme/notifications').deployments.push({
    id: 77,
    sha: 'beef00112233',
    ref: 'v1.8.3',
    environment: 'production',
    created_at: iso(min(-1)),
    creator: 'kim',
  });
  gh.fake.repo('acme/payments');
});

afterEach(async () => {
  await k.close();
  await gh.close();
});

function composite(): EvidenceSource {
  return new CompositeSource([
    metricsSource(),
    new KubernetesSource({ api: kubeApi({ server: k.url, token: k.fake.token }), namespaces: ['prod'] }),
    new GitHubSource({
      apiUrl: gh.url,
      token: gh.fake.token,
      repos: { notifications: 'acme/notifications', payments: 'acme/payments' },
    }),
  ]);
}

it('ranks a Kubernetes rollout of the anomalous service first, ahead of closer changes elsewhere', async () => {
  k.fake.add(
    '/apis/apps/v1/deployments',
    deployment('prod', 'payments', {
      image: 'registry/payments:1.4.3',
      managers: [{ manager: 'kubectl-set', at: min(-2) }],
    }),
  );
  k.fake.add(
    '/apis/apps/v1/replicasets',
    replicaSet('prod', 'payments', '6f7d8c9b5', 6, min(-600), 'registry/payments:1.4.2'),
    replicaSet('prod', 'payments', '7d9f8c6b5', 7, min(-2), 'registry/payments:1.4.3'),
  );
  const report = await analyze(composite(), { onset: ONSET, now: NOW });
  expect(report.changes.map((c) => c.change.id).slice(0, 3)).toEqual([
    'k8s:prod/deployment/payments@7',
    'gh:acme/notifications/deployment/77',
    'k8s:prod/deployment/checkout@4',
  ]);
  expect(report.changes[0]?.change.author).toBe('kubectl-set');
  expect(report.suspects[0]).toMatchObject({ service: 'payments', change: 'k8s:prod/deployment/payments@7' });
});

it('ranks a GitHub deployment of the anomalous service first', async () => {
  gh.fake.repo('acme/payments').deployments.push({
    id: 501,
    sha: 'abc1234def5678',
    ref: 'v4.2.0',
    environment: 'production',
    created_at: iso(min(-3)),
    creator: 'dana',
  });
  const report = await analyze(composite(), { onset: ONSET, now: NOW });
  expect(report.changes[0]?.change).toMatchObject({
    id: 'gh:acme/payments/deployment/501',
    author: 'dana',
    url: expect.stringContaining('/acme/payments/commit/abc1234def5678'),
  });
  expect(report.suspects[0]).toMatchObject({ service: 'payments', change: 'gh:acme/payments/deployment/501' });
});

// The Kubernetes source against the local API server fake: what a person would see of a cluster in
// trouble (OOMKilled restarts, CrashLoopBackOff, warnings, node pressure) and who rolled out what.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { kubeApi, kubeconfigTarget } from '../../../../src/evidence/sources/kubernetes-api';
import { KubernetesSource } from '../../../../src/evidence/sources/kubernetes';
import type { LogEvent } from '../../../../src/evidence/types';
import { startKubernetesFake, type KubernetesFake } from '../../../support/kubernetes-fake';
import { deployment, iso, pod, replicaSet, warningEvent } from '../../../support/kubernetes-fake/objects';

const ONSET = Date.UTC(2026, 11, 7, 2, 50);
const min = (m: number): number => ONSET + m * 60_000;

let k: Awaited<ReturnType<typeof startKubernetesFake>>;
let dir: string;
let source: KubernetesSource;

function seed(fake: KubernetesFake): void {
  fake.add(
    '/apis/apps/v1/deployments',
    deployment('prod', 'payments', {
      image: 'registry/payments:1.4.3',
      configMap: 'payments-config',
      managers: [
        { manager: 'kubectl-set', at: min(-2) + 5_000 },
        { manager: 'helm', at: min(-600) },
      ],
    }),
    deployment('prod', 'checkout', { image: 'registry/checkout:2.0.0' }),
  );
  fake.add(
    '/apis/apps/v1/replicasets',
    replicaSet('prod', 'payments', '6f7d8c9b5', 6, min(-600), 'registry/payments:1.4.2', 'payments-config'),
    replicaSet('prod', 'payments', '7d9f8c6b5', 7, min(-2), 'registry/payments:1.4.3', 'payments-config'),
    replicaSet('prod', 'checkout', '5c4b3a2f1', 3, min(-300), 'registry/checkout:2.0.0'),
  );
  fake.add('/api/v1/configmaps', {
    metadata: {
      name: 'payments-config',
      namespace: 'prod',
      creationTimestamp: iso(min(-1000)),
      managedFields: [
        {
          manager: 'argocd-controller',
          operation: 'Apply',
          apiVersion: 'v1',
          time: iso(min(-9)),
          fieldsType: 'FieldsV1',
        },
      ],
    },
    data: { POOL_SIZE: '4' },
  });
  fake.add(
    '/api/v1/pods',
    pod('prod', 'payments-7d9f8c6b5', 'x2k9p', 'payments', {
      phase: 'Running',
      startTime: iso(min(-2)),
      conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: iso(min(1)), reason: 'ContainersNotReady' }],
      containerStatuses: [
        {
          name: 'payments',
          ready: false,
          restartCount: 3,
          image: 'registry/payments:1.4.3',
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
          lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: iso(min(4)) } },
        },
      ],
    }),
    pod('prod', 'checkout-5c4b3a2f1', 'ab12c', 'checkout', {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(min(-300)) }],
      containerStatuses: [
        { name: 'checkout', ready: true, restartCount: 0, state: { running: { startedAt: iso(min(-300)) } } },
      ],
    }),
  );
  fake.add(
    '/api/v1/events',
    warningEvent(
      'prod',
      'Pod',
      'payments-7d9f8c6b5-x2k9p',
      'BackOff',
      'Back-off restarting failed container payments in pod payments-7d9f8c6b5-x2k9p',
      min(5),
      4,
    ),
    {
      ...warningEvent('prod', 'Pod', 'checkout-5c4b3a2f1-ab12c', 'Pulled', 'Container image already present', min(3)),
      type: 'Normal',
    },
  );
  fake.add('/api/v1/nodes', {
    metadata: { name: 'node-a', labels: { 'kubernetes.io/hostname': 'node-a' } },
    status: {
      conditions: [
        {
          type: 'MemoryPressure',
          status: 'True',
          lastTransitionTime: iso(min(2)),
          reason: 'KubeletHasInsufficientMemory',
          message: 'kubelet has insufficient memory available',
        },
        { type: 'Ready', status: 'True', lastTransitionTime: iso(min(-5000)) },
      ],
    },
  });
}

beforeAll(async () => {
  k = await startKubernetesFake();
  seed(k.fake);
  dir = await mkdtemp(path.join(tmpdir(), 'scout-kube-'));
  await writeFile(path.join(dir, 'config'), k.kubeconfig);
  source = new KubernetesSource({ api: kubeApi(kubeconfigTarget(path.join(dir, 'config'))), namespaces: ['prod'] });
});

afterAll(async () => {
  await k.close();
  await rm(dir, { recursive: true, force: true });
});

async function collect(it: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('Kubernetes source', () => {
  it('reports OOMKilled restarts, CrashLoopBackOff, unready pods, warnings and node pressure, each with its kubectl command', async () => {
    const logs = await collect(source.logs({ from: min(-60), to: min(20) }));
    const text = logs.map((e) => `${e.service} | ${e.text} | ${e.origin}`);
    expect(text).toEqual(
      expect.arrayContaining([
        'payments | WARN pod/payments-7d9f8c6b5-x2k9p not ready (ContainersNotReady) | kubectl -n prod describe pod/payments-7d9f8c6b5-x2k9p',
        'payments | ERROR container payments of pod/payments-7d9f8c6b5-x2k9p is in CrashLoopBackOff: back-off 40s restarting failed container | kubectl -n prod describe pod/payments-7d9f8c6b5-x2k9p',
        'payments | ERROR container payments of pod/payments-7d9f8c6b5-x2k9p restarted (3 restarts): last exit OOMKilled code 137 | kubectl -n prod describe pod/payments-7d9f8c6b5-x2k9p',
        'payments | Warning BackOff pod/payments-7d9f8c6b5-x2k9p: Back-off restarting failed container payments in pod payments-7d9f8c6b5-x2k9p (x4) | kubectl -n prod describe pod/payments-7d9f8c6b5-x2k9p',
        'node/node-a | WARN node/node-a MemoryPressure: kubelet has insufficient memory available | kubectl describe node/node-a',
      ]),
    );
    // Normal events are not asked for (fieldSelector type=Warning); a healthy pod says nothing.
    expect(text.some((t) => t.includes('Pulled') || t.startsWith('checkout'))).toBe(false);
    expect(logs.map((e) => e.ts)).toEqual([...logs.map((e) => e.ts)].sort((a, b) => a - b));
    expect(
      k.fake.requests.some(
        (r) => r.path === '/api/v1/namespaces/prod/events' && r.query.fieldSelector === 'type=Warning',
      ),
    ).toBe(true);
  });

  it('turns ReplicaSet revisions into rollouts with the image change, its author and the rollout-history command', async () => {
    const changes = await source.changes({ from: min(-120), to: min(20) });
    const rollout = changes.find((c) => c.id === 'k8s:prod/deployment/payments@7');
    expect(rollout).toMatchObject({
      service: 'payments',
      kind: 'deploy',
      author: 'kubectl-set',
      time: min(-2),
      version: '1.4.3',
      summary:
        'deployment/payments revision 7 rolled out in prod: image +payments=registry/payments:1.4.3 -payments=registry/payments:1.4.2',
      link: 'kubectl -n prod rollout history deployment/payments --revision=7',
    });
    const config = changes.find((c) => c.kind === 'config');
    expect(config).toMatchObject({
      service: 'payments',
      author: 'argocd-controller',
      time: min(-9),
      summary: 'configmap/payments-config in prod updated (read by deployment/payments)',
      link: 'kubectl -n prod get configmap/payments-config -o yaml --show-managed-fields',
    });
    // ConfigMaps are read as metadata only; revisions outside the window are left out; secrets are never listed.
    expect(
      k.fake.requests
        .filter((r) => r.path.endsWith('/configmaps'))
        .every((r) => r.accept.includes('as=PartialObjectMetadataList')),
    ).toBe(true);
    expect(changes.some((c) => c.id.endsWith('@6') || c.id.includes('checkout'))).toBe(false);
    expect(k.fake.requests.some((r) => r.path.includes('secrets'))).toBe(false);
  });

  it('names the services it sees', async () => {
    expect((await source.capabilities()).services).toEqual(['checkout', 'payments']);
  });
});

describe('Kubernetes API errors', () => {
  it('reports a forbidden list as a named problem and still answers from the rest', async () => {
    const local = await startKubernetesFake();
    try {
      seed(local.fake);
      local.fake.forbid('/api/v1/namespaces/prod/configmaps');
      local.fake.forbid('/api/v1/nodes');
      const src = new KubernetesSource({
        api: kubeApi({ server: local.url, token: local.fake.token }),
        namespaces: ['prod'],
      });
      const changes = await src.changes({ from: min(-120), to: min(20) });
      expect(changes.map((c) => c.id)).toEqual(['k8s:prod/deployment/payments@7']);
      expect(src.problems()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            origin: 'kubernetes /api/v1/namespaces/prod/configmaps',
            problem: expect.stringContaining('forbidden (HTTP 403): grant list on configmaps'),
          }),
          expect.objectContaining({
            origin: 'kubernetes /api/v1/nodes',
            problem: expect.stringContaining('forbidden (HTTP 403)'),
          }),
        ]),
      );
    } finally {
      await local.close();
    }
  });

  it('lists again from the start when a continue token expired (410 Gone), without duplicates', async () => {
    const local = await startKubernetesFake();
    try {
      const many = Array.from({ length: 1203 }, (_, i) =>
        pod('prod', 'batch-5d6f7a8b9', `p${String(i).padStart(4, '0')}`, 'batch', { phase: 'Running' }),
      );
      local.fake.add('/api/v1/pods', ...many);
      local.fake.expireContinue(1);
      const items = await kubeApi({ server: local.url, token: local.fake.token }).list('/api/v1/namespaces/prod/pods');
      expect(items).toHaveLength(1203);
      expect(local.fake.requests.filter((r) => r.status === 410)).toHaveLength(1);
      expect(local.fake.requests.filter((r) => r.status === 200 && !r.query.continue)).toHaveLength(2);
    } finally {
      await local.close();
    }
  });

  it('names an unreachable API server instead of failing the round', async () => {
    const src = new KubernetesSource({
      api: kubeApi({ server: 'http://127.0.0.1:9', token: 't' }),
      namespaces: ['prod'],
    });
    await expect(src.changes({ from: 0, to: min(20) })).resolves.toEqual([]);
    expect(src.problems()).toEqual(
      expect.arrayContaining([
        {
          origin: 'kubernetes /apis/apps/v1/namespaces/prod/replicasets',
          problem: expect.stringContaining('/apis/apps/v1/namespaces/prod/replicasets failed (unreachable)'),
          count: 1,
        },
      ]),
    );
  });

  it('refuses a wrong token with a typed error, not a crash', async () => {
    const src = new KubernetesSource({ api: kubeApi({ server: k.url, token: 'wrong' }), namespaces: ['prod'] });
    await expect(src.changes({ from: 0, to: min(20) })).resolves.toEqual([]);
    expect(src.problems()[0]?.problem).toContain('forbidden (HTTP 401)');
  });
});

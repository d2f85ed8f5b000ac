// Kubernetes as an evidence source: Warning events, pod restarts (OOMKilled...), containers stuck in
// CrashLoopBackOff / ImagePullBackOff, unready pods and node pressure as log events; Deployment
// rollouts (ReplicaSet revisions with their image and ConfigMap/Secret reference changes) and
// ConfigMap updates as changes, with who made them and the kubectl command that shows them.
// Read-only: list calls only (manifests/rbac/kubernetes-read.yaml). A refused list is a named
// problem, not a failure: the other lists still answer.
import type { z } from 'zod';
import type {
  Change,
  EvidenceSource,
  IncidentMeta,
  LogEvent,
  MetricSeries,
  ParseProblem,
  SourceCapabilities,
  TimeQuery,
  Topology,
} from '../types';
import { UsageError } from '../../domain/errors';
import {
  inClusterTarget,
  kubeApi,
  kubeconfigTarget,
  KubernetesApiError,
  KubernetesForbidden,
  type KubeApi,
} from './kubernetes-api';
import type { SourceDefinition } from './registry';
import {
  ConfigMap,
  Deployment,
  KubeEvent,
  Node,
  Pod,
  ReplicaSet,
  configMapChanges,
  eventToLog,
  nodeToLogs,
  podToLogs,
  rolloutChanges,
  serviceOf,
} from './kubernetes-objects';
import { ProblemLog } from './problems';

export interface KubernetesSourceOptions {
  api: KubeApi;
  /** Namespaces to read; `*` for all the credentials may list. */
  namespaces: string[];
  /** Label naming the service (default `app.kubernetes.io/name`, then `app`, then the owner's name). */
  serviceLabel?: string;
  /** How long one set of lists is reused (default 15 s): the tools of one round ask several times. */
  cacheMs?: number;
  now?: () => number;
}

interface Snapshot {
  events: KubeEvent[];
  pods: Pod[];
  replicaSets: ReplicaSet[];
  deployments: Deployment[];
  configMaps: ConfigMap[];
  nodes: Node[];
}

/** Evidence from the Kubernetes API; see the file comment. */
export class KubernetesSource implements EvidenceSource {
  readonly name = 'kubernetes';
  private readonly serviceLabel: string;
  private readonly problemLog = new ProblemLog();
  private cached: { at: number; snap: Promise<Snapshot> } | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: KubernetesSourceOptions) {
    this.serviceLabel = opts.serviceLabel ?? 'app.kubernetes.io/name';
    this.now = opts.now ?? Date.now;
  }

  /** Lists one collection per namespace; a refusal becomes a named problem and an empty list. */
  private async collect<T extends z.ZodType>(
    schema: T,
    group: string,
    resource: string,
    opts: { namespaced: boolean; params?: Record<string, string>; metadataOnly?: boolean },
  ): Promise<Array<z.infer<T>>> {
    const paths =
      !opts.namespaced || this.opts.namespaces.includes('*')
        ? [`${group}/${resource}`]
        : this.opts.namespaces.map((ns) => `${group}/namespaces/${ns}/${resource}`);
    const out: Array<z.infer<T>> = [];
    for (const path of paths) {
      let items: unknown[];
      try {
        items = await this.opts.api.list(path, opts.params, { metadataOnly: opts.metadataOnly ?? false });
      } catch (err) {
        if (err instanceof KubernetesForbidden) {
          this.problemLog.set(
            `kubernetes ${path}`,
            `forbidden (HTTP ${err.status}): grant list on ${resource} (manifests/rbac/kubernetes-read.yaml)`,
            1,
          );
          continue;
        }
        if (!(err instanceof KubernetesApiError)) throw err;
        // Unreachable or failing: named, and the round goes on with the other sources.
        this.problemLog.set(`kubernetes ${path}`, err.message, 1);
        continue;
      }
      this.problemLog.set(`kubernetes ${path}`, 'not a valid object', 0);
      let bad = 0;
      for (const item of items) {
        const parsed = schema.safeParse(item);
        if (parsed.success) out.push(parsed.data as z.infer<T>);
        else bad++;
      }
      if (bad > 0) this.problemLog.set(`kubernetes ${path}`, 'not a valid object', bad);
    }
    return out;
  }

  private snapshot(): Promise<Snapshot> {
    const now = this.now();
    if (this.cached && now - this.cached.at < (this.opts.cacheMs ?? 15_000)) return this.cached.snap;
    const snap = (async (): Promise<Snapshot> => {
      const [events, pods, replicaSets, deployments, configMaps, nodes] = await Promise.all([
        this.collect(KubeEvent, '/api/v1', 'events', { namespaced: true, params: { fieldSelector: 'type=Warning' } }),
        this.collect(Pod, '/api/v1', 'pods', { namespaced: true }),
        this.collect(ReplicaSet, '/apis/apps/v1', 'replicasets', { namespaced: true }),
        this.collect(Deployment, '/apis/apps/v1', 'deployments', { namespaced: true }),
        this.collect(ConfigMap, '/api/v1', 'configmaps', { namespaced: true, metadataOnly: true }),
        this.collect(Node, '/api/v1', 'nodes', { namespaced: false }),
      ]);
      return { events, pods, replicaSets, deployments, configMaps, nodes };
    })();
    this.cached = { at: now, snap };
    snap.catch(() => {
      if (this.cached?.snap === snap) this.cached = null;
    });
    return snap;
  }

  async capabilities(): Promise<SourceCapabilities> {
    const s = await this.snapshot();
    const services = new Set<string>();
    for (const d of s.deployments) services.add(serviceOf(d.metadata, this.serviceLabel));
    for (const p of s.pods) services.add(serviceOf(p.metadata, this.serviceLabel));
    return {
      signals: ['logs', 'changes'],
      services: [...services].sort(),
      labels: ['namespace', 'pod', 'node', 'reason'],
    };
  }

  async clock(): Promise<number | null> {
    return null;
  }

  async incident(): Promise<IncidentMeta | null> {
    return null;
  }

  async *logs(q: TimeQuery): AsyncGenerator<LogEvent> {
    const s = await this.snapshot();
    const podService = new Map(
      s.pods.map((p) => [`${p.metadata.namespace ?? ''}/${p.metadata.name}`, serviceOf(p.metadata, this.serviceLabel)]),
    );
    const all: LogEvent[] = [];
    for (const e of s.events) {
      const ns = e.involvedObject.namespace ?? e.metadata.namespace ?? '';
      const name = e.involvedObject.name ?? '';
      const kind = e.involvedObject.kind ?? '';
      const service =
        kind === 'Node'
          ? `node/${name}`
          : (podService.get(`${ns}/${name}`) ??
            serviceOf({ name, ownerReferences: ownerGuess(kind, name) }, this.serviceLabel));
      const ev = eventToLog(e, service);
      if (ev) all.push(ev);
    }
    for (const p of s.pods) all.push(...podToLogs(p, serviceOf(p.metadata, this.serviceLabel)));
    for (const n of s.nodes) all.push(...nodeToLogs(n));
    const wanted = q.services ? new Set(q.services) : null;
    yield* all
      .filter((e) => e.ts >= q.from && e.ts <= q.to && (!wanted || wanted.has(e.service)))
      .sort((a, b) => a.ts - b.ts);
  }

  async metrics(_q: TimeQuery & { stepSeconds?: number }): Promise<MetricSeries[]> {
    return [];
  }

  async changes(q: TimeQuery): Promise<Change[]> {
    const s = await this.snapshot();
    const deployments = new Map(s.deployments.map((d) => [`${d.metadata.namespace ?? ''}/${d.metadata.name}`, d]));
    const all = [
      ...rolloutChanges(s.replicaSets, deployments, this.serviceLabel),
      ...configMapChanges(s.configMaps, s.deployments, this.serviceLabel),
    ];
    const wanted = q.services ? new Set(q.services) : null;
    return all
      .filter((c) => c.time >= q.from && c.time <= q.to && (!wanted || wanted.has(c.service)))
      .sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
  }

  async topology(): Promise<Topology | null> {
    return null;
  }

  problems(): ParseProblem[] {
    return this.problemLog.list();
  }
}

/** An event about a ReplicaSet or Deployment names its service through its own name. */
function ownerGuess(kind: string, name: string): Array<{ kind: string; name: string }> {
  return kind === 'ReplicaSet' ? [{ kind, name }] : kind === 'Deployment' ? [{ kind, name }] : [];
}

/** Kubernetes (KUBERNETES_NAMESPACES): events and pod states as logs, rollouts and ConfigMap updates as changes. */
export const kubernetesDefinition: SourceDefinition = {
  kind: 'kubernetes',
  title: 'Kubernetes',
  signals: ['logs', 'changes'],
  settings: ['KUBERNETES_NAMESPACES', 'KUBECONFIG', 'kubernetes.context', 'kubernetes.service_label'],
  configure({ kubernetes: k }) {
    if (!k) return null;
    return {
      description: `Kubernetes (${k.namespaces.join(', ')})`,
      open: () => {
        const target = k.kubeconfig
          ? kubeconfigTarget(k.kubeconfig, k.context)
          : k.inCluster
            ? inClusterTarget(k.inCluster.host, k.inCluster.port)
            : null;
        if (!target)
          throw new UsageError(
            'Kubernetes namespaces are set but there is no KUBECONFIG and this is not a pod (no KUBERNETES_SERVICE_HOST)',
          );
        return new KubernetesSource({
          api: kubeApi(target),
          namespaces: [...k.namespaces],
          serviceLabel: k.serviceLabel,
        });
      },
    };
  },
};

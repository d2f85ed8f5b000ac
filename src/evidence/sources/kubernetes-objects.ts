// The parts of Kubernetes objects the source reads (zod, unknown fields dropped), and pure mappings
// from them to log events (warnings, restarts, waiting reasons, readiness, node pressure) and changes
// (rollouts with their image changes, ConfigMap/Secret references, ConfigMap updates).
import { z } from 'zod';
import type { Change, LogEvent } from '../types';

const Time = z.string().nullable().optional();
const ManagedField = z.object({ manager: z.string().optional(), operation: z.string().optional(), time: Time });
const Meta = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  creationTimestamp: Time,
  labels: z.record(z.string(), z.string()).nullable().optional(),
  annotations: z.record(z.string(), z.string()).nullable().optional(),
  ownerReferences: z
    .array(z.object({ kind: z.string(), name: z.string() }))
    .nullable()
    .optional(),
  managedFields: z.array(ManagedField).nullable().optional(),
});
export type Meta = z.infer<typeof Meta>;

export const KubeEvent = z.object({
  metadata: Meta,
  type: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  count: z.number().optional(),
  firstTimestamp: Time,
  lastTimestamp: Time,
  eventTime: Time,
  involvedObject: z.object({
    kind: z.string().optional(),
    name: z.string().optional(),
    namespace: z.string().optional(),
  }),
});

const ContainerState = z.object({
  waiting: z.object({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  terminated: z.object({ reason: z.string().optional(), exitCode: z.number().optional(), finishedAt: Time }).optional(),
  running: z.object({ startedAt: Time }).optional(),
});
const Condition = z.object({
  type: z.string(),
  status: z.string(),
  lastTransitionTime: Time,
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const Pod = z.object({
  metadata: Meta,
  spec: z.object({ nodeName: z.string().optional() }).optional(),
  status: z
    .object({
      phase: z.string().optional(),
      startTime: Time,
      conditions: z.array(Condition).nullable().optional(),
      containerStatuses: z
        .array(
          z.object({
            name: z.string(),
            ready: z.boolean().optional(),
            restartCount: z.number().default(0),
            state: ContainerState.optional(),
            lastState: ContainerState.optional(),
          }),
        )
        .nullable()
        .optional(),
    })
    .optional(),
});

const EnvRef = z.object({
  valueFrom: z
    .object({
      configMapKeyRef: z.object({ name: z.string() }).optional(),
      secretKeyRef: z.object({ name: z.string() }).optional(),
    })
    .optional(),
});
const PodTemplate = z.object({
  metadata: z
    .object({
      labels: z.record(z.string(), z.string()).nullable().optional(),
      annotations: z.record(z.string(), z.string()).nullable().optional(),
    })
    .optional(),
  spec: z.object({
    containers: z.array(
      z.object({
        name: z.string(),
        image: z.string().optional(),
        env: z.array(EnvRef).nullable().optional(),
        envFrom: z
          .array(
            z.object({
              configMapRef: z.object({ name: z.string() }).optional(),
              secretRef: z.object({ name: z.string() }).optional(),
            }),
          )
          .nullable()
          .optional(),
      }),
    ),
    volumes: z
      .array(
        z.object({
          configMap: z.object({ name: z.string() }).optional(),
          secret: z.object({ secretName: z.string().optional() }).optional(),
        }),
      )
      .nullable()
      .optional(),
  }),
});

export const ReplicaSet = z.object({ metadata: Meta, spec: z.object({ template: PodTemplate }) });
export const Deployment = z.object({ metadata: Meta, spec: z.object({ template: PodTemplate }) });
export const ConfigMap = z.object({ metadata: Meta });
export const Node = z.object({
  metadata: Meta,
  status: z.object({ conditions: z.array(Condition).nullable().optional() }).optional(),
});

export type KubeEvent = z.infer<typeof KubeEvent>;
export type Pod = z.infer<typeof Pod>;
export type ReplicaSet = z.infer<typeof ReplicaSet>;
export type Deployment = z.infer<typeof Deployment>;
export type ConfigMap = z.infer<typeof ConfigMap>;
export type Node = z.infer<typeof Node>;
type Template = z.infer<typeof PodTemplate>;

export function ms(t: string | null | undefined): number | null {
  if (!t) return null;
  const v = Date.parse(t);
  return Number.isFinite(v) ? v : null;
}

/** Labels that name the service, tried in order after the configured one. */
const SERVICE_LABELS = ['app.kubernetes.io/name', 'app', 'k8s-app', 'service'];

/** The service an object belongs to: a service label, else its owner's name without the pod-template hash. */
export function serviceOf(
  meta: {
    name: string;
    labels?: Record<string, string> | null | undefined;
    ownerReferences?: Array<{ kind: string; name: string }> | null | undefined;
  },
  serviceLabel: string,
): string {
  const labels = meta.labels ?? {};
  for (const l of [serviceLabel, ...SERVICE_LABELS]) if (labels[l]) return labels[l] as string;
  const owner = meta.ownerReferences?.[0];
  if (owner?.kind === 'ReplicaSet') return owner.name.replace(/-[a-z0-9]{6,10}$/, '');
  if (owner) return owner.name;
  return meta.name.replace(/-[a-z0-9]{6,10}-[a-z0-9]{5}$/, '');
}

const kubectl = (ns: string | undefined, args: string): string => `kubectl${ns ? ` -n ${ns}` : ''} ${args}`;

/** A Warning event as a log line; the origin is the kubectl command that shows the object. */
export function eventToLog(e: KubeEvent, service: string): LogEvent | null {
  const ts = ms(e.lastTimestamp) ?? ms(e.eventTime) ?? ms(e.firstTimestamp) ?? ms(e.metadata.creationTimestamp);
  if (ts === null) return null;
  const obj = `${(e.involvedObject.kind ?? 'object').toLowerCase()}/${e.involvedObject.name ?? '?'}`;
  const times = e.count && e.count > 1 ? ` (x${e.count})` : '';
  const body = `${e.reason ?? 'Warning'} ${obj}: ${e.message ?? ''}${times}`.trim();
  return {
    ts,
    service,
    origin: kubectl(e.involvedObject.namespace ?? e.metadata.namespace, `describe ${obj}`),
    line: 0,
    text: `Warning ${body}`,
    level: 'warn',
    body,
  };
}

/** Reasons a container waits that mean it cannot run. */
const BAD_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
  'RunContainerError',
]);

/** Restarts (with the last termination: OOMKilled, Error), bad waiting reasons and readiness of one pod. */
export function podToLogs(p: Pod, service: string): LogEvent[] {
  const ns = p.metadata.namespace;
  const origin = kubectl(ns, `describe pod/${p.metadata.name}`);
  const out: LogEvent[] = [];
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
  const readyAt = ms(ready?.lastTransitionTime) ?? ms(p.status?.startTime) ?? ms(p.metadata.creationTimestamp);
  const add = (ts: number | null, level: string, body: string): void => {
    if (ts !== null) out.push({ ts, service, origin, line: 0, text: `${level.toUpperCase()} ${body}`, level, body });
  };
  for (const c of p.status?.containerStatuses ?? []) {
    const term = c.lastState?.terminated;
    if (c.restartCount > 0 && term) {
      add(
        ms(term.finishedAt),
        term.reason === 'OOMKilled' ? 'error' : 'warn',
        `container ${c.name} of pod/${p.metadata.name} restarted (${c.restartCount} restarts): last exit ${term.reason ?? 'unknown'} code ${term.exitCode ?? '?'}`,
      );
    }
    const waiting = c.state?.waiting?.reason;
    if (waiting && BAD_WAITING.has(waiting))
      add(
        readyAt,
        'error',
        `container ${c.name} of pod/${p.metadata.name} is in ${waiting}: ${c.state?.waiting?.message ?? ''}`.trim(),
      );
  }
  if (ready && ready.status !== 'True' && p.status?.phase !== 'Succeeded') {
    add(readyAt, 'warn', `pod/${p.metadata.name} not ready${ready.reason ? ` (${ready.reason})` : ''}`);
  }
  return out;
}

const PRESSURE = new Set(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable']);

/** Pressure conditions that are True, and a node that is not Ready, as log lines of `node/<name>`. */
export function nodeToLogs(n: Node): LogEvent[] {
  const service = `node/${n.metadata.name}`;
  const origin = kubectl(undefined, `describe node/${n.metadata.name}`);
  return (n.status?.conditions ?? []).flatMap((c) => {
    const bad = (PRESSURE.has(c.type) && c.status === 'True') || (c.type === 'Ready' && c.status !== 'True');
    const ts = ms(c.lastTransitionTime);
    if (!bad || ts === null) return [];
    const body = `node/${n.metadata.name} ${c.type === 'Ready' ? 'not Ready' : c.type}${c.message ? `: ${c.message}` : ''}`;
    return [{ ts, service, origin, line: 0, text: `WARN ${body}`, level: 'warn', body }];
  });
}

/** Managers that are the cluster itself, not a person or a deploy tool. */
const CONTROLLERS = /^(kube-controller-manager|kube-scheduler|kubelet|deployment-controller|replicaset-controller)$/;

/** Who last changed an object at or before `at` (+1 min of slack): managedFields manager or a change-cause/author annotation. */
export function authorOf(meta: Meta, at: number): string | undefined {
  const ann = meta.annotations ?? {};
  const annotated = ann['app.kubernetes.io/managed-by'] ?? ann['meta.helm.sh/release-name'];
  const fields = (meta.managedFields ?? [])
    .filter((f) => f.manager && !CONTROLLERS.test(f.manager) && (ms(f.time) ?? Infinity) <= at + 60_000)
    .sort((a, b) => (ms(b.time) ?? 0) - (ms(a.time) ?? 0));
  return fields[0]?.manager ?? annotated;
}

function images(t: Template): string[] {
  return t.spec.containers.map((c) => `${c.name}=${c.image ?? '?'}`).sort();
}

/** ConfigMaps and Secrets a pod template reads (names only: secret values are never read). */
export function configRefs(t: Template): string[] {
  const refs = new Set<string>();
  for (const c of t.spec.containers) {
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef) refs.add(`configmap/${e.valueFrom.configMapKeyRef.name}`);
      if (e.valueFrom?.secretKeyRef) refs.add(`secret/${e.valueFrom.secretKeyRef.name}`);
    }
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef) refs.add(`configmap/${e.configMapRef.name}`);
      if (e.secretRef) refs.add(`secret/${e.secretRef.name}`);
    }
  }
  for (const v of t.spec.volumes ?? []) {
    if (v.configMap) refs.add(`configmap/${v.configMap.name}`);
    if (v.secret?.secretName) refs.add(`secret/${v.secret.secretName}`);
  }
  return [...refs].sort();
}

function diff(before: string[], after: string[]): string[] {
  const b = new Set(before);
  const a = new Set(after);
  return [
    ...after.filter((x) => !b.has(x)).map((x) => `+${x}`),
    ...before.filter((x) => !a.has(x)).map((x) => `-${x}`),
  ];
}

/**
 * One change per ReplicaSet revision of a Deployment: its creation is the rollout; what changed is the
 * image list and the ConfigMap/Secret references against the previous revision.
 */
export function rolloutChanges(
  sets: ReplicaSet[],
  deployments: Map<string, Deployment>,
  serviceLabel: string,
): Change[] {
  const byOwner = new Map<string, Array<{ rs: ReplicaSet; revision: number; at: number }>>();
  for (const rs of sets) {
    const owner = rs.metadata.ownerReferences?.find((o) => o.kind === 'Deployment');
    const revision = Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision']);
    const at = ms(rs.metadata.creationTimestamp);
    if (!owner || !Number.isFinite(revision) || at === null) continue;
    const key = `${rs.metadata.namespace ?? ''}/${owner.name}`;
    byOwner.set(key, [...(byOwner.get(key) ?? []), { rs, revision, at }]);
  }
  const out: Change[] = [];
  for (const [key, revs] of byOwner) {
    const [ns, name] = key.split('/') as [string, string];
    const deployment = deployments.get(key);
    revs.sort((a, b) => a.revision - b.revision);
    revs.forEach((r, i) => {
      const prev = revs[i - 1];
      const imageDiff = prev
        ? diff(images(prev.rs.spec.template), images(r.rs.spec.template))
        : images(r.rs.spec.template).map((x) => `+${x}`);
      const refDiff = prev ? diff(configRefs(prev.rs.spec.template), configRefs(r.rs.spec.template)) : [];
      const what =
        [
          imageDiff.length > 0 ? `image ${imageDiff.join(' ')}` : '',
          refDiff.length > 0 ? `config refs ${refDiff.join(' ')}` : '',
        ]
          .filter(Boolean)
          .join('; ') || 'pod template changed';
      const cause = r.rs.metadata.annotations?.['kubernetes.io/change-cause'];
      const author = (deployment ? authorOf(deployment.metadata, r.at) : undefined) ?? authorOf(r.rs.metadata, r.at);
      const image = r.rs.spec.template.spec.containers[0]?.image;
      out.push({
        id: `k8s:${ns}/deployment/${name}@${r.revision}`,
        time: r.at,
        service: serviceOf({ ...(deployment?.metadata ?? r.rs.metadata), name }, serviceLabel),
        kind: imageDiff.length === 0 && refDiff.length > 0 ? 'config' : 'deploy',
        summary: `deployment/${name} revision ${r.revision} rolled out in ${ns}: ${what}${cause ? ` (${cause})` : ''}`,
        ...(author ? { author } : {}),
        ...(image ? { version: image.split(':').pop() ?? image } : {}),
        link: kubectl(ns, `rollout history deployment/${name} --revision=${r.revision}`),
      });
    });
  }
  return out;
}

/** A ConfigMap a Deployment reads, updated after it was created: a config change of that service. */
export function configMapChanges(maps: ConfigMap[], deployments: Deployment[], serviceLabel: string): Change[] {
  const out: Change[] = [];
  for (const cm of maps) {
    const ns = cm.metadata.namespace ?? '';
    const readers = deployments.filter(
      (d) =>
        (d.metadata.namespace ?? '') === ns && configRefs(d.spec.template).includes(`configmap/${cm.metadata.name}`),
    );
    if (readers.length === 0) continue;
    const created = ms(cm.metadata.creationTimestamp) ?? 0;
    const updates = (cm.metadata.managedFields ?? []).filter(
      (f) => f.operation !== undefined && (ms(f.time) ?? 0) > created + 1000,
    );
    for (const u of updates) {
      const at = ms(u.time) as number;
      for (const d of readers) {
        out.push({
          id: `k8s:${ns}/configmap/${cm.metadata.name}@${at}`,
          time: at,
          service: serviceOf(d.metadata, serviceLabel),
          kind: 'config',
          summary: `configmap/${cm.metadata.name} in ${ns} updated (read by deployment/${d.metadata.name})`,
          ...(u.manager ? { author: u.manager } : {}),
          link: kubectl(ns, `get configmap/${cm.metadata.name} -o yaml --show-managed-fields`),
        });
      }
    }
  }
  return out;
}

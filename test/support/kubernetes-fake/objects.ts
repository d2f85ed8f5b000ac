// Builders for the Kubernetes objects the tests put in the fake, shaped as the API returns them.

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function deployment(
  ns: string,
  name: string,
  opts: { image: string; configMap?: string; managers?: Array<{ manager: string; at: number }> },
) {
  return {
    metadata: {
      name,
      namespace: ns,
      uid: `uid-deploy-${name}`,
      creationTimestamp: iso(Date.UTC(2026, 10, 1)),
      labels: { 'app.kubernetes.io/name': name },
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'apps/v1',
          time: iso(Date.UTC(2026, 11, 7, 3)),
          fieldsType: 'FieldsV1',
          subresource: 'status',
        },
        ...(opts.managers ?? []).map((m) => ({
          manager: m.manager,
          operation: 'Update',
          apiVersion: 'apps/v1',
          time: iso(m.at),
          fieldsType: 'FieldsV1',
        })),
      ],
    },
    spec: { replicas: 2, template: template(name, opts.image, opts.configMap) },
    status: { replicas: 2, readyReplicas: 1 },
  };
}

function template(name: string, image: string, configMap?: string) {
  return {
    metadata: { labels: { 'app.kubernetes.io/name': name } },
    spec: {
      containers: [
        {
          name,
          image,
          ...(configMap ? { envFrom: [{ configMapRef: { name: configMap } }] } : {}),
          env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: `${name}-db`, key: 'password' } } }],
        },
      ],
    },
  };
}

export function replicaSet(
  ns: string,
  deploymentName: string,
  hash: string,
  revision: number,
  at: number,
  image: string,
  configMap?: string,
) {
  return {
    metadata: {
      name: `${deploymentName}-${hash}`,
      namespace: ns,
      creationTimestamp: iso(at),
      labels: { 'app.kubernetes.io/name': deploymentName, 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: deploymentName,
          uid: `uid-deploy-${deploymentName}`,
          controller: true,
        },
      ],
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'apps/v1',
          time: iso(at),
          fieldsType: 'FieldsV1',
        },
      ],
    },
    spec: { replicas: 2, template: template(deploymentName, image, configMap) },
  };
}

export function pod(ns: string, rs: string, suffix: string, service: string, status: Record<string, unknown>) {
  return {
    metadata: {
      name: `${rs}-${suffix}`,
      namespace: ns,
      labels: { 'app.kubernetes.io/name': service },
      ownerReferences: [{ kind: 'ReplicaSet', name: rs }],
    },
    spec: { nodeName: 'node-a' },
    status,
  };
}

export function warningEvent(
  ns: string,
  kind: string,
  name: string,
  reason: string,
  message: string,
  at: number,
  count = 1,
) {
  return {
    metadata: { name: `${name}.${at.toString(16)}`, namespace: ns, creationTimestamp: iso(at) },
    involvedObject: { kind, namespace: ns, name, apiVersion: 'v1' },
    reason,
    message,
    source: { component: 'kubelet', host: 'node-a' },
    firstTimestamp: iso(at - (count - 1) * 30_000),
    lastTimestamp: iso(at),
    count,
    type: 'Warning',
    eventTime: null,
    reportingComponent: 'kubelet',
  };
}

export { iso };

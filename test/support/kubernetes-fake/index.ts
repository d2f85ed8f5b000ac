// A local Kubernetes API server fake speaking the real list JSON: `<Kind>List` envelopes with
// metadata.resourceVersion and continue tokens (limit/continue paging), fieldSelector on events,
// Status objects for 401 (no or wrong token), 403 (a forbidden path) and 410 Gone (expired continue).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Collection path (without /namespaces/<ns>) → list kind and apiVersion. */
const COLLECTIONS: Record<string, { kind: string; apiVersion: string; namespaced: boolean }> = {
  '/api/v1/events': { kind: 'EventList', apiVersion: 'v1', namespaced: true },
  '/api/v1/pods': { kind: 'PodList', apiVersion: 'v1', namespaced: true },
  '/api/v1/configmaps': { kind: 'ConfigMapList', apiVersion: 'v1', namespaced: true },
  '/api/v1/nodes': { kind: 'NodeList', apiVersion: 'v1', namespaced: false },
  '/apis/apps/v1/replicasets': { kind: 'ReplicaSetList', apiVersion: 'apps/v1', namespaced: true },
  '/apis/apps/v1/deployments': { kind: 'DeploymentList', apiVersion: 'apps/v1', namespaced: true },
};

type Obj = { metadata: { name: string; namespace?: string } & Record<string, unknown> } & Record<string, unknown>;

export interface KubeRequest {
  path: string;
  accept: string;
  query: Record<string, string>;
  status: number;
}

export class KubernetesFake {
  readonly token = 'kube-fake-token-0123456789';
  readonly requests: KubeRequest[] = [];
  private readonly objects = new Map<string, Obj[]>();
  private readonly forbidden = new Set<string>();
  private expireNext = 0;
  private resourceVersion = 1000;

  /** Adds objects to a collection (`/api/v1/pods`, `/apis/apps/v1/replicasets`, ...). */
  add(collection: keyof typeof COLLECTIONS & string, ...items: Obj[]): void {
    if (!COLLECTIONS[collection]) throw new Error(`unknown collection ${collection}`);
    this.objects.set(collection, [...(this.objects.get(collection) ?? []), ...items]);
    this.resourceVersion += items.length;
  }

  /** Requests whose path starts with this prefix get 403, as RBAC answers. */
  forbid(pathPrefix: string): void {
    this.forbidden.add(pathPrefix);
  }

  /** The next `n` requests that carry a continue token get 410 Gone (the token expired). */
  expireContinue(n = 1): void {
    this.expireNext = n;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const send = (status: number, body: unknown): void => {
      this.requests.push({ path: url.pathname, accept: req.headers.accept ?? '', query, status });
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const failure = (code: number, reason: string, message: string): void =>
      send(code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

    if (req.headers.authorization !== `Bearer ${this.token}`) return failure(401, 'Unauthorized', 'Unauthorized');
    const m = /^(\/api\/v1|\/apis\/apps\/v1)(?:\/namespaces\/([a-z0-9-]+))?\/([a-z]+)$/.exec(url.pathname);
    const collection = m ? `${m[1]}/${m[3]}` : '';
    const spec = COLLECTIONS[collection];
    if (!m || !spec || (m[2] && !spec.namespaced))
      return failure(404, 'NotFound', 'the server could not find the requested resource');
    const ns = m[2];
    if ([...this.forbidden].some((p) => url.pathname.startsWith(p))) {
      const resource = m[3] as string;
      return failure(
        403,
        'Forbidden',
        `${resource} is forbidden: User "system:serviceaccount:scout:incident-scout" cannot list resource "${resource}" in API group "${m[1] === '/api/v1' ? '' : 'apps'}"${ns ? ` in the namespace "${ns}"` : ' at the cluster scope'}`,
      );
    }
    if (query.continue && this.expireNext > 0) {
      this.expireNext -= 1;
      return failure(
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    }
    let items = (this.objects.get(collection) ?? []).filter((o) => !ns || o.metadata.namespace === ns);
    // Asked for metadata only (as=PartialObjectMetadataList), the API server drops everything else.
    const metadataOnly = /as=PartialObjectMetadataList/.test(req.headers.accept ?? '');
    const selector = /^type=(\w+)$/.exec(query.fieldSelector ?? '');
    if (selector) items = items.filter((o) => o['type'] === selector[1]);
    const offset = query.continue ? Number(Buffer.from(query.continue, 'base64').toString('utf8')) : 0;
    const limit = query.limit ? Number(query.limit) : items.length || 1;
    const page = items.slice(offset, offset + limit);
    const next = offset + limit < items.length ? Buffer.from(String(offset + limit)).toString('base64') : undefined;
    send(200, {
      kind: metadataOnly ? 'PartialObjectMetadataList' : spec.kind,
      apiVersion: metadataOnly ? 'meta.k8s.io/v1' : spec.apiVersion,
      metadata: {
        resourceVersion: String(this.resourceVersion),
        ...(next ? { continue: next, remainingItemCount: items.length - offset - limit } : {}),
      },
      items: page.map((o) => {
        const metadata = { resourceVersion: String(this.resourceVersion), ...o.metadata };
        return metadataOnly
          ? { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata }
          : { ...o, metadata };
      }),
    });
  }
}

/** Starts the fake on 127.0.0.1 (random port); `kubeconfig` is a kubeconfig text pointing at it. */
export async function startKubernetesFake(): Promise<{
  fake: KubernetesFake;
  url: string;
  kubeconfig: string;
  close(): Promise<void>;
}> {
  const fake = new KubernetesFake();
  const server = createServer((req, res) => fake.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'current-context: fake',
    'clusters:',
    '- name: fake',
    '  cluster:',
    `    server: ${url}`,
    'users:',
    '- name: scout',
    '  user:',
    `    token: ${fake.token}`,
    'contexts:',
    '- name: fake',
    '  context:',
    '    cluster: fake',
    '    user: scout',
    '',
  ].join('\n');
  return { fake, url, kubeconfig, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// A read-only Kubernetes API client: the list calls the Kubernetes source makes, with the API's own
// pagination (limit/continue), a relist when a continue token expired (410 Gone), and 401/403 as a
// typed error the source turns into a named problem. Credentials come from a kubeconfig (token or
// client certificate) or the pod's service account. Small on purpose: @kubernetes/client-node is
// ESM-only since 1.0 and this CommonJS build and its tests cannot load it.
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ScoutError } from '../../domain/errors';

/** The API refused a list (401/403): RBAC, or a wrong token. */
export class KubernetesForbidden extends ScoutError {
  readonly code = 'kubernetes_forbidden';
  constructor(
    readonly path: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`Kubernetes refused ${path} (HTTP ${status}): ${detail}`);
  }
}

/** Any other failure of a Kubernetes API call (unreachable, 5xx, not JSON). */
export class KubernetesApiError extends ScoutError {
  readonly code = 'kubernetes_error';
  constructor(
    readonly path: string,
    readonly status: number,
    detail: string,
  ) {
    super(`Kubernetes API ${path} failed (${status === 0 ? 'unreachable' : `HTTP ${status}`}): ${detail}`);
  }
}

/** How to reach the API server. */
export interface KubeTarget {
  server: string;
  token?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  insecureSkipTlsVerify?: boolean;
}

const ListEnvelope = z.object({
  kind: z.string().optional(),
  metadata: z
    .object({ resourceVersion: z.string().optional(), continue: z.string().optional() })
    .passthrough()
    .default({}),
  items: z
    .array(z.unknown())
    .nullable()
    .transform((x) => x ?? []),
});
const Status = z
  .object({
    kind: z.literal('Status'),
    message: z.string().optional(),
    reason: z.string().optional(),
    code: z.number().optional(),
  })
  .passthrough();

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const PAGE = 500;
/** Relists after a 410 before giving up (each one means the collection changed under a long list). */
const MAX_RELISTS = 3;
const TIMEOUT_MS = 15_000;

/** The pod's service account (in-cluster): the host comes from KUBERNETES_SERVICE_HOST/PORT via config. */
export function inClusterTarget(host: string, port: string, read: (f: string) => Buffer = readFileSync): KubeTarget {
  const h = host.includes(':') ? `[${host}]` : host;
  return {
    server: `https://${h}:${port}`,
    token: read(`${SA_DIR}/token`).toString('utf8').trim(),
    ca: read(`${SA_DIR}/ca.crt`),
  };
}

const Kubeconfig = z.object({
  'current-context': z.string().optional(),
  contexts: z
    .array(
      z.object({
        name: z.string(),
        context: z.object({ cluster: z.string(), user: z.string().optional() }).passthrough(),
      }),
    )
    .default([]),
  clusters: z
    .array(
      z.object({
        name: z.string(),
        cluster: z
          .object({
            server: z.string(),
            'certificate-authority': z.string().optional(),
            'certificate-authority-data': z.string().optional(),
            'insecure-skip-tls-verify': z.boolean().optional(),
          })
          .passthrough(),
      }),
    )
    .default([]),
  users: z
    .array(
      z.object({
        name: z.string(),
        user: z
          .object({
            token: z.string().optional(),
            tokenFile: z.string().optional(),
            'client-certificate': z.string().optional(),
            'client-certificate-data': z.string().optional(),
            'client-key': z.string().optional(),
            'client-key-data': z.string().optional(),
            exec: z.unknown().optional(),
            'auth-provider': z.unknown().optional(),
          })
          .passthrough(),
      }),
    )
    .default([]),
});

/** The target of a kubeconfig's current (or named) context; throws a readable error for what it cannot use. */
export function kubeconfigTarget(
  file: string,
  context?: string,
  read: (f: string) => Buffer = readFileSync,
): KubeTarget {
  const parsed = Kubeconfig.safeParse(parseYaml(read(file).toString('utf8')));
  if (!parsed.success)
    throw new KubernetesApiError(file, 0, `not a kubeconfig: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const kc = parsed.data;
  const name = context ?? kc['current-context'];
  const ctx = kc.contexts.find((c) => c.name === name);
  if (!ctx) throw new KubernetesApiError(file, 0, `context ${JSON.stringify(name)} not found`);
  const cluster = kc.clusters.find((c) => c.name === ctx.context.cluster)?.cluster;
  if (!cluster) throw new KubernetesApiError(file, 0, `cluster ${ctx.context.cluster} not found`);
  const user = kc.users.find((u) => u.name === ctx.context.user)?.user ?? {};
  if (
    (user.exec || user['auth-provider']) &&
    !user.token &&
    !user.tokenFile &&
    !user['client-certificate-data'] &&
    !user['client-certificate']
  ) {
    throw new KubernetesApiError(
      file,
      0,
      'exec and auth-provider credentials are not supported: use a service-account token or a client certificate',
    );
  }
  const data = (inline: string | undefined, path: string | undefined): Buffer | undefined =>
    inline ? Buffer.from(inline, 'base64') : path ? read(path) : undefined;
  const token = user.token ?? (user.tokenFile ? read(user.tokenFile).toString('utf8').trim() : undefined);
  const ca = data(cluster['certificate-authority-data'], cluster['certificate-authority']);
  const cert = data(user['client-certificate-data'], user['client-certificate']);
  const key = data(user['client-key-data'], user['client-key']);
  return {
    server: cluster.server,
    ...(token ? { token } : {}),
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(cluster['insecure-skip-tls-verify'] ? { insecureSkipTlsVerify: true } : {}),
  };
}

/** Lists of one collection, as raw items for the caller's zod schemas. */
export interface KubeApi {
  /** `metadataOnly`: ask for PartialObjectMetadata (names, times, managers; no ConfigMap data crosses the wire). */
  list(path: string, params?: Record<string, string>, opts?: { metadataOnly?: boolean }): Promise<unknown[]>;
}

const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/** A KubeApi over HTTP(S) to `target`. */
export function kubeApi(target: KubeTarget): KubeApi {
  const base = new URL(target.server);
  const get = (
    path: string,
    params: Record<string, string>,
    accept: string,
  ): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const url = new URL(base.pathname.replace(/\/+$/, '') + path, base);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      const headers: Record<string, string> = { accept };
      if (target.token) headers['authorization'] = `Bearer ${target.token}`;
      const opts: https.RequestOptions = {
        method: 'GET',
        headers,
        timeout: TIMEOUT_MS,
        ...(target.ca ? { ca: target.ca } : {}),
        ...(target.cert ? { cert: target.cert } : {}),
        ...(target.key ? { key: target.key } : {}),
        ...(target.insecureSkipTlsVerify ? { rejectUnauthorized: false } : {}),
      };
      const req = (url.protocol === 'https:' ? https : http).request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end();
    });

  return {
    async list(path, params = {}, opts = {}) {
      const accept = opts.metadataOnly ? METADATA_ONLY : 'application/json';
      for (let attempt = 0; attempt <= MAX_RELISTS; attempt++) {
        const items: unknown[] = [];
        let cont: string | undefined;
        let expired = false;
        do {
          let res: { status: number; body: string };
          try {
            res = await get(path, { ...params, limit: String(PAGE), ...(cont ? { continue: cont } : {}) }, accept);
          } catch (err) {
            throw new KubernetesApiError(path, 0, (err as Error).message);
          }
          const json = parseJson(res.body);
          if (res.status === 401 || res.status === 403)
            throw new KubernetesForbidden(path, res.status, statusMessage(json) ?? res.body.slice(0, 200));
          if (res.status === 410) {
            // The continue token expired (the collection moved on): list again from the start.
            expired = true;
            break;
          }
          if (res.status !== 200)
            throw new KubernetesApiError(path, res.status, statusMessage(json) ?? res.body.slice(0, 200));
          const page = ListEnvelope.safeParse(json);
          if (!page.success) throw new KubernetesApiError(path, res.status, 'not a list response');
          items.push(...page.data.items);
          cont = page.data.metadata.continue || undefined;
        } while (cont);
        if (!expired) return items;
      }
      throw new KubernetesApiError(path, 410, `the list kept expiring after ${MAX_RELISTS} relists`);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function statusMessage(json: unknown): string | undefined {
  const s = Status.safeParse(json);
  return s.success ? s.data.message : undefined;
}

// The `http` executor kind: one request to a URL whose scheme, host and port the manifest fixes;
// parameters fill the path, query, headers and JSON body; `${NAME}` in headers is resolved from the
// change identity only when it runs, so a proposal never holds a secret.
import { z } from 'zod';
import { ProposalInvalid } from '../../domain/errors';
import { defineExecutorKind, trimOutput, type Fill, type Outcome } from './kind';

const SECRET_REF = /\$\{([A-Z_][A-Z0-9_]*)\}/g;
const PLACEHOLDER = /(?<!\$)\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g;
const HAS_PLACEHOLDER = /(?<!\$)\{[a-zA-Z_][a-zA-Z0-9_]*\}/;

const rendered = z.object({
  kind: z.literal('http'),
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.unknown(),
});
type Rendered = z.infer<typeof rendered>;

export const http = defineExecutorKind({
  name: 'http',
  usage: '`http: {method, url, ...}`',
  schema: z
    .object({
      http: z
        .object({
          method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
          url: z.url({ message: 'expected an absolute http(s) URL fixed in the manifest' }),
          headers: z.record(z.string(), z.string()).default({}),
          body: z.unknown().optional(),
          timeout_seconds: z.number().int().min(1).max(600).default(30),
        })
        .strict(),
    })
    .strict(),
  rendered,
  templates: ({ http: h }) => [h.url, ...Object.values(h.headers), JSON.stringify(h.body ?? null)],
  check: ({ http: h }) =>
    /[{}]/.test(h.url.split('/')[2] ?? '')
      ? [{ path: ['http', 'url'], message: 'parameters may not appear in the URL host' }]
      : [],
  render: ({ http: h }, fill) => ({
    kind: 'http' as const,
    method: h.method,
    url: renderUrl(fill, h.url),
    headers: Object.fromEntries(Object.entries(h.headers).map(([k, v]) => [k, fill.text(v)])),
    body: h.body === undefined ? null : renderBody(fill, h.body),
  }),
  run: (r, { http: h }, env, signal) => runHttp(r, env.identity, env.fetch, h.timeout_seconds * 1000, signal),
  describe: (r) => {
    const headers = Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`);
    const body = r.body === null || r.body === undefined ? '' : `\n\n${JSON.stringify(r.body, null, 2)}`;
    return { text: [`${r.method} ${r.url}`, ...headers].join('\n') + body, detail: { method: r.method, url: r.url } };
  },
  timeout: ({ http: h }) => h.timeout_seconds,
});

/** The URL's scheme, host and port are fixed; params fill the path and query, URL-encoded. */
function renderUrl(fill: Fill, template: string): string {
  const fixed = new URL(template.replace(PLACEHOLDER, 'x'));
  const schemeEnd = template.indexOf('://') + 3;
  const pathStart = template.indexOf('/', schemeEnd);
  const head = pathStart < 0 ? template : template.slice(0, pathStart);
  const tail = pathStart < 0 ? '' : template.slice(pathStart);
  if (HAS_PLACEHOLDER.test(head))
    throw new ProposalInvalid(`${fill.actionId}: parameters may not appear in the URL host.`);
  const url = head + fill.text(tail, encodeURIComponent);
  if (new URL(url).origin !== fixed.origin)
    throw new ProposalInvalid(`${fill.actionId}: the rendered URL left its fixed host.`);
  return url;
}

/** A string that is exactly "{param}" becomes the typed JSON value; longer strings get text substitution. */
function renderBody(fill: Fill, node: unknown): unknown {
  if (typeof node === 'string') {
    const whole = /^\{([a-zA-Z_][a-zA-Z0-9_]*)\}$/.exec(node);
    return whole ? fill.value(whole[1] as string) : fill.text(node);
  }
  if (Array.isArray(node)) return node.map((n) => renderBody(fill, n));
  if (node !== null && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, renderBody(fill, v)]));
  return node;
}

async function runHttp(
  r: Rendered,
  identity: Readonly<Record<string, string>>,
  fetchFn: typeof fetch,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Outcome> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) {
    const missing: string[] = [];
    headers[k] = v.replace(SECRET_REF, (_m, name: string) => {
      const value = identity[name];
      if (value === undefined) missing.push(name);
      return value ?? '';
    });
    if (missing.length > 0)
      return {
        ok: false,
        exitCode: null,
        output: '',
        error: `the change identity has no ${missing.join(', ')} (set SCOUT_EXEC_${missing[0]})`,
      };
  }
  const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
  try {
    const res = await fetchFn(r.url, {
      method: r.method,
      headers,
      ...(r.body !== null && r.method !== 'GET' ? { body: JSON.stringify(r.body) } : {}),
      signal: AbortSignal.any(signals),
      redirect: 'manual', // a redirect could leave the fixed host
    });
    const text = await res.text();
    const output = trimOutput(`HTTP ${res.status} ${res.statusText}\n${text}`);
    return { ok: res.ok, exitCode: null, output, ...(res.ok ? {} : { error: `HTTP ${res.status}` }) };
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    const error =
      name === 'TimeoutError'
        ? `timed out after ${Math.round(timeoutMs / 1000)}s`
        : `request failed: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, exitCode: null, output: '', error };
  }
}

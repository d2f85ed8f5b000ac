// The fetch every outbound HTTP client uses (Slack's WebClient and respond(), Anthropic, Prometheus,
// Loki): undici's fetch over its EnvHttpProxyAgent, so HTTP_PROXY / HTTPS_PROXY / NO_PROXY from the
// config are honoured the way curl and most tools honour them. Without a proxy configured it is a
// plain keep-alive agent. The proxy settings come from Config (nothing here reads the environment).
import { EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { Config } from '../config';

/** A fetch that sends through `dispatcher`. */
export function fetchVia(dispatcher: Dispatcher): typeof fetch {
  // undici's fetch is the implementation behind Node's global fetch; only its declared types differ.
  const send = undiciFetch as unknown as (input: Parameters<typeof fetch>[0], init?: object) => Promise<Response>;
  return async (input, init) => send(input, { ...(await portableBody(init)), dispatcher });
}

/**
 * Node's global FormData (the WebClient's file uploads) belongs to Node's bundled undici, which the
 * npm undici's fetch does not recognise (it would send "[object FormData]"): encode it as multipart
 * bytes with the global Request first, keeping its boundary in the content type.
 */
async function portableBody(init: RequestInit | undefined): Promise<RequestInit | undefined> {
  if (!init || !(init.body instanceof FormData)) return init;
  const encoded = new Request('http://localhost/', { method: 'POST', body: init.body });
  const headers = new Headers(init.headers);
  headers.set('content-type', encoded.headers.get('content-type') ?? 'multipart/form-data');
  return { ...init, headers, body: await encoded.arrayBuffer() };
}

/** The process's outbound fetch, through the configured proxy when there is one. */
export function createFetch(proxy: Readonly<Config['proxy']>): typeof fetch {
  // EnvHttpProxyAgent falls back to the environment for options left undefined; empty strings mean "none".
  return fetchVia(
    new EnvHttpProxyAgent({ httpProxy: proxy.http ?? '', httpsProxy: proxy.https ?? '', noProxy: proxy.noProxy ?? '' }),
  );
}

/** Statuses whose Response must have a null body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch whose answers are read whole before they are returned. Bolt's respond() never reads the
 * answer to its response_url POST; an unread body keeps its connection out of the keep-alive pool
 * until the garbage collector finds it. Slack's answers are small, so reading them costs nothing.
 */
export function readingWhole(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    const body = await res.arrayBuffer();
    return new Response(NULL_BODY.has(res.status) ? null : body, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
}

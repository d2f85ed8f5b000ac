// A local Grafana Tempo query API, strict like the real one where our source relies on it:
// GET /api/search (TraceQL `q`, `start`/`end` in whole unix seconds, `limit`), GET /api/traces/<id>
// (OTLP JSON `{ batches }` with base64 ids, as Tempo's protobuf JSON writes them; 404 when unknown),
// GET /api/search/tag/service.name/values; 401 without the bearer token when one is set; 400 for a
// parameter Tempo would refuse; an optional delay to exercise timeouts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { traceStart, type FakeSpan, type FakeTrace } from './traces';

export type { FakeSpan, FakeTrace } from './traces';
export { shopTraffic } from './traces';

const KIND = { server: 'SPAN_KIND_SERVER', client: 'SPAN_KIND_CLIENT', internal: 'SPAN_KIND_INTERNAL' } as const;

const b64 = (hexId: string): string => Buffer.from(hexId, 'hex').toString('base64');
const nanos = (ms: number): string => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** The services a TraceQL query of the forms our source sends names: `{}` or `{ resource.service.name = "a" || ... }`. */
function parseTraceql(q: string): string[] | null | 'invalid' {
  if (/^\{\s*\}$/.test(q)) return null;
  const inner = /^\{\s*(.+?)\s*\}$/.exec(q)?.[1];
  if (!inner) return 'invalid';
  const services: string[] = [];
  for (const part of inner.split('||')) {
    const m = /^\s*resource\.service\.name\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(part);
    if (!m) return 'invalid';
    services.push((m[1] as string).replace(/\\(.)/g, '$1'));
  }
  return services;
}

function otlpSpan(s: FakeSpan): Record<string, unknown> {
  const attributes: Array<Record<string, unknown>> = [];
  if (s.httpStatus !== undefined)
    attributes.push({ key: 'http.response.status_code', value: { intValue: String(s.httpStatus) } });
  if (s.peer) attributes.push({ key: 'peer.service', value: { stringValue: s.peer } });
  return {
    traceId: b64(s.traceId),
    spanId: b64(s.spanId),
    ...(s.parentSpanId ? { parentSpanId: b64(s.parentSpanId) } : {}),
    name: s.name,
    kind: KIND[s.kind],
    startTimeUnixNano: nanos(s.startMs),
    endTimeUnixNano: nanos(s.startMs + s.durationMs),
    attributes,
    status: s.error ? { code: 'STATUS_CODE_ERROR', ...(s.statusMessage ? { message: s.statusMessage } : {}) } : {},
  };
}

export class TempoFake {
  readonly traces: FakeTrace[] = [];
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token: string | undefined;
  /** Milliseconds before each answer. */
  delayMs = 0;
  /** Traces the search still lists but /api/traces/<id> answers 404 for (retention passed them by). */
  readonly lost = new Set<string>();
  readonly requests: Array<{ path: string; params: Record<string, string>; status: number }> = [];

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://tempo');
    const params = Object.fromEntries(url.searchParams);
    const send = (status: number, body: unknown): void => {
      this.requests.push({ path: url.pathname, params, status });
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, {
        'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      });
      res.end(text);
    };
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.token !== undefined && req.headers.authorization !== `Bearer ${this.token}`)
      return send(401, 'Unauthorized\n');
    if (req.method !== 'GET') return send(405, 'method not allowed\n');
    if (url.pathname === '/api/search/tag/service.name/values') {
      return send(200, {
        tagValues: [...new Set(this.traces.flatMap((t) => t.spans.map((s) => s.service)))],
        metrics: {},
      });
    }
    if (url.pathname === '/api/search') return send(...this.search(url.searchParams));
    const byId = /^\/api\/traces\/([0-9a-fA-F]{1,32})$/.exec(url.pathname);
    if (byId) {
      const id = (byId[1] as string).toLowerCase().padStart(32, '0');
      const trace = this.traces.find((t) => t.traceId === id);
      if (!trace || this.lost.has(id)) return send(404, 'trace not found\n');
      const services = [...new Set(trace.spans.map((s) => s.service))];
      const batches = services.map((service) => ({
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'fake-instrumentation' },
            spans: trace.spans.filter((s) => s.service === service).map(otlpSpan),
          },
        ],
      }));
      return send(200, { batches });
    }
    if (url.pathname.startsWith('/api/traces/')) return send(400, 'invalid trace id\n');
    return send(404, '404 page not found\n');
  }

  private search(p: URLSearchParams): [number, unknown] {
    const int = (k: string): number | null => {
      const v = p.get(k);
      return v !== null && /^\d+$/.test(v) ? Number(v) : null;
    };
    const start = int('start');
    const end = int('end');
    if (p.has('start') && start === null) return [400, `invalid start: ${p.get('start')}\n`];
    if (p.has('end') && end === null) return [400, `invalid end: ${p.get('end')}\n`];
    if (start !== null && end !== null && end <= start)
      return [400, 'invalid start and end: end must be after start\n'];
    const limit = p.has('limit') ? int('limit') : 20;
    if (limit === null || limit < 1) return [400, `invalid limit: ${p.get('limit')}\n`];
    const services = parseTraceql(p.get('q') ?? '{}');
    if (services === 'invalid') return [400, `invalid TraceQL query: parse error at line 1: ${p.get('q')}\n`];
    const hits = this.traces
      .filter((t) => {
        const t0 = traceStart(t) / 1000;
        return (
          (start === null || t0 >= start) &&
          (end === null || t0 <= end) &&
          (!services || t.spans.some((s) => services.includes(s.service)))
        );
      })
      // Tempo returns the most recent traces first.
      .sort((a, b) => traceStart(b) - traceStart(a))
      .slice(0, limit);
    return [
      200,
      {
        traces: hits.map((t) => {
          const root = t.spans.find((s) => !s.parentSpanId) ?? (t.spans[0] as FakeSpan);
          return {
            traceID: t.traceId,
            rootServiceName: root.service,
            rootTraceName: root.name,
            startTimeUnixNano: nanos(traceStart(t)),
            durationMs: root.durationMs,
          };
        }),
        metrics: { inspectedTraces: this.traces.length, inspectedBytes: '0', completedJobs: 1, totalJobs: 1 },
      },
    ];
  }
}

export async function startTempoFake(): Promise<{ fake: TempoFake; url: string; close(): Promise<void> }> {
  const fake = new TempoFake();
  const server = createServer((req, res) => void fake.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    fake,
    url,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

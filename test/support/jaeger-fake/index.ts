// A local Jaeger query service, strict like the real one where our source relies on it: GET /api/services,
// GET /api/traces?service=&start=&end=&limit= (microseconds; `service` required), answering Jaeger's
// `{ data, total, limit, offset, errors }` envelope with its span shape (tags, CHILD_OF references,
// processes); 401 without the bearer token when one is set (as a proxy in front would); errors in the
// envelope for a parameter Jaeger would refuse; an optional delay to exercise timeouts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { traceStart, type FakeSpan, type FakeTrace } from '../tempo-fake/traces';

export type { FakeSpan, FakeTrace } from '../tempo-fake/traces';
export { shopTraffic } from '../tempo-fake/traces';

function jaegerTrace(t: FakeTrace): Record<string, unknown> {
  const services = [...new Set(t.spans.map((s) => s.service))];
  const pid = (s: FakeSpan): string => `p${services.indexOf(s.service) + 1}`;
  return {
    traceID: t.traceId,
    spans: t.spans.map((s) => ({
      traceID: s.traceId,
      spanID: s.spanId,
      operationName: s.name,
      flags: 1,
      references: s.parentSpanId ? [{ refType: 'CHILD_OF', traceID: s.traceId, spanID: s.parentSpanId }] : [],
      startTime: Math.round(s.startMs * 1000),
      duration: Math.round(s.durationMs * 1000),
      tags: [
        { key: 'span.kind', type: 'string', value: s.kind },
        ...(s.httpStatus !== undefined ? [{ key: 'http.status_code', type: 'int64', value: s.httpStatus }] : []),
        ...(s.peer ? [{ key: 'peer.service', type: 'string', value: s.peer }] : []),
        ...(s.error ? [{ key: 'error', type: 'bool', value: true }] : []),
        ...(s.statusMessage ? [{ key: 'otel.status_description', type: 'string', value: s.statusMessage }] : []),
      ],
      logs: [],
      processID: pid(s),
      warnings: null,
    })),
    processes: Object.fromEntries(
      services.map((service, i) => [
        `p${i + 1}`,
        { serviceName: service, tags: [{ key: 'hostname', type: 'string', value: `${service}-0` }] },
      ]),
    ),
    warnings: null,
  };
}

export class JaegerFake {
  readonly traces: FakeTrace[] = [];
  token: string | undefined;
  delayMs = 0;
  readonly requests: Array<{ path: string; params: Record<string, string>; status: number }> = [];

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://jaeger');
    const params = Object.fromEntries(url.searchParams);
    const send = (status: number, body: unknown): void => {
      this.requests.push({ path: url.pathname, params, status });
      res.writeHead(status, {
        'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const envelope = (data: unknown[] | null, errors: Array<{ code: number; msg: string }> | null = null) => ({
      data,
      total: data?.length ?? 0,
      limit: 0,
      offset: 0,
      errors,
    });
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.token !== undefined && req.headers.authorization !== `Bearer ${this.token}`)
      return send(401, 'Unauthorized\n');
    if (url.pathname === '/api/services')
      return send(200, envelope([...new Set(this.traces.flatMap((t) => t.spans.map((s) => s.service)))]));
    if (url.pathname !== '/api/traces') return send(404, '404 page not found\n');
    const bad = (msg: string) => send(400, envelope(null, [{ code: 400, msg }]));
    const service = url.searchParams.get('service');
    if (!service) return bad("parameter 'service' is required");
    const int = (k: string, dflt: number): number | null => {
      const v = url.searchParams.get(k);
      if (v === null) return dflt;
      return /^\d+$/.test(v) ? Number(v) : null;
    };
    const start = int('start', 0);
    const end = int('end', Number.MAX_SAFE_INTEGER);
    const limit = int('limit', 20);
    if (start === null)
      return bad(`unable to parse param 'start': strconv.ParseInt: parsing "${params['start']}": invalid syntax`);
    if (end === null)
      return bad(`unable to parse param 'end': strconv.ParseInt: parsing "${params['end']}": invalid syntax`);
    if (limit === null)
      return bad(`unable to parse param 'limit': strconv.ParseInt: parsing "${params['limit']}": invalid syntax`);
    if (end < start) return bad('start time must be before end time');
    const hits = this.traces
      .filter(
        (t) =>
          t.spans.some((s) => s.service === service) && traceStart(t) * 1000 >= start && traceStart(t) * 1000 <= end,
      )
      .sort((a, b) => traceStart(b) - traceStart(a))
      .slice(0, limit);
    return send(200, envelope(hits.map(jaegerTrace)));
  }
}

export async function startJaegerFake(): Promise<{ fake: JaegerFake; url: string; close(): Promise<void> }> {
  const fake = new JaegerFake();
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

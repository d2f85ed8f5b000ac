// Traces from Jaeger over its query service's HTTP API (`/api/services`, `/api/traces?service=&start=&end=`,
// the API Jaeger's own UI uses). Jaeger's spans (tags, references, processes) are rewritten as OTLP JSON and
// parsed by the same code as the files source's exports, so the trace analyzer sees the same spans.
// Bounded: a cap on traces and spans, a timeout per request, a few requests at a time.

import { z } from 'zod';
import type { EvidenceSource, ParseProblem, SourceCapabilities, Span, TimeQuery } from '../types';
import { parseOtlp, SpanReservoir } from './files/traces';
import { safeUrl, type FetchFn } from './http';
import { ProblemLog } from './problems';
import type { SourceDefinition } from './registry';
import {
  getTraceJson,
  hexId,
  mapBounded,
  slicesOf,
  traceLimits,
  TraceQueryError,
  TracesOnlySource,
  type TraceLimits,
} from './trace-fetch';

export interface JaegerSourceOptions {
  /** Jaeger's query service, e.g. http://jaeger-query:16686 (JAEGER_URL). */
  url: string;
  fetch: FetchFn;
  /** Bearer token (JAEGER_TOKEN), for a query service behind an authenticating proxy. */
  token?: string;
  limits?: Partial<TraceLimits>;
}

const Tag = z.looseObject({ key: z.string(), type: z.string().optional(), value: z.unknown() });
const JaegerSpan = z.looseObject({
  traceID: z.string().min(1),
  spanID: z.string().min(1),
  operationName: z.string().default(''),
  references: z.array(z.looseObject({ refType: z.string(), traceID: z.string(), spanID: z.string() })).nullish(),
  startTime: z.number(),
  duration: z.number(),
  tags: z.array(Tag).nullish(),
  processID: z.string(),
});
const JaegerTrace = z.looseObject({
  traceID: z.string().min(1),
  spans: z.array(z.unknown()),
  processes: z.record(z.string(), z.looseObject({ serviceName: z.string() })),
});
const Envelope = z.looseObject({
  data: z.array(z.unknown()).nullish(),
  errors: z.array(z.looseObject({ code: z.number().optional(), msg: z.string().optional() })).nullish(),
});
type TagT = z.infer<typeof Tag>;

interface OtlpAttr {
  key: string;
  value: { stringValue: string } | { intValue: string };
}

function attr(tag: TagT): OtlpAttr {
  if (typeof tag.value === 'number' && Number.isInteger(tag.value))
    return { key: tag.key, value: { intValue: String(tag.value) } };
  return {
    key: tag.key,
    value: { stringValue: typeof tag.value === 'string' ? tag.value : JSON.stringify(tag.value) },
  };
}

function tagValue(tags: readonly TagT[], key: string): unknown {
  return tags.find((t) => t.key === key)?.value;
}

/** Jaeger's `error` tag (bool, or the string "true") and OpenTelemetry's status tags as an OTLP status. */
function statusOf(tags: readonly TagT[]): { code: number; message?: string } | undefined {
  const otel = tagValue(tags, 'otel.status_code');
  const message = tagValue(tags, 'otel.status_description') ?? tagValue(tags, 'error.message');
  const failed = tagValue(tags, 'error') === true || tagValue(tags, 'error') === 'true' || otel === 'ERROR';
  if (failed) return typeof message === 'string' ? { code: 2, message } : { code: 2 };
  return otel === 'OK' ? { code: 1 } : undefined;
}

/** One Jaeger trace as an OTLP export (one resource per process), or null with the reason when it is not Jaeger's shape. */
export function jaegerToOtlp(raw: unknown): { otlp: unknown; malformed: number } | null {
  const trace = JaegerTrace.safeParse(raw);
  if (!trace.success) return null;
  const byProcess = new Map<string, unknown[]>();
  let malformed = 0;
  for (const item of trace.data.spans) {
    const sp = JaegerSpan.safeParse(item);
    if (!sp.success) {
      malformed++;
      continue;
    }
    const s = sp.data;
    const tags = s.tags ?? [];
    const refs = s.references ?? [];
    const parent =
      refs.find((r) => r.refType === 'CHILD_OF' && r.traceID === s.traceID) ??
      refs.find((r) => r.traceID === s.traceID);
    const kind = tagValue(tags, 'span.kind');
    const status = statusOf(tags);
    const span = {
      traceId: hexId(s.traceID),
      spanId: hexId(s.spanID),
      ...(parent ? { parentSpanId: hexId(parent.spanID) } : {}),
      name: s.operationName,
      ...(typeof kind === 'string' ? { kind } : {}),
      // Microseconds to nanoseconds as decimal strings, exactly (no float on the way).
      startTimeUnixNano: `${Math.round(s.startTime)}000`,
      endTimeUnixNano: `${Math.round(s.startTime + s.duration)}000`,
      attributes: tags.map(attr),
      ...(status ? { status } : {}),
    };
    const list = byProcess.get(s.processID) ?? [];
    list.push(span);
    byProcess.set(s.processID, list);
  }
  const resourceSpans = [...byProcess.entries()].map(([pid, spans]) => ({
    resource: {
      attributes: [
        { key: 'service.name', value: { stringValue: trace.data.processes[pid]?.serviceName ?? 'unknown' } },
      ],
    },
    scopeSpans: [{ spans }],
  }));
  return { otlp: { resourceSpans }, malformed };
}

/** Traces from Jaeger; metrics, logs and changes are not its business. */
export class JaegerSource extends TracesOnlySource implements EvidenceSource {
  readonly name = 'jaeger';
  private readonly limits: TraceLimits;
  private readonly headers: Record<string, string>;
  private readonly log = new ProblemLog();

  constructor(private readonly opts: JaegerSourceOptions) {
    super();
    this.limits = traceLimits('Jaeger', opts.limits);
    this.headers = opts.token ? { Authorization: `Bearer ${opts.token}` } : {};
  }

  /** Jaeger answers `{ data, errors }`; errors (even with HTTP 200) fail the query with Jaeger's message. */
  private async data(path: string, params: Array<[string, string]>): Promise<unknown[]> {
    const env = Envelope.safeParse(
      await getTraceJson('Jaeger', this.opts.fetch, this.opts.url, path, params, this.headers, this.limits.timeoutMs),
    );
    if (!env.success) throw new TraceQueryError('Jaeger', 'expected { data: [...] }', `GET ${path}`);
    const err = env.data.errors?.[0];
    if (err) throw new TraceQueryError('Jaeger', `${err.code ?? ''} ${err.msg ?? 'error'}`.trim(), `GET ${path}`);
    return env.data.data ?? [];
  }

  private async serviceNames(): Promise<string[]> {
    const names = z.array(z.string()).safeParse(await this.data('/api/services', []));
    if (!names.success) throw new TraceQueryError('Jaeger', 'expected a list of service names', 'GET /api/services');
    return [...new Set(names.data)].sort();
  }

  async capabilities(): Promise<SourceCapabilities> {
    return { signals: ['traces'], services: await this.serviceNames(), labels: [] };
  }

  protected override async read(q: TimeQuery): Promise<Span[]> {
    // Jaeger's search needs a service: the ones asked for, else every service it knows.
    const services = q.services ?? (await this.serviceNames());
    const slices = slicesOf(q.from, q.to, this.limits.slices);
    const perQuery = Math.max(1, Math.ceil(this.limits.maxTraces / (slices.length * Math.max(1, services.length))));
    const queries = services.flatMap((service) => slices.map(([from, to]) => ({ service, from, to })));
    const reservoir = new SpanReservoir(this.limits.maxSpans);
    const seen = new Set<string>();
    await mapBounded(queries, this.limits.concurrency, async ({ service, from, to }) => {
      // start and end in microseconds; a trace another query already brought is not parsed twice.
      const params: Array<[string, string]> = [
        ['service', service],
        ['start', `${Math.floor(from)}000`],
        ['end', `${Math.ceil(to)}000`],
        ['limit', String(perQuery)],
      ];
      const traces = await this.data('/api/traces', params);
      if (traces.length >= perQuery)
        this.log.add(
          'jaeger',
          `search returned its limit of ${perQuery} traces for a service in a slice of the window; more traces were not read`,
        );
      for (const raw of traces) {
        const id =
          typeof raw === 'object' && raw !== null && typeof (raw as { traceID?: unknown }).traceID === 'string'
            ? hexId((raw as { traceID: string }).traceID)
            : '';
        if (id && seen.has(id)) continue;
        if (seen.size >= this.limits.maxTraces) {
          this.log.add('jaeger', `traces over the cap of ${this.limits.maxTraces} were not read`);
          continue;
        }
        const converted = jaegerToOtlp(raw);
        if (!converted) {
          this.log.add('jaeger', 'trace without the Jaeger shape (traceID, spans, processes)');
          continue;
        }
        seen.add(id);
        if (converted.malformed) this.log.add('jaeger', 'spans without the Jaeger span shape');
        parseOtlp(converted.otlp, reservoir);
      }
    });
    if (reservoir.dropped)
      this.log.set('jaeger', `spans over the cap of ${this.limits.maxSpans}: whole traces sampled`, reservoir.dropped);
    // As the files source does: spans that start in the range, of the services asked for.
    const want = q.services ? new Set(q.services) : null;
    return reservoir.spans.filter((s) => s.startMs >= q.from && s.startMs <= q.to && (!want || want.has(s.service)));
  }

  problems(): ParseProblem[] {
    return this.log.list();
  }
}

/** Jaeger in the source list: configured by JAEGER_URL, serves traces instead of the files' `traces/`. */
export const jaegerDefinition: SourceDefinition = {
  kind: 'jaeger',
  title: 'Jaeger',
  signals: ['traces'],
  takesOver: ['traces'],
  settings: ['JAEGER_URL', 'JAEGER_TOKEN', 'SOURCE_TIMEOUT_MS'],
  configure({ evidence: e }, { fetch }) {
    const url = e.jaegerUrl;
    if (!url) return null;
    return {
      description: `Jaeger (${safeUrl(url)})`,
      open: () =>
        new JaegerSource({
          url,
          fetch,
          limits: { timeoutMs: e.timeoutMs },
          ...(e.jaegerToken ? { token: e.jaegerToken } : {}),
        }),
    };
  },
};

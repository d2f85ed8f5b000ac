// Traces from Grafana Tempo over its HTTP API: TraceQL search (`/api/search`) per slice of the window for
// trace ids, then each trace by id (`/api/traces/<id>`, OTLP JSON), parsed by the same code as the files
// source's OTLP exports, so the trace analyzer sees the same spans whichever the traces come from.
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

export interface TempoSourceOptions {
  /** Tempo's query frontend, e.g. http://tempo:3200 (TEMPO_URL). */
  url: string;
  fetch: FetchFn;
  /** Bearer token (TEMPO_TOKEN), e.g. for Grafana Cloud or a gateway. */
  token?: string;
  limits?: Partial<TraceLimits>;
}

const SearchAnswer = z.looseObject({
  traces: z.array(z.looseObject({ traceID: z.string().min(1), startTimeUnixNano: z.string().optional() })).nullish(),
});
const TagValues = z.looseObject({ tagValues: z.array(z.string()).nullish() });
const ResourceSpans = z.array(
  z.looseObject({ scopeSpans: z.array(z.looseObject({ spans: z.array(z.unknown()).default([]) })).optional() }),
);
/** `/api/traces/<id>` answers `{ batches }`; `/api/v2/traces/<id>` and OTLP itself use `resourceSpans`. */
const TraceAnswer = z.looseObject({
  batches: ResourceSpans.optional(),
  resourceSpans: ResourceSpans.optional(),
  trace: z.looseObject({ resourceSpans: ResourceSpans.optional() }).optional(),
});

/** A TraceQL string literal. */
function traceqlString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The TraceQL query for spans of these services (every trace when none are named). */
export function tempoQuery(services: readonly string[] | undefined): string {
  if (!services || services.length === 0) return '{}';
  return `{ ${services.map((s) => `resource.service.name = ${traceqlString(s)}`).join(' || ')} }`;
}

/** Ids in a trace's spans rewritten as hex, so parent links and evidence ids read like everywhere else. */
function withHexIds(batches: z.infer<typeof ResourceSpans>): unknown {
  return {
    resourceSpans: batches.map((rs) => ({
      ...rs,
      scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({
        ...ss,
        spans: ss.spans.map((sp) => {
          if (typeof sp !== 'object' || sp === null) return sp;
          const o = sp as Record<string, unknown>;
          const hex = (k: string): Record<string, unknown> =>
            typeof o[k] === 'string' && o[k] !== '' ? { [k]: hexId(o[k]) } : {};
          return { ...o, ...hex('traceId'), ...hex('spanId'), ...hex('parentSpanId') };
        }),
      })),
    })),
  };
}

/** Traces from Tempo; metrics, logs and changes are not its business. */
export class TempoSource extends TracesOnlySource implements EvidenceSource {
  readonly name = 'tempo';
  private readonly limits: TraceLimits;
  private readonly headers: Record<string, string>;
  private readonly log = new ProblemLog();

  constructor(private readonly opts: TempoSourceOptions) {
    super();
    this.limits = traceLimits('Tempo', opts.limits);
    this.headers = opts.token ? { Authorization: `Bearer ${opts.token}` } : {};
  }

  private get(path: string, params: Array<[string, string]>): Promise<unknown> {
    return getTraceJson('Tempo', this.opts.fetch, this.opts.url, path, params, this.headers, this.limits.timeoutMs);
  }

  async capabilities(): Promise<SourceCapabilities> {
    const answer = TagValues.safeParse(await this.get('/api/search/tag/service.name/values', []));
    if (!answer.success) throw new TraceQueryError('Tempo', 'expected { tagValues: [...] }', 'service names');
    return { signals: ['traces'], services: [...new Set(answer.data.tagValues ?? [])].sort(), labels: [] };
  }

  protected override async read(q: TimeQuery): Promise<Span[]> {
    const query = tempoQuery(q.services);
    const slices = slicesOf(q.from, q.to, this.limits.slices);
    const perSlice = Math.max(1, Math.ceil(this.limits.maxTraces / slices.length));
    const found = await mapBounded(slices, this.limits.concurrency, async ([from, to]) => {
      // Tempo's search takes whole seconds; a trace found in two slices is read once (below).
      const params: Array<[string, string]> = [
        ['q', query],
        ['start', String(Math.floor(from / 1000))],
        ['end', String(Math.ceil(to / 1000))],
        ['limit', String(perSlice)],
      ];
      const answer = SearchAnswer.safeParse(await this.get('/api/search', params));
      if (!answer.success) throw new TraceQueryError('Tempo', 'expected { traces: [...] }', `search ${query}`);
      const traces = answer.data.traces ?? [];
      if (traces.length >= perSlice)
        this.log.add(
          'tempo',
          `search returned its limit of ${perSlice} traces in a slice of the window; more traces were not read`,
        );
      return traces.map((t) => hexId(t.traceID));
    });
    const ids = [...new Set(found.flat())].slice(0, this.limits.maxTraces);
    const reservoir = new SpanReservoir(this.limits.maxSpans);
    await mapBounded(ids, this.limits.concurrency, async (id) => {
      let raw: unknown;
      try {
        raw = await this.get(`/api/traces/${encodeURIComponent(id)}`, []);
      } catch (err) {
        // A trace the search named but the store no longer has (retention, compaction): skip it, say so.
        if (err instanceof TraceQueryError && err.detail.startsWith('HTTP 404')) {
          this.log.add('tempo', 'trace named by the search was not found');
          return;
        }
        throw err;
      }
      const answer = TraceAnswer.safeParse(raw);
      const batches = answer.success
        ? (answer.data.batches ?? answer.data.resourceSpans ?? answer.data.trace?.resourceSpans)
        : undefined;
      if (!batches) {
        this.log.add('tempo', 'trace answer is not OTLP JSON (no batches or resourceSpans)');
        return;
      }
      parseOtlp(withHexIds(batches), reservoir);
    });
    if (reservoir.malformed) this.log.set('tempo', 'spans without the OTLP span shape', reservoir.malformed);
    if (reservoir.dropped)
      this.log.set('tempo', `spans over the cap of ${this.limits.maxSpans}: whole traces sampled`, reservoir.dropped);
    // As the files source does: spans that start in the range, of the services asked for.
    const want = q.services ? new Set(q.services) : null;
    return reservoir.spans.filter((s) => s.startMs >= q.from && s.startMs <= q.to && (!want || want.has(s.service)));
  }

  problems(): ParseProblem[] {
    return this.log.list();
  }
}

/** Tempo in the source list: configured by TEMPO_URL, serves traces instead of the files' `traces/`. */
export const tempoDefinition: SourceDefinition = {
  kind: 'tempo',
  title: 'Tempo',
  signals: ['traces'],
  takesOver: ['traces'],
  settings: ['TEMPO_URL', 'TEMPO_TOKEN', 'SOURCE_TIMEOUT_MS'],
  configure({ evidence: e }, { fetch }) {
    const url = e.tempoUrl;
    if (!url) return null;
    return {
      description: `Tempo (${safeUrl(url)})`,
      open: () =>
        new TempoSource({
          url,
          fetch,
          limits: { timeoutMs: e.timeoutMs },
          ...(e.tempoToken ? { token: e.tempoToken } : {}),
        }),
    };
  },
};

// Prometheus over its HTTP API. Metrics come back as the raw samples (a range-vector selector
// evaluated at `to`), so the analyzers see exactly what the files source gives them; with an
// explicit step they come from /api/v1/query_range instead (for long windows).
// Counters are returned raw: the analyzers take rates themselves.

import { z } from 'zod';
import type {
  Change, EvidenceSource, IncidentMeta, LogEvent, MetricSeries, MetricType, ParseProblem, SourceCapabilities, TimeQuery, Topology,
} from '../types';
import { PrometheusQueryError } from './errors';
import { getJson, regexAlternation, type FetchFn } from './http';

export interface PrometheusSourceOptions {
  url: string;
  fetch: FetchFn;
  /** Label that names the service on every series (default `service`). */
  serviceLabel?: string;
  /** Bearer token sent as `Authorization` (PROMETHEUS_TOKEN). */
  token?: string;
}

const Sample = z.tuple([z.number(), z.string()]);
const Envelope = z.object({
  status: z.enum(['success', 'error']),
  data: z.unknown().optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
});
const Matrix = z.object({
  resultType: z.literal('matrix'),
  result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(Sample) })),
});
const SeriesList = z.array(z.record(z.string(), z.string()));
const NameList = z.array(z.string());

function sampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text); // 'NaN' -> NaN
}

const UNIT_SUFFIXES = ['seconds', 'bytes', 'ratio', 'celsius', 'meters', 'volts', 'amperes', 'joules', 'grams'];

/** Family, type and unit from the naming conventions (TSDBs built from files carry no metadata). */
export function inferShape(name: string, labels: Record<string, string>, allNames: Set<string>): { family: string; type: MetricType; unit?: string } {
  let family = name;
  let type: MetricType = 'gauge';
  const base = (suf: string): string => name.slice(0, -suf.length);
  if (name.endsWith('_total')) {
    family = base('_total');
    type = 'counter';
  } else if (name.endsWith('_bucket') && 'le' in labels) {
    family = base('_bucket');
    type = 'histogram';
  } else if (name.endsWith('_sum') || name.endsWith('_count')) {
    const b = name.endsWith('_sum') ? base('_sum') : base('_count');
    if (allNames.has(`${b}_bucket`)) {
      family = b;
      type = 'histogram';
    } else if (allNames.has(b)) {
      family = b;
      type = 'summary';
    }
  } else if ('quantile' in labels) {
    type = 'summary';
  }
  const unit = UNIT_SUFFIXES.find((u) => family.endsWith(`_${u}`));
  return unit ? { family, type, unit } : { family, type };
}

/** Metrics from a Prometheus server; logs, changes and topology are not its business. */
export class PrometheusSource implements EvidenceSource {
  readonly name = 'prometheus';
  private readonly url: string;
  private readonly fetchFn: FetchFn;
  private readonly serviceLabel: string;
  private readonly headers: Record<string, string> | undefined;

  constructor(opts: PrometheusSourceOptions) {
    this.url = opts.url;
    this.fetchFn = opts.fetch;
    this.serviceLabel = opts.serviceLabel ?? 'service';
    this.headers = opts.token ? { Authorization: `Bearer ${opts.token}` } : undefined;
  }

  private async api(path: string, params: Array<[string, string]>, what: string): Promise<unknown> {
    let res;
    try {
      res = await getJson(this.fetchFn, this.url, path, params, this.headers);
    } catch (err) {
      throw new PrometheusQueryError('unreachable', `${this.url}: ${(err as Error).message}`, what, { cause: err });
    }
    const env = Envelope.safeParse(res.json);
    if (!env.success) throw new PrometheusQueryError(`http_${res.status}`, res.text.slice(0, 200) || 'empty response', what);
    if (env.data.status === 'error') throw new PrometheusQueryError(env.data.errorType ?? 'error', env.data.error ?? 'unknown error', what);
    return env.data.data;
  }

  private selector(services: string[] | undefined): string {
    return services ? `{${this.serviceLabel}=~"${regexAlternation(services)}"}` : `{${this.serviceLabel}=~".+"}`;
  }

  async capabilities(): Promise<SourceCapabilities> {
    const labels = NameList.parse(await this.api('/api/v1/labels', [], 'labels')).filter((l) => l !== '__name__');
    const services = NameList.parse(await this.api(`/api/v1/label/${this.serviceLabel}/values`, [], 'service values'));
    return { signals: ['metrics'], services: services.sort(), labels: labels.sort() };
  }

  async clock(): Promise<number | null> {
    return null;
  }

  async incident(): Promise<IncidentMeta | null> {
    return null;
  }

  async *logs(_q: TimeQuery): AsyncGenerator<LogEvent> {
    // Prometheus holds no logs.
  }

  async metrics(q: TimeQuery & { stepSeconds?: number }): Promise<MetricSeries[]> {
    if (q.services && q.services.length === 0) return [];
    const sel = this.selector(q.services);
    const seriesRaw = await this.api('/api/v1/series', [['match[]', sel], ['start', String(q.from / 1000)], ['end', String(q.to / 1000)]], `series ${sel}`);
    const names = new Set(SeriesList.parse(seriesRaw).map((s) => s['__name__'] ?? '').filter(Boolean));
    const out: MetricSeries[] = [];
    for (const name of [...names].sort()) {
      const query = `${name}${sel}`;
      const data = q.stepSeconds
        ? await this.api('/api/v1/query_range', [['query', query], ['start', String(q.from / 1000)], ['end', String(q.to / 1000)], ['step', String(q.stepSeconds)]], query)
        : await this.api('/api/v1/query', [['query', `${query}[${Math.max(1, q.to - q.from + 1)}ms]`], ['time', String(q.to / 1000)]], query);
      const matrix = Matrix.safeParse(data);
      if (!matrix.success) throw new PrometheusQueryError('bad_data', 'expected a matrix result', query);
      for (const r of matrix.data.result) {
        const labels: Record<string, string> = { ...r.metric };
        delete labels['__name__'];
        const service = labels[this.serviceLabel];
        if (!service) continue;
        const shape = inferShape(name, labels, names);
        const s: MetricSeries = {
          name, family: shape.family, type: shape.type, service, labels,
          points: r.values.map(([t, v]) => [Math.round(t * 1000), sampleValue(v)] as [number, number]),
        };
        if (shape.unit) s.unit = shape.unit;
        out.push(s);
      }
    }
    return out;
  }

  async changes(_q: TimeQuery): Promise<Change[]> {
    return [];
  }

  async topology(): Promise<Topology | null> {
    return null;
  }

  problems(): ParseProblem[] {
    return [];
  }
}

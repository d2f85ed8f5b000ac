// Prometheus over its HTTP API, queried the way it is run: /api/v1/query_range with a step chosen
// from the window (about 500 points per series), counters as server-side rate() and histograms as
// server-side histogram_quantile() (p99 and p50), everything else as it is; the kind comes from
// /api/v1/metadata, else from the name's suffix. Requests have a timeout and run a few at a time.

import { z } from 'zod';
import type { BasicAuth } from '../../config';
import type {
  Change,
  EvidenceSource,
  IncidentMeta,
  LinkTarget,
  LogEvent,
  MetricSeries,
  MetricType,
  ParseProblem,
  SourceCapabilities,
  TimeQuery,
  Topology,
} from '../types';
import { PrometheusQueryError } from './errors';
import {
  authHeaders,
  getJson,
  mapLimit,
  regexAlternation,
  safeUrl,
  SERVICE_LABELS,
  transportProblem,
  type FetchFn,
} from './http';
import { evidenceLink, type LinkSettings } from './links';
import type { SourceDefinition } from './registry';

export interface PrometheusSourceOptions {
  url: string;
  fetch: FetchFn;
  /** Label that names the service on every series; unset = the first of SERVICE_LABELS that has values. */
  serviceLabel?: string;
  /** Bearer token sent as `Authorization` (PROMETHEUS_TOKEN). */
  token?: string;
  /** Basic auth (PROMETHEUS_USERNAME / PROMETHEUS_PASSWORD), as Prometheus's own web config does it. */
  basic?: BasicAuth;
  /** Per request (default 15 s). */
  timeoutMs?: number;
  /** Queries in flight at once (default 4). */
  concurrency?: number;
  /** Points per series aimed at when no step is given (default 500). */
  points?: number;
  links?: LinkSettings;
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
const NameList = z.array(z.string());
const Metadata = z.record(z.string(), z.array(z.object({ type: z.string() }).passthrough()));

function sampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text); // 'NaN' -> NaN
}

const UNIT_SUFFIXES = ['seconds', 'bytes', 'ratio', 'celsius', 'meters', 'volts', 'amperes', 'joules', 'grams'];

/** Family, type and unit from the naming conventions (TSDBs built from files carry no metadata). */
export function inferShape(
  name: string,
  labels: Record<string, string>,
  allNames: Set<string>,
): { family: string; type: MetricType; unit?: string } {
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

/** One query_range to run and how to label what it returns. */
interface Plan {
  name: string;
  query: string;
  derived?: MetricSeries['derived'];
}

/** Metrics from a Prometheus server; logs, changes and topology are not its business. */
export class PrometheusSource implements EvidenceSource {
  readonly name = 'prometheus';
  private readonly url: string;
  private readonly fetchFn: FetchFn;
  private readonly headers: Record<string, string> | undefined;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly points: number;
  private readonly links: LinkSettings;
  private label: Promise<string> | null = null;
  private knownLabel: string | undefined;

  constructor(opts: PrometheusSourceOptions) {
    this.url = opts.url;
    this.fetchFn = opts.fetch;
    const headers = authHeaders(opts);
    this.headers = Object.keys(headers).length > 0 ? headers : undefined;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.concurrency = opts.concurrency ?? 4;
    this.points = opts.points ?? 500;
    this.links = opts.links ?? {};
    if (opts.serviceLabel) {
      this.knownLabel = opts.serviceLabel;
      this.label = Promise.resolve(opts.serviceLabel);
    }
  }

  private async api(path: string, params: Array<[string, string]>, what: string): Promise<unknown> {
    let res;
    try {
      res = await getJson(this.fetchFn, this.url, path, params, this.headers, this.timeoutMs);
    } catch (err) {
      const problem = transportProblem(err, this.timeoutMs);
      throw new PrometheusQueryError(
        problem.startsWith('timed out') ? 'timeout' : 'unreachable',
        `${safeUrl(this.url)}: ${problem}`,
        what,
        { cause: err },
      );
    }
    const env = Envelope.safeParse(res.json);
    if (!env.success)
      throw new PrometheusQueryError(`http_${res.status}`, res.text.slice(0, 200).trim() || 'empty response', what);
    if (env.data.status === 'error')
      throw new PrometheusQueryError(env.data.errorType ?? 'error', env.data.error ?? 'unknown error', what);
    return env.data.data;
  }

  /** A list of names (label values, label names) or a typed error. */
  private async names(path: string, params: Array<[string, string]>, what: string): Promise<string[]> {
    const list = NameList.safeParse(await this.api(path, params, what));
    if (!list.success) throw new PrometheusQueryError('bad_data', 'expected a list of names', what);
    return list.data;
  }

  private values(label: string): Promise<string[]> {
    return this.names(`/api/v1/label/${encodeURIComponent(label)}/values`, [], `${label} values`);
  }

  /** The service label: configured, else the first conventional one with values (`service` when none has). */
  private serviceLabel(): Promise<string> {
    this.label ??= (async () => {
      for (const l of SERVICE_LABELS) {
        if ((await this.values(l)).length > 0) return (this.knownLabel = l);
      }
      return (this.knownLabel = 'service');
    })().catch((err: unknown) => {
      this.label = null; // a failed probe is retried on the next call
      throw err;
    });
    return this.label;
  }

  private selector(label: string, services: string[] | undefined): string {
    return services ? `{${label}=~"${regexAlternation(services)}"}` : `{${label}=~".+"}`;
  }

  async capabilities(): Promise<SourceCapabilities> {
    const label = await this.serviceLabel();
    const labels = (await this.names('/api/v1/labels', [], 'labels')).filter((l) => l !== '__name__');
    const services = await this.values(label);
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

  /** Metric types by family from /api/v1/metadata; empty when the server has none (a backfilled TSDB). */
  private async metadata(): Promise<Map<string, string>> {
    const raw = await this.api('/api/v1/metadata', [['limit_per_metric', '1']], 'metadata').catch(() => null);
    const parsed = Metadata.safeParse(raw);
    const out = new Map<string, string>();
    if (parsed.success)
      for (const [name, list] of Object.entries(parsed.data)) if (list[0]) out.set(name, list[0].type);
    return out;
  }

  /** What to ask for one metric name: a rate, two quantiles, nothing (a histogram's _sum/_count) or the series itself. */
  private plan(name: string, sel: string, types: Map<string, string>, names: Set<string>, rateWindow: string): Plan[] {
    const shape = inferShape(name, name.endsWith('_bucket') ? { le: '' } : {}, names);
    const declared = types.get(shape.family) ?? types.get(name);
    const type =
      declared === 'counter' || declared === 'histogram' || declared === 'summary' || declared === 'gauge'
        ? declared
        : shape.type;
    if (type === 'histogram' && name.endsWith('_bucket')) {
      return [0.99, 0.5].map((q) => ({
        name,
        query: `histogram_quantile(${q}, rate(${name}${sel}[${rateWindow}]))`,
        derived: { quantile: q },
      }));
    }
    if ((type === 'histogram' || type === 'summary') && /_(sum|count)$/.test(name)) return [];
    if (type === 'counter') return [{ name, query: `rate(${name}${sel}[${rateWindow}])`, derived: 'rate' }];
    return [{ name, query: `${name}${sel}` }];
  }

  async metrics(q: TimeQuery & { stepSeconds?: number }): Promise<MetricSeries[]> {
    if (q.services && q.services.length === 0) return [];
    const label = await this.serviceLabel();
    const sel = this.selector(label, q.services);
    const start = String(q.from / 1000);
    const end = String(q.to / 1000);
    const names = new Set(
      await this.names(
        '/api/v1/label/__name__/values',
        [
          ['match[]', sel],
          ['start', start],
          ['end', end],
        ],
        `names ${sel}`,
      ),
    );
    const types = await this.metadata();
    // At least a second between points, to the millisecond (Prometheus takes a fractional step).
    const step = q.stepSeconds ?? Math.max(1, Math.round((q.to - q.from) / this.points) / 1000);
    // rate() needs a few samples per window whatever the scrape interval; one minute covers a 15 s scrape.
    const rateWindow = `${Math.max(Math.ceil(4 * step), 60)}s`;
    const plans = [...names].sort().flatMap((name) => this.plan(name, sel, types, names, rateWindow));
    const results = await mapLimit(plans, this.concurrency, async (p) => {
      const data = await this.api(
        '/api/v1/query_range',
        [
          ['query', p.query],
          ['start', start],
          ['end', end],
          ['step', String(step)],
        ],
        p.query,
      );
      const matrix = Matrix.safeParse(data);
      if (!matrix.success) throw new PrometheusQueryError('bad_data', 'expected a matrix result', p.query);
      return matrix.data.result.flatMap((r): MetricSeries[] => {
        const labels: Record<string, string> = { ...r.metric };
        delete labels['__name__'];
        const service = labels[label];
        if (!service) return [];
        const shape = inferShape(
          p.name,
          p.derived && typeof p.derived === 'object' ? { ...labels, le: '' } : labels,
          names,
        );
        const s: MetricSeries = {
          name: p.name,
          family: shape.family,
          type: p.derived === 'rate' ? 'counter' : shape.type,
          service,
          labels,
          points: r.values
            .map(([t, v]) => [Math.round(t * 1000), sampleValue(v)] as [number, number])
            .filter(([t]) => t >= q.from && t <= q.to),
        };
        if (shape.unit) s.unit = shape.unit;
        if (p.derived) s.derived = p.derived;
        return [s];
      });
    });
    return results.flat();
  }

  /** The Grafana Explore or Prometheus graph link of a series, in this server's service label. */
  link(target: LinkTarget): string | undefined {
    if (target.signal !== 'metrics') return undefined;
    return evidenceLink(
      { ...this.links, prometheusUrl: this.links.prometheusUrl ?? this.url },
      target,
      this.knownLabel ?? 'service',
    );
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

/** Prometheus (PROMETHEUS_URL): metrics, taking them over from the files. */
export const prometheusDefinition: SourceDefinition = {
  kind: 'prometheus',
  title: 'Prometheus',
  signals: ['metrics'],
  takesOver: ['metrics'],
  settings: [
    'PROMETHEUS_URL',
    'PROMETHEUS_TOKEN',
    'PROMETHEUS_USERNAME',
    'PROMETHEUS_PASSWORD',
    'PROMETHEUS_SERVICE_LABEL',
    'SOURCE_TIMEOUT_MS',
  ],
  configure({ evidence: e }, { fetch, links }) {
    const url = e.prometheusUrl;
    if (!url) return null;
    return {
      description: `Prometheus (${safeUrl(url)})`,
      open: () =>
        new PrometheusSource({
          url,
          fetch,
          links,
          timeoutMs: e.timeoutMs,
          ...(e.prometheusToken ? { token: e.prometheusToken } : {}),
          ...(e.prometheusBasic ? { basic: e.prometheusBasic } : {}),
          ...(e.prometheusServiceLabel ? { serviceLabel: e.prometheusServiceLabel } : {}),
        }),
    };
  },
};

// Prometheus over its HTTP API, queried the way it is run: /api/v1/query_range with a step chosen
// from the window (about 500 points per series), counters as server-side rate() and histograms as
// server-side histogram_quantile() (p99 and p50), everything else as it is; the kind comes from
// /api/v1/metadata, else from the name's suffix. Requests have a timeout and run a few at a time.
// Services are named as the files source names them (series-service.ts), unless a label is configured.

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
import { authHeaders, getJson, mapLimit, regexAlternation, safeUrl, transportProblem, type FetchFn } from './http';
import { evidenceLink, labelEquals, type LinkSettings } from './links';
import type { SourceDefinition } from './registry';
import {
  NAMING_LABELS,
  namedBySelectors,
  namingOf,
  serviceMatcher,
  serviceOfLabel,
  type Naming,
} from './series-service';

export interface PrometheusSourceOptions {
  url: string;
  fetch: FetchFn;
  /** The one label that names the service (PROMETHEUS_SERVICE_LABEL); unset = named as the files source names them. */
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
  /** The clock for how long the server's label names are kept (default Date.now). */
  now?: () => number;
}

/** Selector text a GET may carry: URLs past 8 KiB are refused by common proxies (nginx, ALB), so stay well under. */
const URL_SELECTORS_MAX = 4096;
/** How long one /api/v1/labels answer serves (see namingLabels). */
const LABELS_TTL_MS = 5 * 60_000;

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
  private readonly serviceLabel: string | undefined;
  /** The label that named a service on a metric (`name service`) in metrics() answers, for links. */
  private readonly namedBy = new Map<string, string>();
  private labelNames: { answer: Promise<{ labels: string[]; present: Set<string> }>; at: number } | undefined;
  private readonly now: () => number;

  constructor(opts: PrometheusSourceOptions) {
    this.url = opts.url;
    this.fetchFn = opts.fetch;
    const headers = authHeaders(opts);
    this.headers = Object.keys(headers).length > 0 ? headers : undefined;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.concurrency = opts.concurrency ?? 4;
    this.points = opts.points ?? 500;
    this.links = opts.links ?? {};
    this.serviceLabel = opts.serviceLabel || undefined;
    this.now = opts.now ?? Date.now;
  }

  private async api(
    path: string,
    params: Array<[string, string]>,
    what: string,
    method: 'GET' | 'POST' = 'GET',
  ): Promise<unknown> {
    let res;
    try {
      res = await getJson(this.fetchFn, this.url, path, params, this.headers, this.timeoutMs, method);
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

  /** A label's values on the series any of `selectors` (texts inside `{}`) selects; on all series when none. */
  private values(label: string, selectors: string[]): Promise<string[]> {
    return this.names(
      `/api/v1/label/${encodeURIComponent(label)}/values`,
      selectors.map((s) => ['match[]', `{${s}}`]),
      `${label} values`,
    );
  }

  /**
   * The naming labels this server has, in namingOf's order. Every metrics() call needs them and a server's
   * label names rarely change, so one answer serves LABELS_TTL_MS (the bot's source lives as long as the
   * process; a new exporter's label is seen within minutes); a failure is not kept.
   */
  private namingLabels(): Promise<{ labels: string[]; present: Set<string> }> {
    if (this.labelNames && this.now() - this.labelNames.at < LABELS_TTL_MS) return this.labelNames.answer;
    const answer = this.names('/api/v1/labels', [], 'labels').then(
      (names) => {
        const present = new Set(names);
        return { labels: NAMING_LABELS.filter((l) => present.has(l)), present };
      },
      (err: unknown) => {
        this.labelNames = undefined;
        throw err;
      },
    );
    this.labelNames = { answer, at: this.now() };
    return answer;
  }

  /**
   * Matchers (each the text inside `{}`) whose union holds the series of `services` (every named series
   * when undefined): the configured label, else one per naming label the server has, so a series named
   * only by its pod or job is found too. PromQL has no OR inside a selector, so queries join one vector
   * selector per matcher with `or` (which drops the duplicates of a series two matchers find): still one
   * query per metric, at most one selector per naming label. They may find more than asked (a `job`
   * matching where `service` names another service); metrics() keeps the series named as asked.
   */
  private async matchers(services: string[] | undefined): Promise<string[]> {
    const re = services ? regexAlternation(services) : '.+';
    if (this.serviceLabel) return [`${this.serviceLabel}=~"${re}"`];
    return (await this.namingLabels()).labels.map((l) => serviceMatcher(l, re));
  }

  /** The service and naming label of a returned series. */
  private naming(labels: Record<string, string>): Naming | undefined {
    if (!this.serviceLabel) return namingOf(labels);
    const service = labels[this.serviceLabel];
    return service ? { service, label: this.serviceLabel } : undefined;
  }

  async capabilities(): Promise<SourceCapabilities> {
    const { labels: naming, present } = await this.namingLabels();
    const labels = [...present].filter((l) => l !== '__name__');
    // Each naming label's values on the series it names (the labels read before it empty), a pod as its workload.
    const lists = this.serviceLabel
      ? [await this.values(this.serviceLabel, [])]
      : await mapLimit(naming, this.concurrency, async (l) => {
          const list = await this.values(l, namedBySelectors(l, present));
          return list.map((v) => serviceOfLabel(l, v));
        });
    return { signals: ['metrics'], services: [...new Set(lists.flat())].sort(), labels: labels.sort() };
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
  private plan(
    name: string,
    sels: string[],
    types: Map<string, string>,
    names: Set<string>,
    rateWindow: string,
  ): Plan[] {
    const shape = inferShape(name, name.endsWith('_bucket') ? { le: '' } : {}, names);
    const declared = types.get(shape.family) ?? types.get(name);
    const type =
      declared === 'counter' || declared === 'histogram' || declared === 'summary' || declared === 'gauge'
        ? declared
        : shape.type;
    const union = (f: (selector: string) => string): string => sels.map((s) => f(`${name}${s}`)).join(' or ');
    const rates = union((v) => `rate(${v}[${rateWindow}])`);
    if (type === 'histogram' && name.endsWith('_bucket'))
      return [0.99, 0.5].map((q) => ({ name, query: `histogram_quantile(${q}, ${rates})`, derived: { quantile: q } }));
    if ((type === 'histogram' || type === 'summary') && /_(sum|count)$/.test(name)) return [];
    if (type === 'counter') return [{ name, query: rates, derived: 'rate' }];
    return [{ name, query: union((v) => v) }];
  }

  async metrics(q: TimeQuery & { stepSeconds?: number }): Promise<MetricSeries[]> {
    if (q.services && q.services.length === 0) return [];
    const matchers = await this.matchers(q.services);
    if (matchers.length === 0) return []; // no label here names a service
    const selectors = matchers.map((m) => `{${m}}`);
    // Every series of a metric when no service is asked: those no label names are dropped below.
    const sels = q.services || this.serviceLabel ? selectors : [''];
    const want = q.services ? new Set(q.services) : null;
    const start = String(q.from / 1000);
    const end = String(q.to / 1000);
    // The metric names those series have. This endpoint is GET only: past URL_SELECTORS_MAX the names of every
    // named series are asked instead (a few more queries, each answering nothing for a service not asked).
    const nameSelectors =
      selectors.join('').length > URL_SELECTORS_MAX ? (await this.matchers(undefined)).map((m) => `{${m}}`) : selectors;
    const names = new Set(
      await this.names(
        '/api/v1/label/__name__/values',
        [...nameSelectors.map((s): [string, string] => ['match[]', s]), ['start', start], ['end', end]],
        `metric names`,
      ),
    );
    const types = await this.metadata();
    // At least a second between points, to the millisecond (Prometheus takes a fractional step).
    const step = q.stepSeconds ?? Math.max(1, Math.round((q.to - q.from) / this.points) / 1000);
    // rate() needs a few samples per window whatever the scrape interval; one minute covers a 15 s scrape.
    const rateWindow = `${Math.max(Math.ceil(4 * step), 60)}s`;
    const plans = [...names].sort().flatMap((name) => this.plan(name, sels, types, names, rateWindow));
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
        // A query for many services joins a selector per naming label: POST keeps it out of the URL.
        'POST',
      );
      const matrix = Matrix.safeParse(data);
      if (!matrix.success) throw new PrometheusQueryError('bad_data', 'expected a matrix result', p.query);
      return matrix.data.result.flatMap((r): MetricSeries[] => {
        const labels: Record<string, string> = { ...r.metric };
        delete labels['__name__'];
        const naming = this.naming(labels);
        if (!naming || (want && !want.has(naming.service))) return [];
        const { service } = naming;
        this.namedBy.set(`${p.name} ${service}`, naming.label);
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

  /** The Grafana Explore or Prometheus graph link of a series, selected by the label that named its service. */
  link(target: LinkTarget): string | undefined {
    if (target.signal !== 'metrics') return undefined;
    // The same service may be `service` on its own metrics and a pod on cAdvisor's.
    const label = this.namedBy.get(`${target.name} ${target.service}`) ?? 'service';
    return evidenceLink(
      { ...this.links, prometheusUrl: this.links.prometheusUrl ?? this.url },
      target,
      this.serviceLabel
        ? labelEquals(this.serviceLabel)
        : (service) => serviceMatcher(label, regexAlternation([service])),
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

// Turns raw exposed series into signals a person reasons about: counters into per-second rates,
// histogram buckets into p50/p99, summaries into their quantiles, gauges as they are.

import type { MetricSeries, SeriesAnomaly } from '../types';
import { limitShares } from './limits';
import { counterRate, finitePoints, histogramQuantile, labelKey, sumByTime } from './series-math';

export type Kind = SeriesAnomaly['kind'];

/** A derived, analysable time series. */
export interface Signal {
  key: string;
  service: string;
  family: string;
  metric: string;
  kind: Kind;
  unit: string;
  /** Which direction of movement is bad for users: a success rate going down, latency going up. */
  bad: Polarity;
  points: Array<[number, number]>;
}

export type Polarity = 'up' | 'down' | 'both';

/** Labels holding an HTTP status: Prometheus clients, OTel (`http.response.status_code`, older `http.status_code`), Istio. */
const STATUS_LABELS = [
  'status',
  'code',
  'status_code',
  'http_status',
  'http_status_code',
  'http_response_status_code',
  'response_code',
];

/** Series whose healthy state is high: a success rate, availability, an up/healthy flag, an apdex. */
const GOOD_WHEN_HIGH = /success|availab|apdex|uptime|(^|_)up$|healthy|(^|_)ok(_|$)|hit_ratio|hit_rate/;

/**
 * A queue's depth or lag: messages ready, unacked or visible (RabbitMQ, SQS), a consumer group's lag (Kafka),
 * a queue's length. Not a connection pool's wait queue nor an event loop's lag: those are the service's own.
 */
const BACKLOG =
  /queue_(depth|size|length|messages)|messages_(ready|unacked|unacknowledged|pending|waiting|visible|in_queue)|pending_messages|approximate_?number_?of_?messages|consumer_?group_lag|consumer_lag|records_lag|offset_lag|backlog/;

/** Whether a series' name says it is a queue's depth or lag (see BACKLOG). */
export function isBacklogName(name: string): boolean {
  const n = name.toLowerCase();
  return BACKLOG.test(n) && !/pool|event_?loop/.test(n);
}

/** Classifies a series by name and labels: good-when-high ratios, saturation (cpu_seconds is not latency; a backlog), errors, latency, traffic. */
export function classify(name: string, labels: Record<string, string>): Kind {
  const n = name.toLowerCase();
  if (GOOD_WHEN_HIGH.test(n)) return 'errors';
  if (isBacklogName(n)) return 'saturation';
  if (
    /cpu|memory|mem_|heap|connections|conn_|activity|pool|queue|depth|backlog|utiliz|saturation|threads|clients|disk|_fds/.test(
      n,
    )
  )
    return 'saturation';
  const status = STATUS_LABELS.map((l) => labels[l]).find((v) => v !== undefined);
  if (status !== undefined && isErrorStatus(status)) return 'errors';
  if (/error|fail|exception|timeout|rejected/.test(n)) return 'errors';
  if (/duration|latency|response_time|_seconds/.test(n)) return 'latency';
  if (/requests|_total|rps|throughput|messages|ops|commands/.test(n)) return 'traffic';
  return 'other';
}

/** A status that is the server's failure: 5xx, or a named error status (OTel span metrics' `STATUS_CODE_ERROR`). */
function isErrorStatus(status: string): boolean {
  return /^5(\d\d|xx)$/i.test(status) || /error|fail/i.test(status);
}

/** Which direction of a series of this name and kind hurts users (traffic: either). */
export function polarity(name: string, kind: Kind): Polarity {
  if (GOOD_WHEN_HIGH.test(name.toLowerCase())) return 'down';
  if (kind === 'traffic' || kind === 'other') return 'both';
  return 'up';
}

const UNIT_ALIASES: Record<string, string> = {
  seconds: 's',
  second: 's',
  milliseconds: 'ms',
  millisecond: 'ms',
  byte: 'bytes',
  ratio: 'ratio',
  percent: '%',
};

function unitOf(s: MetricSeries): string {
  if (s.unit) return UNIT_ALIASES[s.unit] ?? s.unit;
  if (/_seconds(_total)?$|_seconds_(bucket|sum|count)$/.test(s.name) || /_seconds$/.test(s.family)) return 's';
  if (/_milliseconds(_total)?$|_milliseconds_(bucket|sum|count)$/.test(s.name) || /_milliseconds$/.test(s.family))
    return 'ms';
  if (/_bytes/.test(s.name)) return 'bytes';
  if (/_millicores$/.test(s.name)) return 'millicores';
  if (/_ratio$/.test(s.name)) return 'ratio';
  if (/_percent$/.test(s.name)) return '%';
  return '';
}

function human(family: string): string {
  const base = family
    .replace(/_(total|seconds|milliseconds|millicores|bytes|ratio|count)$/g, '')
    .replace(/^(nginx_http_|nginx_|http_|process_)/, '');
  if (/request_duration|latency|response_time/.test(base)) return 'latency';
  return base.replace(/_/g, ' ');
}

function statusClass(labels: Record<string, string>): string | null {
  for (const l of STATUS_LABELS) {
    const v = labels[l];
    if (v !== undefined) return /^\d/.test(v) ? `${v[0]}xx` : v;
  }
  return null;
}

function histogramSignals(group: MetricSeries[], out: Signal[]): void {
  const first = group[0] as MetricSeries;
  // ts -> le -> per-second rate of that bucket
  const byTs = new Map<number, Array<[number, number]>>();
  let nBuckets = 0;
  for (const s of group) {
    const le = Number(s.labels.le === '+Inf' ? Infinity : s.labels.le);
    if (Number.isNaN(le)) continue;
    nBuckets++;
    for (const [t, r] of counterRate(s.points)) {
      const row = byTs.get(t) ?? [];
      row.push([le, r]);
      byTs.set(t, row);
    }
  }
  const times = [...byTs.keys()].sort((a, b) => a - b);
  const lk = labelKey(first.labels, ['le', 'service']);
  for (const [q, tag] of [
    [0.99, 'p99'],
    [0.5, 'p50'],
  ] as const) {
    const pts: Array<[number, number]> = [];
    for (const t of times) {
      const row = byTs.get(t) as Array<[number, number]>;
      if (row.length !== nBuckets) continue; // a bucket missing at this scrape: skip rather than guess
      const v = histogramQuantile(q, row);
      if (Number.isFinite(v)) pts.push([t, v]);
    }
    out.push({
      key: `${first.family}:${tag}{service="${first.service}"${lk ? `,${lk}` : ''}}`,
      service: first.service,
      family: first.family,
      metric: `${tag} ${human(first.family)}`,
      kind: classify(first.family, first.labels) === 'saturation' ? 'saturation' : 'latency',
      unit: unitOf(first),
      bad: 'up',
      points: pts,
    });
  }
}

/** A quantile the backend already computed from `_bucket` series (Prometheus's histogram_quantile). */
function quantileSignal(s: MetricSeries, q: number): Signal {
  const lk = labelKey(s.labels, ['le', 'service']);
  const tag = `p${Math.round(q * 100)}`;
  return {
    key: `${s.family}:${tag}{service="${s.service}"${lk ? `,${lk}` : ''}}`,
    service: s.service,
    family: s.family,
    metric: `${tag} ${human(s.family)}`,
    kind: classify(s.family, s.labels) === 'saturation' ? 'saturation' : 'latency',
    unit: unitOf(s),
    bad: 'up',
    points: finitePoints(s.points),
  };
}

/**
 * Signals already derived from a list of series. One analysis derives the same list several times (the onset
 * scan, the anomalies, the latency profiles), and deriving is the costly part (rates, histogram quantiles);
 * series lists are not changed once fetched, so the list itself is the key.
 */
const derivedOf = new WeakMap<readonly MetricSeries[], readonly Signal[]>();

/** Derives the analysable signals from raw series (see file comment); series a backend derived pass through. */
export function deriveSignals(series: readonly MetricSeries[]): Signal[] {
  let signals = derivedOf.get(series);
  if (!signals) {
    signals = derive(series);
    derivedOf.set(series, signals);
  }
  return [...signals];
}

function derive(series: readonly MetricSeries[]): Signal[] {
  const out: Signal[] = [];
  const histos = new Map<string, MetricSeries[]>();
  const counters = new Map<string, MetricSeries[]>();
  const summaries = new Map<string, MetricSeries[]>();
  const sumCounts = new Map<string, MetricSeries[]>();
  /** Families whose distribution is already read from buckets or quantiles: their mean would say it twice. */
  const shaped = new Set<string>();
  const add = (m: Map<string, MetricSeries[]>, k: string, s: MetricSeries): void => {
    const list = m.get(k);
    if (list) list.push(s);
    else m.set(k, [s]);
  };
  for (const s of series) {
    if (s.derived && typeof s.derived === 'object') {
      shaped.add(`${s.service}|${s.family}`);
      out.push(quantileSignal(s, s.derived.quantile));
      continue;
    }
    const isBucket = s.name.endsWith('_bucket') && s.labels.le !== undefined;
    if (isBucket) {
      const k = `${s.service}|${s.family}|${labelKey(s.labels, ['le'])}`;
      add(histos, k, s);
      shaped.add(`${s.service}|${s.family}`);
      continue;
    }
    // _sum/_count of histograms and summaries: together their mean (what CloudWatch-style alarms watch).
    if ((s.type === 'histogram' || s.type === 'summary') && /_(sum|count)$/.test(s.name)) {
      add(sumCounts, `${s.service}|${s.family}|${labelKey(s.labels, [])}`, s);
      continue;
    }
    if (s.labels.quantile !== undefined) {
      const k = `${s.service}|${s.family}|${labelKey(s.labels, ['quantile'])}`;
      add(summaries, k, s);
      shaped.add(`${s.service}|${s.family}`);
      continue;
    }
    const isCounter = s.type === 'counter' || (s.type === 'unknown' && s.name.endsWith('_total'));
    if (isCounter) {
      const cls = statusClass(s.labels);
      const k = cls ? `${s.service}|${s.name}|${cls}` : `${s.service}|${s.name}|${labelKey(s.labels, [])}`;
      add(counters, k, s);
      continue;
    }
    out.push({
      key: `${s.name}{${labelKey(s.labels, [])}}`,
      service: s.service,
      family: s.family,
      metric: human(s.family),
      kind: classify(s.name, s.labels),
      unit: unitOf(s),
      bad: polarity(s.name, classify(s.name, s.labels)),
      points: finitePoints(s.points),
    });
  }
  for (const group of histos.values()) histogramSignals(group, out);
  for (const group of summaries.values()) {
    // Prefer p99, else the highest quantile exposed.
    const pick = [...group].sort((a, b) => Number(b.labels.quantile) - Number(a.labels.quantile));
    const s = pick.find((x) => Number(x.labels.quantile) === 0.99) ?? (pick[0] as MetricSeries);
    const q = Number(s.labels.quantile);
    out.push({
      key: `${s.name}{${labelKey(s.labels, [])}}`,
      service: s.service,
      family: s.family,
      metric: `p${Math.round(q * 100)} ${human(s.family)}`,
      kind: classify(s.family, s.labels) === 'saturation' ? 'saturation' : 'latency',
      unit: unitOf(s),
      bad: 'up',
      points: finitePoints(s.points),
    });
  }
  // The mean where nothing else gives the distribution (a summary without quantiles, CloudWatch-style sums).
  for (const group of sumCounts.values())
    if (group[0] && !shaped.has(`${group[0].service}|${group[0].family}`)) meanSignal(group, out);
  /** Per service and counter name: the rate of each status class (for the error ratio). */
  const byStatus = new Map<string, Array<{ cls: string; points: Array<[number, number]> }>>();
  for (const group of counters.values()) {
    const first = group[0] as MetricSeries;
    const cls = statusClass(first.labels);
    const kind = classify(first.name, cls ? { status: cls } : first.labels);
    const baseUnit = unitOf(first);
    const name = human(first.family);
    const perSec = baseUnit === 'ms' ? 1000 : 1;
    const points = sumByTime(
      group.map((s) => (s.derived === 'rate' ? finitePoints(s.points) : counterRate(s.points))),
    ).map(([t, v]): [number, number] => [t, v / perSec]);
    out.push({
      key: cls
        ? `${first.name}:rate{service="${first.service}",status="${cls}"}`
        : `${first.name}:rate{${labelKey(first.labels, [])}}`,
      service: first.service,
      family: first.family,
      metric: cls ? `${cls} ${name === 'requests' ? 'rate' : name}` : name === 'cpu' ? 'cpu' : `${name} rate`,
      kind,
      unit: baseUnit === 's' || baseUnit === 'ms' ? 'cores' : /request/.test(first.name) ? 'req/s' : '/s',
      bad: polarity(first.name, kind),
      points,
    });
    if (cls) {
      const k = `${first.service}|${first.name}|${first.family}`;
      byStatus.set(k, [...(byStatus.get(k) ?? []), { cls, points }]);
    }
  }
  for (const [k, classes] of byStatus) errorRatioSignal(k, classes, out);
  limitShares(series, out);
  // Latency in milliseconds is read in seconds and CPU in millicores in cores, as everywhere else (so the
  // floors of isMaterial apply: a pod idling at 0.05 millicores that now uses 0.1 is not saturated).
  for (const sig of out)
    if (sig.unit === 'ms' || sig.unit === 'millicores') {
      sig.unit = sig.unit === 'ms' ? 's' : 'cores';
      sig.points = sig.points.map(([t, v]): [number, number] => [t, v / 1000]);
    }
  return out;
}

/** Mean of a histogram or summary over each scrape interval: the rate of its `_sum` over the rate of its `_count`. */
function meanSignal(group: readonly MetricSeries[], out: Signal[]): void {
  const sum = group.find((s) => s.name.endsWith('_sum'));
  const count = group.find((s) => s.name.endsWith('_count'));
  if (!sum || !count) return;
  const n = new Map(count.derived === 'rate' ? finitePoints(count.points) : counterRate(count.points));
  const pts: Array<[number, number]> = [];
  for (const [t, v] of sum.derived === 'rate' ? finitePoints(sum.points) : counterRate(sum.points)) {
    const c = n.get(t);
    if (c !== undefined && c > 0) pts.push([t, v / c]);
  }
  const kind = classify(sum.family, sum.labels);
  const lk = labelKey(sum.labels, ['service']);
  out.push({
    key: `${sum.family}:mean{service="${sum.service}"${lk ? `,${lk}` : ''}}`,
    service: sum.service,
    family: sum.family,
    metric: `mean ${human(sum.family)}`,
    kind,
    unit: unitOf(sum),
    bad: polarity(sum.family, kind),
    points: pts,
  });
}

/**
 * Share of a service's requests that failed, from a counter split by status (`http_requests_total{code}`): the
 * failing classes' rate over all classes' rate. A failing class not exported yet at a time had none then
 * (Prometheus clients create a status's series at its first request).
 */
function errorRatioSignal(
  key: string,
  classes: ReadonlyArray<{ cls: string; points: Array<[number, number]> }>,
  out: Signal[],
): void {
  const failing = classes.filter((c) => isErrorStatus(c.cls));
  if (!failing.length) return;
  const [service, name, family] = key.split('|') as [string, string, string];
  // One signal per fact: the ratio replaces the failing classes' own rates (a 5xx rate that rises with traffic
  // alone is not a failure); the other classes' rates stay as traffic.
  for (const c of failing) {
    const i = out.findIndex((x) => x.key === `${name}:rate{service="${service}",status="${c.cls}"}`);
    if (i >= 0) out.splice(i, 1);
  }
  const bad = new Map(sumByTime(failing.map((c) => c.points)));
  const pts: Array<[number, number]> = [];
  for (const [t, all] of sumByTime(classes.map((c) => c.points))) if (all > 0) pts.push([t, (bad.get(t) ?? 0) / all]);
  out.push({
    key: `${name}:error_ratio{service="${service}"}`,
    service,
    family,
    metric: `error ratio of ${human(family)}`,
    kind: 'errors',
    unit: 'ratio',
    bad: 'up',
    points: pts,
  });
}

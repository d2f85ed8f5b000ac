// Where a person can see a piece of evidence: a Grafana Explore URL (GRAFANA_URL plus the datasource
// uid), else the Prometheus graph page for a metric query, else a `logcli` command for a log query.
// Pure string building: no request is made.

import type { EvidenceSettings } from '../../config';
import type { LinkTarget } from '../types';

export interface LinkSettings {
  grafanaUrl?: string;
  /** Grafana datasource uid of the Prometheus that holds the metrics. */
  grafanaPrometheusUid?: string;
  /** Grafana datasource uid of the Loki that holds the logs. */
  grafanaLokiUid?: string;
  prometheusUrl?: string;
  lokiUrl?: string;
}

/** The link settings in the configuration (GRAFANA_URL and its datasource uids, PROMETHEUS_URL, LOKI_URL). */
export function linkSettings(e: EvidenceSettings): LinkSettings {
  return {
    ...(e.grafana ? { grafanaUrl: e.grafana.url } : {}),
    ...(e.grafana?.prometheusUid ? { grafanaPrometheusUid: e.grafana.prometheusUid } : {}),
    ...(e.grafana?.lokiUid ? { grafanaLokiUid: e.grafana.lokiUid } : {}),
    ...(e.prometheusUrl ? { prometheusUrl: e.prometheusUrl } : {}),
    ...(e.lokiUrl ? { lokiUrl: e.lokiUrl } : {}),
  };
}

const base = (url: string): string => url.replace(/\/+$/, '');

function grafanaExplore(
  grafanaUrl: string,
  type: 'prometheus' | 'loki',
  uid: string,
  expr: string,
  from: number,
  to: number,
): string {
  const pane = {
    datasource: uid,
    queries: [{ refId: 'A', expr, datasource: { type, uid } }],
    range: { from: String(Math.floor(from)), to: String(Math.ceil(to)) },
  };
  return `${base(grafanaUrl)}/explore?schemaVersion=1&orgId=1&panes=${encodeURIComponent(JSON.stringify({ a: pane }))}`;
}

/** `2026-12-07 03:10:00`: the form Prometheus's graph page reads its end time in (UTC). */
function promTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function prometheusGraph(url: string, expr: string, from: number, to: number): string {
  const minutes = Math.max(1, Math.ceil((to - from) / 60_000));
  const qs = new URLSearchParams({
    'g0.expr': expr,
    'g0.tab': '0',
    'g0.range_input': `${minutes}m`,
    'g0.end_input': promTime(to),
  });
  return `${base(url)}/graph?${qs.toString()}`;
}

/** Single-quotes a shell argument. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A PromQL/LogQL string literal. */
export function quoted(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The matcher selecting a service by the label that holds its name (`service="cart"`). */
export function labelEquals(label: string): (service: string) => string {
  return (service) => `${label}=${quoted(service)}`;
}

/** The PromQL that shows a metric target as the analyzers read it, `matcher` selecting the service. */
export function promQuery(t: Extract<LinkTarget, { signal: 'metrics' }>, matcher: (service: string) => string): string {
  const sel = `{${matcher(t.service)}}`;
  if (t.read === 'raw') return `${t.name}${sel}`;
  if (t.read === 'rate') return `sum without (instance) (rate(${t.name}${sel}[5m]))`;
  return `histogram_quantile(${t.read.quantile}, sum by (le) (rate(${t.name}${sel}[5m])))`;
}

/** The LogQL that shows a log target: the service's stream, filtered to the text when there is one. */
export function logQuery(t: Extract<LinkTarget, { signal: 'logs' }>, matcher: (service: string) => string): string {
  const stream = `{${matcher(t.service)}}`;
  if (!t.contains) return stream;
  const filter = t.ignoreCase
    ? `|~ ${quoted(`(?i)${t.contains.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)}`
    : `|= ${quoted(t.contains)}`;
  return `${stream} ${filter}`;
}

/** The link for a target, `matcher` selecting its service; undefined when nothing configured shows it. */
export function evidenceLink(
  settings: LinkSettings,
  target: LinkTarget,
  matcher: (service: string) => string = labelEquals('service'),
): string | undefined {
  const { from, to } = target;
  if (target.signal === 'metrics') {
    const q = promQuery(target, matcher);
    if (settings.grafanaUrl && settings.grafanaPrometheusUid)
      return grafanaExplore(settings.grafanaUrl, 'prometheus', settings.grafanaPrometheusUid, q, from, to);
    if (settings.prometheusUrl) return prometheusGraph(settings.prometheusUrl, q, from, to);
    return undefined;
  }
  const q = logQuery(target, matcher);
  if (settings.grafanaUrl && settings.grafanaLokiUid)
    return grafanaExplore(settings.grafanaUrl, 'loki', settings.grafanaLokiUid, q, from, to);
  if (settings.lokiUrl) {
    const iso = (ms: number): string => new Date(ms).toISOString();
    return `logcli query --addr=${base(settings.lokiUrl)} --from=${iso(from)} --to=${iso(to)} ${shellQuote(q)}`;
  }
  return undefined;
}

/**
 * The link target of an analysed signal, from its key (src/evidence/analyzers/signals.ts):
 * `<family>:p99{...}` is a histogram quantile over `<family>_bucket`, `<name>:rate{...}` a counter's
 * rate, `<name>{...}` a series read as it is.
 */
export function metricTarget(key: string, service: string, from: number, to: number): LinkTarget {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_]*?)(?::(p(\d+)|rate))?\{/.exec(key);
  const name = m?.[1] ?? key.split('{')[0] ?? key;
  if (m?.[3])
    return { signal: 'metrics', service, name: `${name}_bucket`, read: { quantile: Number(m[3]) / 100 }, from, to };
  return { signal: 'metrics', service, name, read: m?.[2] === 'rate' ? 'rate' : 'raw', from, to };
}

/** The link target of a log template: the service's lines containing the template's longest literal part. */
export function templateTarget(service: string, template: string, from: number, to: number): LinkTarget {
  const literal =
    template
      .split('<*>')
      .map((p) => p.trim())
      .sort((a, b) => b.length - a.length)[0] ?? '';
  return literal.length >= 4
    ? { signal: 'logs', service, contains: literal.slice(0, 120), from, to }
    : { signal: 'logs', service, from, to };
}

/** Where a person sees a change: its URL (pull request, deployment diff) or the command that shows it (kubectl). */
export function changeLink(c: { url?: unknown; link?: unknown }): string | undefined {
  return typeof c.url === 'string' && c.url ? c.url : typeof c.link === 'string' && c.link ? c.link : undefined;
}

// Links on evidence: what a person opens to see a metric, a log query or a change, built from the
// settings alone (Grafana Explore with datasource uids, else the Prometheus graph page or a logcli command).
import {
  evidenceLink,
  labelEquals,
  metricTarget,
  templateTarget,
  changeLink,
} from '../../../../src/evidence/sources/links';
import type { LinkTarget } from '../../../../src/evidence/types';

const FROM = Date.parse('2026-11-27T02:08:43Z');
const TO = Date.parse('2026-11-27T03:08:43Z');

/** The pane Grafana Explore is asked to open. */
function explorePane(url: string): {
  datasource: string;
  queries: Array<{ expr: string; datasource: { type: string; uid: string } }>;
  range: { from: string; to: string };
} {
  const panes = new URL(url).searchParams.get('panes');
  return (JSON.parse(panes ?? '{}') as Record<string, ReturnType<typeof explorePane>>)['a'] as ReturnType<
    typeof explorePane
  >;
}

describe('metricTarget reads the analysed signal back from its key', () => {
  it.each([
    [
      'http_request_duration_seconds:p99{service="payments"}',
      { name: 'http_request_duration_seconds_bucket', read: { quantile: 0.99 } },
    ],
    ['http_requests_total:rate{service="web",status="5xx"}', { name: 'http_requests_total', read: 'rate' }],
    ['db_pool_in_use{service="payments"}', { name: 'db_pool_in_use', read: 'raw' }],
  ])('%s', (key, want) => {
    expect(metricTarget(key, 'payments', FROM, TO)).toEqual({
      signal: 'metrics',
      service: 'payments',
      from: FROM,
      to: TO,
      ...want,
    });
  });
});

describe('evidenceLink', () => {
  const p99 = metricTarget('http_request_duration_seconds:p99{service="payments"}', 'payments', FROM, TO);

  it('opens Grafana Explore on the Prometheus datasource with the PromQL the analyzers read and the window', () => {
    const url =
      evidenceLink(
        { grafanaUrl: 'https://grafana.example/', grafanaPrometheusUid: 'prom-uid', prometheusUrl: 'http://prom:9090' },
        p99,
      ) ?? '';
    expect(url.startsWith('https://grafana.example/explore?')).toBe(true);
    expect(explorePane(url)).toEqual({
      datasource: 'prom-uid',
      queries: [
        {
          refId: 'A',
          expr: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="payments"}[5m])))',
          datasource: { type: 'prometheus', uid: 'prom-uid' },
        },
      ],
      range: { from: String(FROM), to: String(TO) },
    });
  });

  it('falls back to the Prometheus graph page, in the service label of that server', () => {
    const rate: LinkTarget = {
      signal: 'metrics',
      service: 'web',
      name: 'http_requests_total',
      read: 'rate',
      from: FROM,
      to: TO,
    };
    const url = new URL(evidenceLink({ prometheusUrl: 'http://prom:9090/' }, rate, labelEquals('job')) ?? '');
    expect(url.origin + url.pathname).toBe('http://prom:9090/graph');
    expect(url.searchParams.get('g0.expr')).toBe('sum without (instance) (rate(http_requests_total{job="web"}[5m]))');
    expect(url.searchParams.get('g0.range_input')).toBe('60m');
    expect(url.searchParams.get('g0.end_input')).toBe('2026-11-27 03:08:43');
  });

  it('opens a template as a LogQL query in Grafana, or gives the logcli command when only Loki is known', () => {
    const t = templateTarget('payments', 'Payment authorization failed for order <*> (gateway <*>)', FROM, TO);
    expect(
      explorePane(evidenceLink({ grafanaUrl: 'https://grafana.example', grafanaLokiUid: 'loki-uid' }, t) ?? '')
        .queries[0]?.expr,
    ).toBe('{service="payments"} |= "Payment authorization failed for order"');
    expect(evidenceLink({ lokiUrl: 'http://loki:3100' }, t, labelEquals('service_name'))).toBe(
      `logcli query --addr=http://loki:3100 --from=2026-11-27T02:08:43.000Z --to=2026-11-27T03:08:43.000Z '{service_name="payments"} |= "Payment authorization failed for order"'`,
    );
  });

  it('matches a search case-insensitively, its text taken literally', () => {
    const t: LinkTarget = {
      signal: 'logs',
      service: 'api',
      contains: 'Timeout (30s)',
      ignoreCase: true,
      from: FROM,
      to: TO,
    };
    expect(
      explorePane(evidenceLink({ grafanaUrl: 'https://g.example', grafanaLokiUid: 'l' }, t) ?? '').queries[0]?.expr,
    ).toBe('{service="api"} |~ "(?i)Timeout \\\\(30s\\\\)"');
  });

  it('quotes what the query contains, so a quote or backslash in a line cannot break out of it', () => {
    const t: LinkTarget = { signal: 'logs', service: 'a"b', contains: `it's "odd" \\ here`, from: FROM, to: TO };
    expect(evidenceLink({ lokiUrl: 'http://loki:3100' }, t)).toContain(
      `'{service="a\\"b"} |= "it'\\''s \\"odd\\" \\\\ here"'`,
    );
  });

  it('gives nothing when no server that shows the data is configured', () => {
    expect(evidenceLink({}, p99)).toBeUndefined();
    expect(evidenceLink({ grafanaUrl: 'https://grafana.example' }, p99)).toBeUndefined();
    expect(
      evidenceLink({ prometheusUrl: 'http://prom:9090' }, { signal: 'logs', service: 'x', from: FROM, to: TO }),
    ).toBeUndefined();
  });
});

describe('changeLink', () => {
  it('prefers the URL, else the command, else nothing', () => {
    expect(changeLink({ url: 'https://github.com/acme/payments/pull/311', link: 'kubectl x' })).toBe(
      'https://github.com/acme/payments/pull/311',
    );
    expect(changeLink({ link: 'kubectl -n prod rollout history deployment/payments --revision=7' })).toBe(
      'kubectl -n prod rollout history deployment/payments --revision=7',
    );
    expect(changeLink({ url: 42 })).toBeUndefined();
  });
});

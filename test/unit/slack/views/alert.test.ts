import type { AlertNotice } from '../../../../src/alerts/types';
import { renderAlert } from '../../../../src/slack/views/alert';

const notice = (over: Partial<AlertNotice> = {}): AlertNotice => ({
  source: 'alertmanager',
  key: 'am:{}:{alertname="CheckoutLatency"}',
  status: 'firing',
  name: 'CheckoutLatency',
  summary: 'checkout p99 latency above 2s',
  labels: { alertname: 'CheckoutLatency', service: 'checkout' },
  startsAt: Date.parse('2026-12-07T02:50:00Z'),
  firing: 1,
  digest: 'd',
  ...over,
});

describe('renderAlert', () => {
  it('names the link by where it goes (an Alertmanager alert links to its Prometheus graph), not by the sender', () => {
    const text = JSON.stringify(renderAlert(notice({ url: 'http://prom.example:9090/graph?g0.expr=x' }), false).blocks);
    expect(text).toContain('<http://prom.example:9090/graph?g0.expr=x|Open on prom.example:9090>');
    expect(text).toContain('from Alertmanager');
    expect(text).not.toContain('Open in Alertmanager');
  });

  it('says since when in Slack date markup, with a plain UTC fallback rather than raw ISO', () => {
    const text = JSON.stringify(renderAlert(notice(), false).blocks);
    expect(text).toContain('Since <!date^1796611800^{date_short_pretty} {time}|2026-12-07 02:50 UTC>');
  });

  it('shows no link for a URL that is not http(s)', () => {
    const text = JSON.stringify(renderAlert(notice({ url: 'javascript:alert(1)' }), false).blocks);
    expect(text).not.toContain('Open on');
    expect(text).not.toContain('javascript:');
  });
});

// Alert payloads become notices; channel names are Slack-safe; PagerDuty signatures are checked.
import { createHmac } from 'node:crypto';
import { AlertmanagerPayload, fromAlertmanager } from '../../../src/alerts/alertmanager';
import { channelName, slackSafe, withSuffix } from '../../../src/alerts/channel-name';
import { checkChannelTemplate } from '../../../src/alerts';
import { verifyPagerDutySignature } from '../../../src/alerts/pagerduty';
import { bearerMatches } from '../../../src/alerts/routes';
import { focusOf } from '../../../src/alerts/types';
import { ConfigError } from '../../../src/domain/errors';

const grafanaPayload = {
  receiver: 'scout',
  status: 'firing',
  orgId: 1,
  groupKey: '{}/{}:{alertname="Latency"}',
  truncatedAlerts: 0,
  version: '1',
  title: '[FIRING:2] Latency',
  state: 'alerting',
  message: 'ignored',
  externalURL: 'https://grafana.example/',
  groupLabels: { alertname: 'Latency' },
  commonLabels: { alertname: 'Latency', job: 'api' },
  commonAnnotations: {},
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'Latency', job: 'api', pod: 'api-1' },
      annotations: { description: 'p99 above 2s' },
      startsAt: '2026-12-07T02:40:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'https://grafana.example/alerting/grafana/x/view',
      fingerprint: 'f1',
      panelURL: 'https://grafana.example/d/abc?viewPanel=2',
      values: { B: 2.4 },
    },
    {
      status: 'firing',
      labels: { alertname: 'Latency', job: 'api', pod: 'api-2' },
      annotations: {},
      startsAt: '2026-12-07T02:35:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: 'f2',
    },
  ],
};

describe('Alertmanager and Grafana payloads', () => {
  it('reads a Grafana alerting webhook as a group: earliest start, panel link, description as summary', () => {
    const n = fromAlertmanager(AlertmanagerPayload.parse(grafanaPayload), 0);
    expect(n.name).toBe('Latency');
    expect(n.summary).toBe('p99 above 2s');
    expect(n.url).toBe('https://grafana.example/d/abc?viewPanel=2');
    expect(new Date(n.startsAt).toISOString()).toBe('2026-12-07T02:35:00.000Z');
    expect(n.firing).toBe(2);
    expect(focusOf(n)).toBe('alert Latency: job=api');
  });

  it('gives the same digest to a resend and another to a resolved notice of the same group', () => {
    const a = fromAlertmanager(AlertmanagerPayload.parse(grafanaPayload), 0);
    const b = fromAlertmanager(
      AlertmanagerPayload.parse({ ...grafanaPayload, alerts: [...grafanaPayload.alerts].reverse() }),
      0,
    );
    const resolved = fromAlertmanager(
      AlertmanagerPayload.parse({
        ...grafanaPayload,
        status: 'resolved',
        alerts: grafanaPayload.alerts.map((x) => ({ ...x, status: 'resolved' })),
      }),
      0,
    );
    expect(a.key).toBe(b.key);
    expect(a.digest).toBe(b.digest);
    expect(resolved.digest).not.toBe(a.digest);
  });

  it('refuses a payload without alerts or group key', () => {
    expect(AlertmanagerPayload.safeParse({ ...grafanaPayload, alerts: [] }).success).toBe(false);
    expect(AlertmanagerPayload.safeParse({ ...grafanaPayload, groupKey: '' }).success).toBe(false);
  });
});

describe('channel names', () => {
  const notice = {
    name: 'High Error-Rate!',
    labels: { alertname: 'High Error-Rate!', service: 'Payments.API' },
    startsAt: Date.UTC(2026, 11, 7, 3),
    source: 'alertmanager' as const,
  };

  it('fills the template and keeps only what Slack allows', () => {
    expect(channelName('inc-{date}-{alertname}', notice)).toBe('inc-2026-12-07-high-error-rate');
    expect(channelName('incident_{service}_{missing}', notice)).toBe('incident_payments-api_');
    expect(slackSafe(`--${'x'.repeat(100)}`)).toHaveLength(80);
  });

  it('suffixes within 80 characters', () => {
    expect(withSuffix('a'.repeat(80), 12)).toBe(`${'a'.repeat(77)}-12`);
    expect(withSuffix('inc-x', 2)).toBe('inc-x-2');
  });

  it('refuses at start a template whose names INCIDENT_CHANNEL_PATTERN would not recognise', () => {
    expect(() => checkChannelTemplate('alert-{alertname}', /^(inc|incident)[-_]/)).toThrow(ConfigError);
    expect(() => checkChannelTemplate('inc-{date}-{alertname}', /^(inc|incident)[-_]/)).not.toThrow();
  });
});

describe('webhook authentication', () => {
  const body = Buffer.from('{"event":{}}');
  const sig = (secret: string) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;

  it('accepts a PagerDuty body when any listed signature matches, and nothing else', () => {
    expect(verifyPagerDutySignature(body, sig('s3cret'), 's3cret')).toBe(true);
    expect(verifyPagerDutySignature(body, `${sig('old')}, ${sig('s3cret')}`, 's3cret')).toBe(true);
    expect(verifyPagerDutySignature(body, sig('old'), 's3cret')).toBe(false);
    expect(verifyPagerDutySignature(Buffer.from('{"event":{ }}'), sig('s3cret'), 's3cret')).toBe(false);
    expect(verifyPagerDutySignature(body, undefined, 's3cret')).toBe(false);
    expect(verifyPagerDutySignature(body, 'v1=zz', 's3cret')).toBe(false);
  });

  it('accepts only the exact bearer token', () => {
    expect(bearerMatches('Bearer tok-123', 'tok-123')).toBe(true);
    expect(bearerMatches('bearer tok-123', 'tok-123')).toBe(true);
    expect(bearerMatches('Bearer tok-1234', 'tok-123')).toBe(false);
    expect(bearerMatches('tok-123', 'tok-123')).toBe(false);
    expect(bearerMatches(undefined, 'tok-123')).toBe(false);
  });
});

// The alert receivers over HTTP without Alertmanager: authentication, PagerDuty signatures and events,
// and a taken channel name.
import { createHmac } from 'node:crypto';
import { ALERT_TOKEN, PD_SECRET, startAlertApp, type AlertApp } from '../helpers/alert-app';

let t: AlertApp;

beforeAll(async () => {
  t = await startAlertApp();
});

afterAll(async () => {
  await t.close();
});

const groupPayload = (alertname: string, status: 'firing' | 'resolved' = 'firing') => ({
  version: '4',
  groupKey: `{}:{alertname="${alertname}"}`,
  truncatedAlerts: 0,
  status,
  receiver: 'scout',
  groupLabels: { alertname },
  commonLabels: { alertname, service: 'checkout' },
  commonAnnotations: { summary: `${alertname} is firing` },
  externalURL: 'http://alertmanager.example:9093',
  alerts: [
    {
      status,
      labels: { alertname, service: 'checkout' },
      annotations: {},
      startsAt: '2026-12-07T02:50:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prom.example/graph',
      fingerprint: 'abc123',
    },
  ],
});

function post(path: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${t.origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

function sign(body: string, secret = PD_SECRET): string {
  return `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const pdEvent = (type: string, id = 'Q0PDINC0001') => ({
  event: {
    id: `01${type.length}EVT`,
    event_type: type,
    resource_type: 'incident',
    occurred_at: '2026-12-07T03:00:05Z',
    agent: null,
    client: null,
    data: {
      id,
      type: 'incident',
      self: `https://api.pagerduty.com/incidents/${id}`,
      html_url: `https://acme.pagerduty.com/incidents/${id}`,
      number: 42,
      status: type === 'incident.resolved' ? 'resolved' : 'triggered',
      incident_key: 'k',
      created_at: '2026-12-07T03:00:00Z',
      title: 'Checkout latency above SLO',
      service: {
        id: 'P0SVC',
        type: 'service_reference',
        summary: 'checkout',
        html_url: 'https://acme.pagerduty.com/services/P0SVC',
      },
      urgency: 'high',
      priority: null,
    },
  },
});

describe('the alert webhooks refuse what they cannot trust', () => {
  it('answers 401 and changes nothing without the bearer token or with a wrong one', async () => {
    const callsBefore = t.slack.fake.calls().length;
    const body = JSON.stringify(groupPayload('Forged'));
    expect((await post('/alerts/alertmanager', body, {})).status).toBe(401);
    expect(
      (await post('/alerts/alertmanager', body, { authorization: 'Bearer not-the-token-0000000000' })).status,
    ).toBe(401);
    expect((await post('/alerts/alertmanager', body, { authorization: `Basic ${ALERT_TOKEN}` })).status).toBe(401);
    const pd = JSON.stringify(pdEvent('incident.triggered', 'Q0FORGED'));
    expect(
      (await post('/alerts/pagerduty', pd, { 'x-pagerduty-signature': sign(pd, 'some-other-secret') })).status,
    ).toBe(401);
    expect((await post('/alerts/pagerduty', pd, {})).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.slack.fake.calls().length).toBe(callsBefore);
    expect(await t.store.list('alert', '')).toEqual([]);
  });

  it('answers 400 to an authenticated body that is not an Alertmanager payload', async () => {
    const res = await post('/alerts/alertmanager', JSON.stringify({ hello: 'world' }), {
      authorization: `Bearer ${ALERT_TOKEN}`,
    });
    expect(res.status).toBe(400);
  });
});

describe('PagerDuty v3 webhooks', () => {
  it('opens on incident.triggered (any of several signatures may match) and replies on incident.resolved', async () => {
    const { fake } = t.slack;
    const body = JSON.stringify(pdEvent('incident.triggered'));
    const res = await post('/alerts/pagerduty', body, {
      'x-pagerduty-signature': `${sign(body, 'rotated-old-secret')},${sign(body)}`,
    });
    expect(res.status).toBe(200);
    const channel = await fake.waitFor(
      (f) => f.findChannelByName('inc-2026-12-07-checkout-latency-above-slo'),
      5000,
      'PagerDuty incident channel',
    );
    const alertMsg = await fake.waitFor((f) => f.messages(channel.id)[0], 5000, 'alert message');
    expect(alertMsg.text).toContain('https://acme.pagerduty.com/incidents/Q0PDINC0001');
    const start = await fake.waitFor(
      () => t.investigations.starts.find((s) => s.incident.channelId === channel.id),
      5000,
      'start',
    );
    expect(start.focus).toContain('service=checkout');

    const ack = JSON.stringify(pdEvent('incident.acknowledged'));
    expect((await post('/alerts/pagerduty', ack, { 'x-pagerduty-signature': sign(ack) })).status).toBe(200);
    const resolved = JSON.stringify(pdEvent('incident.resolved'));
    expect((await post('/alerts/pagerduty', resolved, { 'x-pagerduty-signature': sign(resolved) })).status).toBe(200);
    await fake.waitFor(
      (f) => f.messages(channel.id)[0]?.replies.find((m) => m.text.startsWith('Resolved: Checkout latency')),
      5000,
      'resolved reply',
    );
    expect(fake.messages(channel.id)[0]?.replies).toHaveLength(1);
    // The resolved incident ends in the channel too: its timeline and the postmortem draft, once.
    const timeline = await fake.waitFor(
      (f) => f.messages(channel.id).find((m) => m.text.startsWith(`Timeline of #${channel.name}`)),
      5000,
      'timeline',
    );
    expect(JSON.stringify(timeline.blocks)).toContain(
      'Resolved by the PagerDuty alert: Checkout latency above SLO resolved',
    );
    const draft = await fake.waitFor(
      (f) => f.files().find((x) => x.channel === channel.id && x.completed && x.filename.startsWith('postmortem-')),
      5000,
      'postmortem draft',
    );
    expect(draft.content?.toString('utf8')).toContain(`# Postmortem draft: #${channel.name}`);
    expect((await post('/alerts/pagerduty', resolved, { 'x-pagerduty-signature': sign(resolved) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.messages(channel.id).filter((m) => m.text.startsWith('Timeline of'))).toHaveLength(1);
    expect(fake.files().filter((x) => x.channel === channel.id && x.filename.startsWith('postmortem-'))).toHaveLength(
      1,
    );
    expect(
      fake.calls('conversations.create').filter((c) => c.ok && String(c.args.name).includes('checkout-latency')),
    ).toHaveLength(1);
  });
});

describe('channel names', () => {
  it('adds a suffix when the name is taken', async () => {
    const { fake } = t.slack;
    fake.addChannel({ name: 'inc-2026-12-07-diskfull' });
    const res = await post('/alerts/alertmanager', JSON.stringify(groupPayload('DiskFull')), {
      authorization: `Bearer ${ALERT_TOKEN}`,
    });
    expect(res.status).toBe(200);
    const channel = await fake.waitFor(
      (f) => f.findChannelByName('inc-2026-12-07-diskfull-2'),
      5000,
      'suffixed channel',
    );
    expect(channel.botIsMember).toBe(true);
    await fake.waitFor((f) => f.messages(channel.id)[1], 5000, 'kickoff in the suffixed channel');
  });

  it('two notices of one group at the same moment open one channel', async () => {
    const { fake } = t.slack;
    const body = JSON.stringify(groupPayload('Concurrent'));
    const answers = await Promise.all(
      [1, 2, 3].map(() => post('/alerts/alertmanager', body, { authorization: `Bearer ${ALERT_TOKEN}` })),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const channel = await fake.waitFor((f) => f.findChannelByName('inc-2026-12-07-concurrent'), 5000, 'channel');
    await fake.waitFor((f) => f.messages(channel.id)[1], 5000, 'kickoff');
    await new Promise((r) => setTimeout(r, 200));
    expect([...fake.channels.values()].filter((c) => c.name.startsWith('inc-2026-12-07-concurrent'))).toHaveLength(1);
  });
});

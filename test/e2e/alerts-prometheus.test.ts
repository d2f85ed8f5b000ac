// The whole alert path with real parts: a real Prometheus evaluates a rule that fires, sends it to a real
// Alertmanager, which posts to the app. One incident channel, the kickoff naming the alert with its link
// back to Prometheus, and an investigation focused on the alert's service from the time it started.
import { startAlertmanager, type RunningAlertmanager } from '../helpers/alertmanager';
import { ALERT_TOKEN, startAlertApp, type AlertApp } from '../helpers/alert-app';
import { startPrometheusWithRules } from '../helpers/prometheus';
import { describeWithService, type ServiceNeed } from '../helpers/services';

const PROMETHEUS_AND_ALERTMANAGER: ServiceNeed = {
  name: 'Prometheus and Alertmanager',
  binaries: ['prometheus', 'promtool', 'prometheus-alertmanager'],
  install: 'apt-get install -y prometheus prometheus-alertmanager',
};

// Always true, held for 2 s, evaluated every second: fires a few seconds after Prometheus starts.
const RULES = `groups:
  - name: scout-e2e
    interval: 1s
    rules:
      - alert: CheckoutLatencyHigh
        expr: vector(1) > 0
        for: 2s
        labels:
          service: checkout
          namespace: shop
          severity: page
        annotations:
          summary: checkout p99 latency above 2s
`;

describeWithService(PROMETHEUS_AND_ALERTMANAGER, 'an alert rule firing in a real Prometheus', () => {
  let t: AlertApp;
  let am: RunningAlertmanager;
  let prom: { url: string; close(): Promise<void> };
  let before: number;

  beforeAll(async () => {
    t = await startAlertApp({ ALERT_INVITE: 'U0ONCALL01' });
    t.slack.fake.addUser({ id: 'U0ONCALL01', name: 'oncall', realName: 'On Call' });
    am = await startAlertmanager('prometheus-alertmanager', `${t.origin}/alerts/alertmanager`, ALERT_TOKEN);
    before = Date.now();
    prom = await startPrometheusWithRules(RULES, am.url);
  }, 120_000);

  afterAll(async () => {
    await prom?.close();
    await am?.close();
    await t?.close();
  });

  it('opens one incident channel whose kickoff names the alert and investigates its service from when it fired', async () => {
    const { fake } = t.slack;
    const name = (d: Date) => `inc-${d.toISOString().slice(0, 10)}-checkoutlatencyhigh`;
    const channel = await fake.waitFor(
      (f) => f.findChannelByName(name(new Date(before))) ?? f.findChannelByName(name(new Date())),
      60_000,
      'the incident channel',
    );
    const [alertPost, kickoff] = await fake.waitFor(
      (f) => (f.messages(channel.id).length >= 2 ? f.messages(channel.id) : null),
      15_000,
      'alert and kickoff',
    );
    expect(alertPost?.text).toContain('CheckoutLatencyHigh');
    expect(alertPost?.text).toContain('checkout p99 latency above 2s');
    // Prometheus's own link to the rule's expression.
    expect(alertPost?.text).toContain(`${prom.url}/graph?g0.expr=`);
    expect(JSON.stringify(alertPost?.blocks)).toContain('service=checkout');
    expect(kickoff?.text).toContain('an alert fired');
    expect([...(channel.members ?? [])]).toContain('U0ONCALL01');

    const start = await fake.waitFor(
      () => t.investigations.starts.find((s) => s.incident.channelId === channel.id),
      10_000,
      'investigation start',
    );
    expect(start.trigger).toBe('alert');
    expect(start.focus).toContain('service=checkout');
    // The onset is when Prometheus saw the rule become active, after it started and before the post.
    expect(start.since).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(start.since).toBeLessThanOrEqual(Date.now());

    // Prometheus keeps re-sending the firing alert; Alertmanager keeps it in its group: never a second channel.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(fake.calls('conversations.create').filter((c) => c.ok)).toHaveLength(1);
    expect(t.investigations.starts.filter((s) => s.trigger === 'alert')).toHaveLength(1);
  }, 120_000);
});

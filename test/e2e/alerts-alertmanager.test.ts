// A real Alertmanager posts to the app: one firing group opens exactly one incident channel, invites
// the on-call people, posts the alert and the kickoff, and starts a round at the alert's start; a resend
// opens nothing; `resolved` goes to the same thread. A webhook without the token changes nothing.
import {
  alertmanagerBinary,
  ALERTMANAGER_HINT,
  startAlertmanager,
  type RunningAlertmanager,
} from '../helpers/alertmanager';
import { ALERT_TOKEN, startAlertApp, type AlertApp } from '../helpers/alert-app';

let bin: string | null = null;
let t: AlertApp;
let am: RunningAlertmanager;

beforeAll(async () => {
  bin = await alertmanagerBinary();
  if (!bin) {
    if (process.env.CI === 'true') throw new Error(ALERTMANAGER_HINT);
    console.log(`skipping the Alertmanager tests: ${ALERTMANAGER_HINT}`);
    return;
  }
  t = await startAlertApp({ ALERT_INVITE: 'U0ONCALL01,S0SREGROUP' });
  t.slack.fake.addUser({ id: 'U0ONCALL01', name: 'oncall', realName: 'On Call' });
  t.slack.fake.addUser({ id: 'U0SRE00001', name: 'sre1', realName: 'Sre One' });
  t.slack.fake.addUser({ id: 'U0SRE00002', name: 'sre2', realName: 'Sre Two' });
  t.slack.fake.addUsergroup({ id: 'S0SREGROUP', handle: 'sre', users: ['U0SRE00001', 'U0SRE00002', 'U0ONCALL01'] });
  am = await startAlertmanager(bin, `${t.origin}/alerts/alertmanager`, ALERT_TOKEN);
});

afterAll(async () => {
  await am?.close();
  await t?.close();
});

/** `it` that does nothing (the skip line was printed once) when Alertmanager is missing. */
function withAlertmanager(name: string, fn: () => Promise<void>): void {
  it(name, async () => {
    if (!bin) return;
    await fn();
  });
}

const startsAt = new Date(Date.now() - 7 * 60_000);
const alert = {
  labels: { alertname: 'HighErrorRate', service: 'payments', namespace: 'prod', severity: 'page' },
  annotations: { summary: 'payments 5xx ratio above 5% for 5 minutes' },
  startsAt: startsAt.toISOString(),
  generatorURL: 'http://prometheus.example:9090/graph?g0.expr=job%3Aerrors%3Aratio5m+%3E+0.05',
};
const channelName = `inc-${startsAt.toISOString().slice(0, 10)}-higherrorrate`;

describe('alerts from a real Alertmanager', () => {
  withAlertmanager(
    'opens one incident channel, invites the on-call people and posts the alert with its link',
    async () => {
      const { fake } = t.slack;
      await am.post([alert]);
      const channel = await fake.waitFor((f) => f.findChannelByName(channelName), 15_000, `channel #${channelName}`);
      const [first] = await fake.waitFor(
        (f) => (f.messages(channel.id).length >= 2 ? f.messages(channel.id) : null),
        10_000,
        'alert and kickoff',
      );
      expect(first?.text).toContain('HighErrorRate');
      expect(first?.text).toContain('payments 5xx ratio above 5% for 5 minutes');
      expect(first?.text).toContain(alert.generatorURL);
      expect(JSON.stringify(first?.blocks)).toContain('service=payments');
      expect(fake.messages(channel.id)[1]?.text).toContain('an alert fired');
      expect([...(channel.members ?? [])].sort()).toEqual(['U0ONCALL01', 'U0SRE00001', 'U0SRE00002']);

      const start = await fake.waitFor(
        () => t.investigations.starts.find((s) => s.incident.channelId === channel.id),
        5000,
        'investigation start',
      );
      expect(start.trigger).toBe('alert');
      expect(start.since).toBe(startsAt.getTime());
      expect(start.focus).toContain('service=payments');
      expect(start.focus).toContain('namespace=prod');
      expect(start.incident.startedAt).toBe(startsAt.toISOString());
    },
  );

  withAlertmanager('a resend and then resolved go to the first channel, never to a second one', async () => {
    const { fake } = t.slack;
    const channel = await fake.waitFor((f) => f.findChannelByName(channelName), 15_000, 'the first channel');
    // The same alert again, and a second one in the same group: more firing alerts, same group key.
    await am.post([alert, { ...alert, labels: { ...alert.labels, instance: 'payments-2' } }]);
    const thread = () => fake.messages(channel.id)[0]?.replies ?? [];
    await fake.waitFor(
      () => thread().some((m) => m.text.includes('Still firing (2 alerts)')),
      15_000,
      'still-firing reply',
    );
    const ended = new Date().toISOString();
    await am.post([
      { ...alert, endsAt: ended },
      { ...alert, labels: { ...alert.labels, instance: 'payments-2' }, endsAt: ended },
    ]);
    await fake.waitFor(
      () => thread().some((m) => m.text.startsWith('Resolved: HighErrorRate')),
      15_000,
      'resolved reply',
    );

    expect(fake.calls('conversations.create').filter((c) => c.ok)).toHaveLength(1);
    expect(t.investigations.starts.filter((s) => s.trigger === 'alert')).toHaveLength(1);
    expect([...fake.channels.values()].filter((c) => c.name.startsWith(channelName))).toHaveLength(1);
  });
});

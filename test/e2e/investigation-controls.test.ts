// People steer an investigation from Slack: `/triage stop` mid-round posts the partial result; Dig deeper
// and `/triage deeper [focus]` start another round in a new thread; an @mention in an investigation
// thread gets one focused scout's answer there; `/triage start since=` sets the window; `/triage status`
// says where things stand. Real app over HTTP, Slack fake, Anthropic fake through the real SDK.
import type { FakeThread } from '../../src/demo/slack-fake';
import { DIG_DEEPER_ACTION } from '../../src/slack/views/investigation';
import {
  findingReplies,
  hypothesesOf,
  investigationThreads,
  readable,
  repliesTo,
  startInvestigationApp,
  synthesisReplies,
  waitForSynthesis,
  type InvestigationApp,
} from '../helpers/investigation';
import { investigationResponder, scoutOf, toolUse } from '../helpers/investigation-claude';

const LEAD = 'U0ONCALL01';
let app: InvestigationApp;
let channel = '';
/** Scouts whose first request in round 1 of `channel` hangs (so a stop lands mid-round). */
const slowInRound1 = new Set(['logs']);

beforeAll(async () => {
  app = await startInvestigationApp({ claude: true });
  app.anthropic!.fake.respondWith(
    investigationResponder({
      scout: (t) =>
        t.turn === 0 && t.investigationId === `inv-${channel}-1` && slowInRound1.has(t.scout)
          ? { delayMs: 40_000, then: toolUse('logs_patterns', {}) }
          : undefined,
    }),
  );
});

afterAll(async () => {
  await app.close();
});

function threadOf(round: number): FakeThread {
  const t = investigationThreads(app.slack.fake, channel).find((x) =>
    x.text.startsWith(`Investigation · round ${round} `),
  );
  if (!t) throw new Error(`no thread of round ${round}`);
  return t;
}

async function command(text: string, channelId = channel): Promise<string> {
  const before = repliesTo(app.slack.fake, channelId, LEAD).length;
  const r = await app.client.sendCommand({ text, user_id: LEAD, channel_id: channelId });
  expect(r.status).toBe(200);
  return app.slack.fake.waitFor(
    () => repliesTo(app.slack.fake, channelId, LEAD)[before],
    10_000,
    `the reply to /triage ${text}`,
  );
}

describe('steering an investigation from Slack', () => {
  it('`/triage stop` while scouts run posts the partial result, with what was found so far', async () => {
    const opened = await app.client.openIncidentChannel('inc-controls', LEAD);
    channel = opened.channelId;
    const { fake } = app.slack;
    // Two scouts report; the logs scout is still waiting on the model.
    await fake.waitFor(
      () =>
        investigationThreads(fake, channel)[0] && findingReplies(investigationThreads(fake, channel)[0]!).length === 2,
      30_000,
      'two findings',
    );
    expect(await command('stop')).toContain('Stopping round 1');

    const thread = await waitForSynthesis(fake, channel, 1, 30_000);
    await app.runtime.queue.drain(20_000);
    const t = threadOf(1);
    expect(
      findingReplies(t)
        .map((f) => f.text.split(':')[0])
        .sort(),
    ).toEqual(['Scout changes', 'Scout metrics']);
    expect(t.replies.map((r) => r.text)).toContainEqual(
      expect.stringMatching(
        /^Stopped early: a person asked it to stop\. Partial result below \(2 of 3 scouts reported\)/,
      ),
    );
    const synthesis = synthesisReplies(t)[0]!;
    expect(readable(synthesis)).toContain('Hypotheses (partial result)');
    expect(hypothesesOf(synthesis).hypotheses.length).toBeGreaterThan(0);
    // The card's final state: stopped, the logs scout stopped, nothing left running.
    expect(t.text).toMatch(/^Investigation · round 1 · stopped/);
    expect(readable(t)).toMatch(/:octagonal_sign: \*logs\* stopped/);
    expect(readable(t)).not.toMatch(/:mag: \*\w+\* running/);
    expect(thread.ts).toBe(t.ts);
    expect(await command('stop')).toContain('Nothing is running here.');
  });

  it('the Dig deeper button starts round 2 in a new thread', async () => {
    const synthesis = synthesisReplies(threadOf(1))[0]!;
    const blocks = (synthesis.blocks ?? []) as Array<{
      type: string;
      block_id?: string;
      elements?: Array<{ action_id?: string; value?: string }>;
    }>;
    const actions = blocks.find(
      (b) => b.type === 'actions' && b.elements?.some((e) => e.action_id === DIG_DEEPER_ACTION),
    );
    const button = actions?.elements?.find((e) => e.action_id === DIG_DEEPER_ACTION);
    expect(button).toBeDefined();
    const before = repliesTo(app.slack.fake, channel, LEAD).length;
    // A double click: two clicks at once must still start one round.
    const click = () =>
      app.client.sendBlockAction({
        user: LEAD,
        channel,
        message_ts: synthesis.ts,
        action_id: DIG_DEEPER_ACTION,
        block_id: actions?.block_id ?? 'dig',
        value: button?.value ?? '',
      });
    const clicks = await Promise.all([click(), click()]);
    for (const r of clicks) expect(r.status).toBe(200);
    const said = await app.slack.fake.waitFor(
      () =>
        repliesTo(app.slack.fake, channel, LEAD)
          .slice(before)
          .find((x) => x.includes('Started round')),
      10_000,
      'the button reply',
    );
    expect(said).toContain('Started round 2; it will post in a new thread.');

    const t2 = await waitForSynthesis(app.slack.fake, channel, 2);
    await app.runtime.queue.drain(20_000);
    expect(investigationThreads(app.slack.fake, channel)).toHaveLength(2);
    expect(t2.ts).not.toBe(threadOf(1).ts);
    expect(
      repliesTo(app.slack.fake, channel, LEAD)
        .slice(before)
        .filter((x) => x.includes('Started round')),
    ).toHaveLength(1);
    expect(findingReplies(threadOf(2))).toHaveLength(3);
    expect(threadOf(2).text).toMatch(/^Investigation · round 2 · done/);
    expect(readable(threadOf(2))).toContain(`started by Dig deeper (<@${LEAD}>)`);
    // Round 1's thread is left as it was.
    expect(synthesisReplies(threadOf(1))).toHaveLength(1);
  });

  it('`/triage deeper payments` starts round 3 with that focus, which the scouts are told', async () => {
    expect(await command('deeper payments')).toContain('Started round 3 focused on "payments"');
    await waitForSynthesis(app.slack.fake, channel, 3);
    await app.runtime.queue.drain(20_000);
    const t3 = threadOf(3);
    expect(investigationThreads(app.slack.fake, channel)).toHaveLength(3);
    expect(readable(t3)).toMatch(/Focus: _payments_/);
    const briefs = app.anthropic!.fake.requests.filter(
      (q) => scoutOf(q) && JSON.stringify(q.body.messages).includes('-3, round 3'),
    );
    expect(briefs.length).toBeGreaterThan(0);
    // The focus is what a person typed: it reaches the scouts as data, between the untrusted markers.
    for (const q of briefs)
      expect(JSON.stringify(q.body.messages)).toMatch(
        /A person asked:\\n<<untrusted-data nonce=[0-9a-f]+ tool=question>>\\npayments\\n<</,
      );
  });

  it('answers an @mention inside an investigation thread with one focused scout, in that thread', async () => {
    const { fake } = app.slack;
    const t3 = threadOf(3);
    // Messages, not uploads: the metrics scout's answer may bring a chart of what it read.
    const messages = (replies: typeof t3.replies) => replies.filter((m) => m.botId && m.files.length === 0);
    const repliesBefore = messages(t3.replies).length;
    const requestsBefore = app.anthropic!.fake.requests.length;
    const question = 'why is checkout latency so high?';
    const text = `<@${fake.botUserId}> ${question}`;
    const ts = fake.postAsUser({ channel, user: LEAD, text, threadTs: t3.ts });
    const r = await app.client.sendEvent({
      type: 'app_mention',
      channel,
      user: LEAD,
      text,
      ts,
      thread_ts: t3.ts,
      event_ts: ts,
    });
    expect(r.status).toBe(200);

    const answer = await fake.waitFor(
      () => threadOf(3).replies.find((m) => m.botId && m.text.includes(`Re: “${question}”`)),
      30_000,
      'the answer in the thread',
    );
    await app.runtime.queue.drain(20_000);
    // One answer, from one scout (a latency question goes to the metrics scout), in round 3's thread only.
    expect(answer.text).toMatch(/^Scout metrics: Re: /);
    expect(messages(threadOf(3).replies)).toHaveLength(repliesBefore + 1);
    expect(threadOf(3).replies.filter((m) => m.text.includes(`Re: “${question}”`))).toHaveLength(1);
    const asked = app.anthropic!.fake.requests.slice(requestsBefore);
    expect(new Set(asked.map((q) => scoutOf(q)))).toEqual(new Set(['metrics']));
    expect(JSON.stringify(asked[0]?.body.messages)).toContain(question);
    expect(investigationThreads(fake, channel)).toHaveLength(3);
  });

  it('`/triage status` reports the latest round: state, focus, scouts, tool calls and tokens against budget', async () => {
    const reply = await command('status');
    expect(reply).toContain('*Investigation round 3*');
    expect(reply).toContain(': *done*');
    expect(reply).toContain('focus "payments"');
    for (const s of app.config.scouts) {
      expect(reply).toMatch(
        new RegExp(
          `\\*${s.name}\\*: done — \\d+/${s.budget.max_tool_calls} tool calls, [1-9]\\d*/${s.budget.max_output_tokens} output tokens`,
        ),
      );
    }
  });
});

describe('/triage start since=', () => {
  it('takes since= as a hint, not a wall: the onset is where the signals moved after it', async () => {
    // A channel that is not an incident yet: /triage start makes it one.
    const id = app.slack.fake.addChannel({ name: 'ops-since', botIsMember: true });
    expect(await command('start since=15m', id)).toContain('Started investigation round 1');
    await waitForSynthesis(app.slack.fake, id, 1);
    await app.runtime.queue.drain(20_000);
    const status = await command('status', id);
    // The files source's clock: "now" is incident.yaml's started_at (2026-11-27T03:08:43Z).
    // since=15m is 02:53:43 on that clock; the metrics moved at 03:02:15, and that is the onset.
    expect(status).toContain(
      'Incident clock: baseline from 02:02:15 UTC, onset 03:02:15 UTC, data up to 03:08:43 UTC.',
    );
    expect(readable(investigationThreads(app.slack.fake, id)[0]!)).toContain('onset *03:02 UTC*');
  });
});

describe('the wall-clock budget of an investigation', () => {
  it('ends a round that runs past INVESTIGATION_MAX_SECONDS with the partial result, and says why', async () => {
    const slowApp = await startInvestigationApp({ claude: true, env: { INVESTIGATION_MAX_SECONDS: '10' } });
    try {
      // The metrics scout's model never answers in time; the others report.
      slowApp.anthropic!.fake.respondWith(
        investigationResponder({
          scout: (t) =>
            t.scout === 'metrics' ? { delayMs: 55_000, then: toolUse('metrics_anomalies', {}) } : undefined,
        }),
      );
      const { channelId } = await slowApp.client.openIncidentChannel('inc-over-budget', LEAD);
      const t = await waitForSynthesis(slowApp.slack.fake, channelId, 1, 30_000);
      await slowApp.runtime.queue.drain(20_000);
      const thread = investigationThreads(slowApp.slack.fake, channelId)[0]!;
      expect(thread.ts).toBe(t.ts);
      expect(thread.replies.map((r) => r.text)).toContainEqual(
        expect.stringMatching(
          /^Stopped early: the investigation's time budget \(10s\) was spent\. Partial result below \(2 of 3 scouts reported\)/,
        ),
      );
      expect(
        findingReplies(thread)
          .map((f) => f.text.split(':')[0])
          .sort(),
      ).toEqual(['Scout changes', 'Scout logs']);
      expect(readable(synthesisReplies(thread)[0]!)).toContain('Hypotheses (partial result)');
      expect(thread.text).toMatch(/^Investigation · round 1 · time budget spent/);
      // A partial result is for people to read: no remediation is proposed from it.
      expect(thread.replies.some((r) => r.metadata?.event_type === 'incident_scout_proposal')).toBe(false);
    } finally {
      await slowApp.close();
    }
  });
});

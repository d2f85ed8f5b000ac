// Highly available Redis: the bot reaches Redis through Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_NAME)
// for its store and its BullMQ queue. A failover while an investigation runs, and another while an
// approval is clicked, lose nothing (the thread gets its synthesis; the approved action runs) and
// double nothing (one investigation thread, one synthesis, one execution, one outcome post).
// Runs against real redis-server and redis-sentinel processes (a primary, two replicas, one sentinel,
// configured as the README asks: min-replicas-to-write 1); skipped with one line when they are not
// installed (fails under CI=true). The app's close() must leave nothing running: the project runs
// without --forceExit, so a leaked connection or timer keeps jest from exiting.
import { writeFencing } from '../../src/store/connection';
import { startSentinelSet, type SentinelSet } from '../helpers/sentinel';
import { REDIS_SENTINEL, describeWithService } from '../helpers/services';
import {
  click,
  everyMessage,
  openIncident,
  outcomePosts,
  PEOPLE,
  proposeOk,
  startRemediationApp,
  until,
  type RemediationApp,
} from '../helpers/remediation';

jest.setTimeout(180_000);

describeWithService(REDIS_SENTINEL, 'Redis through Sentinel', () => {
  let set: SentinelSet;
  let t: RemediationApp;
  beforeAll(async () => {
    set = await startSentinelSet();
    // REDIS_URL emptied: the store and the queue go through Sentinel only.
    t = await startRemediationApp({
      env: { REDIS_URL: '', REDIS_SENTINELS: set.sentinels, REDIS_SENTINEL_NAME: set.name },
    });
  });
  afterAll(async () => {
    // Bounded: a close stuck on a connection must not keep the run from ending.
    await Promise.race([t?.close(), new Promise((r) => setTimeout(r, 15_000).unref())]);
    await set?.close();
  });

  it('connects the store through Sentinel to the current primary, and sees that it fences writes', async () => {
    expect(t.runtime.store.kind).toBe('redis');
    expect(t.runtime.queue.kind).toBe('bullmq');
    const [host = '', port = ''] = set.sentinels.split(':');
    // What `serve` checks at start: 0 would make it warn that a failover can lose acknowledged writes.
    expect(await writeFencing({ sentinels: [{ host, port: Number(port) }], name: set.name })).toBe(1);
  });

  // The failover starts as the investigation is being started (the kickoff is up): Sentinel detaches the
  // replica it promotes and repoints the other a second or more later, and writes the old primary
  // acknowledged in between used to be discarded (the investigation, its job), leaving the round to
  // end silently. The store's write fence (src/store/fence.ts) holds such writes back until the
  // connection has moved to the new primary.
  it('finishes an investigation once when the primary fails over during it', async () => {
    const { channelId: channel } = await t.client.openIncidentChannel('inc-sentinel-failover', PEOPLE.lead.id);
    // Fail over while the investigation starts (the kickoff is up, the synthesis not yet posted).
    await t.slack.fake.waitFor((f) => f.messages(channel)[0], 15_000, 'the kickoff');
    const moved = await set.failover();
    expect(moved.to).not.toBe(moved.from);
    await t.slack.fake
      .waitFor(
        (f) =>
          f
            .messages(channel)
            .find((m) => m.replies.some((r) => r.metadata?.event_type === 'incident_scout_hypotheses')),
        90_000,
        'the synthesis after the failover',
      )
      .catch((err: Error) => {
        throw new Error(`${err.message}; the app logged:\n${t.logs().slice(-8000)}`);
      });
    // Let anything a retried job would post arrive before counting.
    await new Promise((r) => setTimeout(r, 1500));
    const messages = everyMessage(t.slack, channel);
    // One kickoff message and one investigation (its status card and thread).
    expect(t.slack.fake.messages(channel).filter((m) => m.text.startsWith('Investigation'))).toHaveLength(1);
    expect(messages.filter((m) => m.metadata?.event_type === 'incident_scout_hypotheses')).toHaveLength(1);
    // Nothing posted twice: no text twice, and no chart (a reply with a file and no text of its own) twice.
    const texts = messages.filter((m) => m.files.length === 0).map((m) => m.text);
    expect(new Set(texts).size).toBe(texts.length);
    const charts = t.slack.fake
      .files()
      .filter((f) => f.channel === channel)
      .map((f) => f.title);
    expect(charts.length).toBeGreaterThan(0);
    expect(new Set(charts).size).toBe(charts.length);
  });

  let approved: { channel: string; id: string } | undefined;
  it('runs an action approved during a failover exactly once and reports it once', async () => {
    const { channel } = await openIncident(t, 'inc-sentinel-approval');
    const { id } = await proposeOk(t, channel, PEOPLE.guest.id, 'touch-marker label=failover');
    const moving = set.failover();
    await click(t, { channel, user: PEOPLE.lead.id, proposalId: id });
    await moving;
    await t.slack.fake
      .waitFor(() => outcomePosts(t.slack, channel, id)[0], 30_000, 'the outcome post')
      .catch((err: Error) => {
        throw new Error(`${err.message}; the app logged:\n${t.logs().slice(-8000)}`);
      });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await t.catalog.runs()).toEqual(['failover']);
    expect(outcomePosts(t.slack, channel, id)).toHaveLength(1);
    approved = { channel, id };
  });

  // The result is written while the store moves to the new primary: the write waits for the fence or is
  // retried until it lands, so a demoted primary never acknowledges it and loses it.
  it('records the approved action as succeeded in the store after the failover', async () => {
    if (!approved) throw new Error('the approval test did not run');
    const { channel, id } = approved;
    const status = async () => (await t.runtime.remediation.listProposals(channel)).find((p) => p.id === id)?.status;
    await until(
      async () => (await status()) === 'succeeded',
      15_000,
      `the stored proposal to be succeeded (it is ${String(await status())})`,
    );
  });
});

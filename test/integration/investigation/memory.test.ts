// A round consults the memory of past incidents at its synthesis: a resolved incident that looks the same
// is named under "Seen before"; when the memory cannot be read the synthesis goes out without it.
import { startSlackFake, type RunningSlackFake } from '../../../src/demo/slack-fake';
import type { Fingerprint, PastMatch } from '../../../src/domain/memory';
import type { Synthesis } from '../../../src/domain/types';
import { StoreUnavailable } from '../../../src/store/errors';
import { synthesisDocs } from '../../../src/store/kinds';
import { makeHarness, readable, type Harness } from './harness';

let slack: RunningSlackFake;
beforeAll(async () => {
  slack = await startSlackFake();
});
afterAll(async () => {
  await slack.close();
});

async function synthesisOf(h: Harness): Promise<{ text: string; doc: Synthesis | null }> {
  const { investigation } = await h.svc.start({ incident: h.incident, trigger: 'channel_created' });
  await h.queue.drain(30_000);
  const reply = slack.fake
    .messages(h.channel)[0]
    ?.replies.find((r) => r.metadata?.event_type === 'incident_scout_hypotheses');
  return { text: reply ? readable(reply) : '', doc: await synthesisDocs.in(h.store).get(investigation.id) };
}

describe('the memory of past incidents in a round', () => {
  let h: Harness;
  afterEach(async () => {
    await h.queue.close();
  });

  it("names a resolved incident the memory finds alike, with its cause and fix, and asks with this round's fingerprint", async () => {
    const asked: Array<{ fingerprint: Fingerprint; incidentId: string }> = [];
    h = makeHarness(slack, {
      recall: async (fingerprint, incidentId): Promise<PastMatch[]> => {
        asked.push({ fingerprint, incidentId });
        return [
          {
            similarity: 0.92,
            past: {
              incidentId: 'C0OLD',
              channelId: 'C0OLD',
              channelName: 'inc-payments-slow',
              startedAt: '2026-10-01T03:00:00.000Z',
              resolvedAt: '2026-10-01T04:00:00.000Z',
              fingerprint,
              cause: 'payments: deploy v4.1.0',
              fixes: ['rollback-deploy service=payments'],
            },
          },
        ];
      },
    });
    const { text, doc } = await synthesisOf(h);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.incidentId).toBe(h.channel);
    // The scenario's culprit leads the services, its deploy the changes.
    expect(Object.entries(asked[0]?.fingerprint.services ?? {}).sort((a, b) => b[1] - a[1])[0]).toEqual([
      'payments',
      1,
    ]);
    expect(asked[0]?.fingerprint.changes['deploy@payments']).toBeGreaterThan(0.5);
    expect(Object.keys(asked[0]?.fingerprint.templates ?? {}).length).toBeGreaterThan(0);
    expect(text).toContain('*Seen before*');
    expect(text).toContain('• *#inc-payments-slow* (<#C0OLD>), resolved 2026-10-01, 92% alike');
    expect(text).toContain('Fixed by `rollback-deploy service=payments`');
    expect(doc?.seenBefore?.[0]?.past.channelName).toBe('inc-payments-slow');
    expect(doc?.fingerprint).toEqual(asked[0]?.fingerprint);
  });

  it('posts the synthesis without "Seen before" when the memory cannot be read, and keeps the fingerprint for later', async () => {
    h = makeHarness(slack, {
      recall: async () => {
        throw new StoreUnavailable('The state store (Redis) is unreachable (get: connection end).');
      },
    });
    const { text, doc } = await synthesisOf(h);
    expect(text).toContain('Hypotheses');
    expect(text).not.toContain('Seen before');
    expect(doc?.fingerprint?.services['payments']).toBe(1);
    expect(doc?.seenBefore).toBeUndefined();
  });
});

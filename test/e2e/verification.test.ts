// After the rollback: the real runtime over HTTP, real Redis (BullMQ delayed job), the Slack fake and a
// replayed recording. What the recording holds after the action decides what the thread is told.
import type { AuditRecord } from '../../src/domain/types';
import {
  everyMessage,
  click,
  openIncident,
  PEOPLE,
  readable,
  startRemediationApp,
  type RemediationApp,
} from '../helpers/remediation';
import { recoveringScenario } from '../helpers/verification-scenario';

/** The scenario's clock (incident.yaml started_at): the rollback happens a few seconds after it. */
const STARTED_AT = '2026-11-27T03:08:43Z';

async function rollBackAndVerify(
  t: RemediationApp,
  name: string,
): Promise<{ text: string; threadTs: string; verification: { threadTs?: string | undefined }; audit: AuditRecord[] }> {
  const { channel, threadTs } = await openIncident(t, name);
  await t.runtime.queue.drain(30_000);
  const card = everyMessage(t.slack, channel).find(
    (m) =>
      m.metadata?.event_type === 'incident_scout_proposal' && m.metadata.event_payload.action === 'rollback-deploy',
  );
  const proposalId = card?.metadata?.event_payload.proposal_id;
  if (typeof proposalId !== 'string')
    throw new Error(
      `no rollback proposed in #${name}:\n${everyMessage(t.slack, channel)
        .map((m) => m.text)
        .join('\n')}`,
    );
  await click(t, { channel, user: PEOPLE.lead.id, proposalId });
  const verification = await t.slack.fake.waitFor(
    () => everyMessage(t.slack, channel).find((m) => m.metadata?.event_type === 'incident_scout_verification'),
    50_000,
    `the verification in #${name}`,
  );
  // A retried or repeated job posts nothing more.
  await t.runtime.verifyQueue.drain(10_000);
  expect(
    everyMessage(t.slack, channel).filter((m) => m.metadata?.event_type === 'incident_scout_verification'),
  ).toHaveLength(1);
  return { text: readable(verification), threadTs, verification, audit: await t.runtime.store.readAudit(channel) };
}

describe('checking that the fix worked', () => {
  let recovers: Awaited<ReturnType<typeof recoveringScenario>>;
  let ok: RemediationApp;
  let stuck: RemediationApp;

  beforeAll(async () => {
    recovers = await recoveringScenario(STARTED_AT);
    // 30 s of recording after the action: two points at the scenario's 15 s resolution.
    [ok, stuck] = await Promise.all([
      startRemediationApp({ evidenceDir: recovers.dir, env: { VERIFY_AFTER: '30s' } }),
      startRemediationApp({ env: { VERIFY_AFTER: '30s' } }),
    ]);
  });

  afterAll(async () => {
    await ok?.close();
    await stuck?.close();
    await recovers?.remove();
  });

  it('says "recovered" with before, during and after figures when the recording comes back after the rollback, and "not recovered" when it does not', async () => {
    const [good, bad] = await Promise.all([
      rollBackAndVerify(ok, 'inc-verify-recovers'),
      rollBackAndVerify(stuck, 'inc-verify-stuck'),
    ]);

    expect(good.verification.threadTs).toBe(good.threadTs);
    expect(good.text).toContain('Recovered 30s after rollback-deploy');
    expect(good.text).toMatch(
      /payments p99 latency: 213ms before the incident, 2\.5s during, \d+ms after — back to normal/,
    );
    expect(good.text).toContain("on the incident's clock");
    expect(good.text).not.toContain('still off');

    expect(bad.verification.threadTs).toBe(bad.threadTs);
    expect(bad.text).toContain('Not recovered 30s after rollback-deploy');
    expect(bad.text).toMatch(
      /payments p99 latency: 213ms before the incident, 2\.5s during, 2\.\d+s after — still off/,
    );

    // The audit trail keeps the verdict and the figures, once per proposal.
    for (const [run, verdict] of [
      [good, 'recovered'],
      [bad, 'not_recovered'],
    ] as const) {
      const checks = run.audit.filter((r) => r.kind === 'execution' && r.detail.phase === 'verify');
      expect(checks).toHaveLength(1);
      expect(checks[0]?.detail).toMatchObject({
        verdict,
        signals: expect.arrayContaining([expect.objectContaining({ service: 'payments', metric: 'p99 latency' })]),
      });
    }
  });
});

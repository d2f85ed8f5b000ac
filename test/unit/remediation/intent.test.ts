// One effect per intent, sealed approvals and model-named targets, through the remediation service.
import pino from 'pino';
import type { Investigation, Proposal, RenderedAction, Synthesis } from '../../../src/domain/types';
import type { TriageReport } from '../../../src/evidence/types';
import { approvalsKey, proposalKey } from '../../../src/remediation/proposals';
import { createRemediation, type RemediationService } from '../../../src/remediation/service';
import { MemoryStore } from '../../../src/store/memory';
import { catalogFrom, RecordingNotifier, testDirectory, TEST_ACTIONS, argvOf } from './fixtures';
import { proposalDocs } from '../../../src/store/kinds';

const CH = 'C0INC';
let store: MemoryStore;
let notifier: RecordingNotifier;
let runs: RenderedAction[];
let svc: RemediationService;

beforeEach(() => {
  const clock = { now: () => new Date('2026-11-27T03:14:00.000Z') };
  store = new MemoryStore(clock);
  notifier = new RecordingNotifier();
  runs = [];
  svc = createRemediation({
    config: { actions: catalogFrom(TEST_ACTIONS) },
    approvalsKey: approvalsKey('test-signing-secret'),
    store,
    notifier,
    directory: testDirectory({ S0ONCALL: ['U0ONCALL', 'U0SRE'] }),
    logger: pino({ level: 'silent' }),
    clock,
    executor: {
      run: async (r) => {
        runs.push(r);
        return { ok: true, exitCode: 0, output: 'rolled back', durationMs: 5 };
      },
    },
  });
});

const inv = (round: number): Investigation =>
  ({ id: `I-${round}`, incidentId: CH, channelId: CH, threadTs: '1700.1', brain: 'deterministic' }) as Investigation;
const report = {
  changes: [
    {
      change: { id: 'chg-1043', time: 0, service: 'notifications', kind: 'deploy', summary: 'v2' },
      leadSeconds: 30,
      score: 1,
    },
  ],
} as unknown as TriageReport;
const synthesis = (service: string): Synthesis => ({
  investigationId: 'I-1',
  summary: '',
  partial: false,
  redHerrings: [],
  hypotheses: [
    { rank: 1, service, cause: 'bad deploy', confidence: 0.8, evidence: ['E1'], against: [], change: 'chg-1043' },
  ],
});
const approve = (p: Proposal, userId: string) =>
  svc.approve({ actor: { userId }, value: `${p.id}:${p.hash}`, channelId: CH });

describe('one effect per intent', () => {
  it('supersedes the pending card of an earlier round and edits it to say so', async () => {
    const [first] = await svc.proposeFromSynthesis(inv(1), synthesis('notifications'), report);
    const [second] = await svc.proposeFromSynthesis(inv(2), synthesis('notifications'), report);
    const all = await svc.listProposals(CH);
    // Both were made at the same (fixed) time, so compare by id, not by order.
    expect(Object.fromEntries(all.map((p) => [p.id, p.status]))).toEqual({
      [first?.id as string]: 'voided',
      [second?.id as string]: 'pending',
    });
    expect(notifier.card(first?.messageTs)?.text).toMatch(/superseded by P-/);
    expect(notifier.card(first?.messageTs)?.hasButtons).toBe(false);
    await expect(approve(first as Proposal, 'U0LEAD')).rejects.toThrow(/already voided/);
    expect(runs).toEqual([]);
  });

  it('does not propose a rollback again once it succeeded in this incident', async () => {
    const [first] = await svc.proposeFromSynthesis(inv(1), synthesis('notifications'), report);
    expect((await approve(first as Proposal, 'U0LEAD')).status).toBe('succeeded');
    expect(await svc.proposeFromSynthesis(inv(2), synthesis('notifications'), report)).toEqual([]);
    expect(runs.filter((r) => argvOf(r).includes('undo'))).toHaveLength(1);
    const refusal = (await store.readAudit(CH)).find((a) => a.kind === 'refusal');
    expect(refusal?.detail.reason).toMatch(/already succeeded in this incident/);
  });
});

describe('model-named targets', () => {
  it('refuses and audits a hypothesis that blames another service than the change it implicates', async () => {
    expect(await svc.proposeFromSynthesis(inv(1), synthesis('auth'), report)).toEqual([]);
    expect(await svc.listProposals(CH)).toEqual([]);
    const refusal = (await store.readAudit(CH)).find((a) => a.kind === 'refusal');
    expect(refusal?.detail.reason).toBe(
      'refused: the hypothesis blames auth but the implicated change chg-1043 is a deploy of notifications',
    );
  });
});

describe('sealed approvals', () => {
  it('does not let one approval injected into the store complete a 2-of-M', async () => {
    const p = await svc.proposeByPerson({
      incidentId: CH,
      channelId: CH,
      actor: { userId: 'U0REQ' },
      actionId: 'revert-config',
      args: { service: 'checkout' },
    });
    expect(p.requiredApprovals).toBe(2);
    await proposalDocs
      .in(store)
      .update(proposalKey(CH, p.id), (cur) =>
        cur ? { ...cur, approvals: [{ userId: 'U0SRE', name: 'Sam Ortiz', at: cur.createdAt }] } : undefined,
      );
    await expect(approve(p, 'U0LEAD')).rejects.toThrow(/approvals was changed outside the app/);
    expect(runs).toEqual([]);
  });

  it('completes a 2-of-M from two real clicks', async () => {
    const p = await svc.proposeByPerson({
      incidentId: CH,
      channelId: CH,
      actor: { userId: 'U0REQ' },
      actionId: 'revert-config',
      args: { service: 'checkout' },
    });
    expect((await approve(p, 'U0SRE')).status).toBe('pending');
    expect((await approve(p, 'U0LEAD')).status).toBe('succeeded');
    expect(runs).toHaveLength(1);
  });
});

describe('secret names on cards', () => {
  it('shows the name of the secret an action sends, and its proposal survives the store', async () => {
    const p = await svc.proposeByPerson({
      incidentId: CH,
      channelId: CH,
      actor: { userId: 'U0REQ' },
      actionId: 'flag',
      args: { flag: 'checkout.v2', enabled: 'false' },
    });
    expect(notifier.card(p.messageTs)?.text ?? '').not.toMatch(/REDACTED/);
    expect(JSON.stringify(await svc.listProposals(CH))).toContain('Bearer ${FLAGS_TOKEN}');
    expect((await approve(p, 'U0LEAD')).status).toBe('succeeded');
  });
});

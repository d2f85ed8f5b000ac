import pino from 'pino';
import { ApprovalDenied, ProposalInvalid } from '../../../src/domain/errors';
import type { ExecutionResult, Proposal, RenderedAction } from '../../../src/domain/types';
import type { Executor } from '../../../src/remediation/executors';
import { approvalsKey, proposalKey } from '../../../src/remediation/proposals';
import { createRemediation, type RemediationService } from '../../../src/remediation/service';
import { MemoryStore } from '../../../src/store/memory';
import { catalogFrom, RecordingNotifier, testDirectory, TEST_ACTIONS, argvOf } from './fixtures';
import { proposalDocs } from '../../../src/store/kinds';

/** An in-process Executor: records what it was asked to run and answers as told. */
class RecordingExecutor implements Executor {
  runs: RenderedAction[] = [];
  answer: (r: RenderedAction) => ExecutionResult = () => ({
    ok: true,
    exitCode: 0,
    output: 'deployment.apps/checkout rolled back',
    durationMs: 1200,
  });
  /** When set, each run that `gated` selects (all by default) waits for it before answering. */
  gate: Promise<void> | undefined;
  gated: (r: RenderedAction) => boolean = () => true;
  async run(rendered: RenderedAction): Promise<ExecutionResult> {
    this.runs.push(rendered);
    if (this.gated(rendered)) await this.gate;
    return this.answer(rendered);
  }
}

const CH = 'C0INC';
let now: Date;
let store: MemoryStore;
let notifier: RecordingNotifier;
let executor: RecordingExecutor;
let svc: RemediationService;

beforeEach(() => {
  now = new Date('2026-11-27T03:14:00.000Z');
  const clock = { now: () => now };
  store = new MemoryStore(clock);
  notifier = new RecordingNotifier();
  executor = new RecordingExecutor();
  svc = createRemediation({
    config: { actions: catalogFrom(TEST_ACTIONS) },
    approvalsKey: approvalsKey('test-signing-secret'),
    store,
    notifier,
    directory: testDirectory(),
    executor,
    logger: pino({ level: 'silent' }),
    clock,
  });
});

const propose = (
  actionId = 'rollback-deploy',
  args: Record<string, string> = { service: 'checkout' },
  userId = 'U0REQ',
) => svc.proposeByPerson({ incidentId: CH, channelId: CH, actor: { userId }, actionId, args });
const value = (p: Proposal) => `${p.id}:${p.hash}`;
const approve = (p: Proposal, userId: string, v = value(p), isBot?: boolean) =>
  svc.approve({ actor: { userId, ...(isBot !== undefined ? { isBot } : {}) }, value: v, channelId: CH });

async function denied(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApprovalDenied) return err.userMessage;
    throw err;
  }
  throw new Error('expected ApprovalDenied');
}

async function refusals() {
  return (await store.readAudit(CH)).filter((r) => r.kind === 'refusal');
}

describe('approvals', () => {
  it('runs the action once when a listed approver approves, and shows their name on the card', async () => {
    const p = await propose();
    const done = await approve(p, 'U0LEAD');
    expect(done.status).toBe('succeeded');
    // the read-only precondition first, then the action itself, once
    expect(executor.runs).toEqual([
      { kind: 'command', argv: ['kubectl', 'rollout', 'status', 'deployment/checkout', '-n', 'production'] },
      { kind: 'command', argv: ['kubectl', 'rollout', 'undo', 'deployment/checkout', '-n', 'production'] },
    ]);
    const card = notifier.card(done.messageTs);
    expect(card?.text).toContain('Succeeded in 1.2s (approved by @Dana Lee)');
    expect(card?.hasButtons).toBe(false);
    expect(card?.metadataStatus).toBe('succeeded');
    expect(notifier.outcomes.join('\n')).toContain('Succeeded');
    const decision = (await store.readAudit(CH)).find((r) => r.kind === 'decision');
    expect(decision).toMatchObject({
      actor: 'U0LEAD',
      actorName: 'Dana Lee',
      detail: { decision: 'approved', proposalId: p.id },
    });
  });

  it('lets a member of an approver usergroup approve', async () => {
    const p = await propose();
    expect((await approve(p, 'U0ONCALL')).status).toBe('succeeded');
  });

  it('rejects an approval from someone outside the approvers, says who may, and audits the refusal', async () => {
    const p = await propose();
    const why = await denied(approve(p, 'U0OTHER'));
    expect(why).toContain('You are not an approver of rollback-deploy');
    expect(why).toContain('Dana Lee');
    expect(executor.runs).toHaveLength(0);
    expect(await refusals()).toEqual([
      expect.objectContaining({
        actor: 'U0OTHER',
        actorName: 'Pat Doe',
        detail: expect.objectContaining({ reason: why }),
      }),
    ]);
  });

  it('refuses the requester approving their own proposal unless the action allows it', async () => {
    const own = await propose('rollback-deploy', { service: 'checkout' }, 'U0LEAD');
    expect(await denied(approve(own, 'U0LEAD'))).toContain('You requested this change');
    const allowed = await propose('scale', { service: 'api', replicas: '3' }, 'U0LEAD');
    expect((await approve(allowed, 'U0LEAD')).status).toBe('succeeded');
  });

  it('never lets a bot approve, even one in an approver usergroup', async () => {
    const p = await propose();
    expect(await denied(approve(p, 'B0BOT'))).toContain('Bots cannot');
    expect(await denied(approve(p, 'U0LEAD', value(p), true))).toContain('Bots cannot');
    expect(executor.runs).toHaveLength(0);
    expect(await refusals()).toHaveLength(2);
  });

  it('refuses after expiry, marks the card expired and audits it', async () => {
    const p = await propose();
    now = new Date(now.getTime() + 31 * 60_000);
    expect(await denied(approve(p, 'U0LEAD'))).toContain('expired');
    const stored = (await svc.listProposals(CH))[0];
    expect(stored?.status).toBe('expired');
    expect(notifier.card(stored?.messageTs)?.text).toContain('Expired');
    expect(executor.runs).toHaveLength(0);
    expect(await refusals()).toEqual([
      expect.objectContaining({
        actor: 'U0LEAD',
        detail: expect.objectContaining({ reason: expect.stringContaining('expired') }),
      }),
    ]);
  });

  it('refuses a button whose hash does not match the stored proposal', async () => {
    const p = await propose();
    const tampered = `${p.id}:${'0'.repeat(64)}`;
    expect(await denied(approve(p, 'U0LEAD', tampered))).toContain('hash mismatch');
    expect(await denied(approve(p, 'U0LEAD', 'P-abc:nothex'))).toContain('not a valid proposal reference');
    expect(executor.runs).toHaveLength(0);
    expect(await refusals()).toHaveLength(2);
  });

  it('refuses a proposal whose stored argv was edited after it was hashed', async () => {
    const p = await propose();
    await proposalDocs
      .in(store)
      .update(`${CH}:${p.id}`, (cur) =>
        cur ? { ...cur, rendered: { kind: 'command', argv: ['sh', '-c', 'reboot'] } } : undefined,
      );
    expect(await denied(approve(p, 'U0LEAD'))).toContain('cannot be trusted');
    expect(executor.runs).toHaveLength(0);
  });

  it('refuses a click on a proposal from another channel', async () => {
    const p = await propose();
    expect(await denied(svc.approve({ actor: { userId: 'U0LEAD' }, value: value(p), channelId: 'C0ELSE' }))).toContain(
      'does not exist in this channel',
    );
  });

  it('needs two distinct approvers for required: 2; one approval leaves it pending and the same person twice counts once', async () => {
    const p = await propose('revert-config', { service: 'checkout' });
    const first = await approve(p, 'U0LEAD');
    expect(first.status).toBe('pending');
    expect(notifier.card(first.messageTs)?.text).toContain('1 of 2 approvals: Dana Lee');
    expect(await denied(approve(p, 'U0LEAD'))).toContain('already approved');
    expect(executor.runs).toHaveLength(0);
    const second = await approve(p, 'U0SRE');
    expect(second.status).toBe('succeeded');
    expect(second.approvals.map((a) => a.name)).toEqual(['Dana Lee', 'Sam Ortiz']);
    expect(executor.runs).toHaveLength(1);
  });

  it('refuses a second approval after the proposal has run', async () => {
    const p = await propose();
    await approve(p, 'U0LEAD');
    expect(await denied(approve(p, 'U0ONCALL'))).toContain('already succeeded');
    expect(executor.runs.filter((r) => argvOf(r).includes('undo'))).toHaveLength(1);
  });

  it('voids the proposal when the precondition fails right before execution, and says why', async () => {
    executor.answer = (r) =>
      argvOf(r).includes('status')
        ? {
            ok: false,
            exitCode: 1,
            output: 'error: deployment "checkout" exceeded its progress deadline',
            durationMs: 50,
          }
        : { ok: true, exitCode: 0, output: '', durationMs: 1 };
    const p = await propose();
    const done = await approve(p, 'U0LEAD');
    expect(done.status).toBe('voided');
    expect(notifier.card(done.messageTs)?.text).toContain(
      'Voided: precondition failed: exit 1 — error: deployment "checkout" exceeded',
    );
    expect(executor.runs).toHaveLength(1); // only the check ran
  });

  it('records a failed run with its exit code', async () => {
    executor.answer = (r) =>
      argvOf(r).includes('undo')
        ? { ok: false, exitCode: 1, output: 'Error from server (NotFound)', durationMs: 300 }
        : { ok: true, exitCode: 0, output: '', durationMs: 1 };
    const p = await propose();
    const done = await approve(p, 'U0LEAD');
    expect(done.status).toBe('failed');
    expect(notifier.card(done.messageTs)?.text).toContain('Failed (exit 1)');
    expect((await store.readAudit(CH)).find((r) => r.kind === 'execution' && r.detail.phase === 'run')).toMatchObject({
      detail: { ok: false, exitCode: 1 },
    });
  });
});

describe('rejections and expiry', () => {
  it('lets an approver reject; the card says who and nothing runs', async () => {
    const p = await propose();
    const r = await svc.reject({ actor: { userId: 'U0LEAD' }, value: value(p), channelId: CH });
    expect(r.status).toBe('rejected');
    expect(notifier.card(r.messageTs)?.text).toContain('Rejected by @Dana Lee');
    expect(await denied(approve(p, 'U0ONCALL'))).toContain('already rejected');
    expect(executor.runs).toHaveLength(0);
  });

  it('refuses a rejection from a bystander', async () => {
    const p = await propose();
    expect(await denied(svc.reject({ actor: { userId: 'U0OTHER' }, value: value(p), channelId: CH }))).toContain(
      'Only the approvers',
    );
  });

  it('expires due proposals in a sweep and leaves fresh ones pending', async () => {
    const old = await propose();
    now = new Date(now.getTime() + 20 * 60_000);
    await propose('scale', { service: 'api', replicas: '2' });
    now = new Date(now.getTime() + 11 * 60_000);
    expect(await svc.sweep()).toBe(1);
    const list = await svc.listProposals(CH);
    expect(list.map((p) => [p.id === old.id, p.status])).toEqual([
      [true, 'expired'],
      [false, 'pending'],
    ]);
  });
});

describe('a process that stopped mid-way', () => {
  const MIN = 60_000;
  // rollback-deploy: precondition and run both have the default 60 s timeout; the sweep adds 5 minutes.
  const leaveAs = async (p: Proposal, status: 'approved' | 'running'): Promise<void> => {
    const approval = { userId: 'U0LEAD', name: 'Dana Lee', at: now.toISOString() };
    await proposalDocs.in(store).update(proposalKey(CH, p.id), (cur) =>
      cur
        ? {
            ...cur,
            status,
            approvals: [approval],
            decidedBy: approval,
            ...(status === 'running' ? { runningSince: now.toISOString() } : {}),
          }
        : undefined,
    );
  };
  const stored = async (p: Proposal) => (await svc.listProposals(CH)).find((x) => x.id === p.id);

  it('voids an approval that never started running once it is clearly abandoned, and says nothing was run', async () => {
    const p = await propose();
    await leaveAs(p, 'approved');
    now = new Date(now.getTime() + 5 * MIN);
    expect(await svc.sweep()).toBe(0);
    expect((await stored(p))?.status).toBe('approved');
    now = new Date(now.getTime() + 1 * MIN);
    expect(await svc.sweep()).toBe(1);
    expect((await stored(p))?.status).toBe('voided');
    expect(notifier.card(p.messageTs)?.text).toContain('nothing was run');
    expect(notifier.outcomes.join('\n')).toContain('stopped after the approval and before it ran');
    expect((await store.readAudit(CH)).filter((r) => r.kind === 'decision').map((r) => r.detail.decision)).toEqual([
      'voided',
    ]);
    expect(await svc.sweep()).toBe(0);
    expect(executor.runs).toHaveLength(0);
  });

  it('marks a run whose process stopped as failed with an unknown outcome, and never runs it again', async () => {
    const p = await propose();
    await leaveAs(p, 'running');
    now = new Date(now.getTime() + 6 * MIN - 1000);
    expect(await svc.sweep()).toBe(0);
    now = new Date(now.getTime() + 1000);
    expect(await svc.sweep()).toBe(1);
    const after = await stored(p);
    expect(after?.status).toBe('failed');
    expect(after?.result).toMatchObject({ ok: false, exitCode: null, durationMs: 6 * MIN });
    expect(notifier.card(p.messageTs)?.text).toContain('may or may not have taken effect');
    expect(notifier.outcomes.join('\n')).toContain('Check before proposing it again');
    expect(await denied(approve(p, 'U0ONCALL'))).toContain('already failed');
    expect(executor.runs).toHaveLength(0);
  });

  it("settles a run by its runner's own deadline, not by this replica's catalog", async () => {
    const p = await propose();
    await leaveAs(p, 'running');
    await proposalDocs
      .in(store)
      .update(proposalKey(CH, p.id), (cur) =>
        cur ? { ...cur, settleAfter: new Date(now.getTime() + 20 * MIN).toISOString() } : undefined,
      );
    now = new Date(now.getTime() + 19 * MIN);
    expect(await svc.sweep()).toBe(0);
    now = new Date(now.getTime() + 1 * MIN);
    expect(await svc.sweep()).toBe(1);
    expect((await stored(p))?.result?.interrupted).toBe(true);
  });

  it('gives a run that reports after the sweep gave up on it its real result, and tells the thread', async () => {
    const p = await propose();
    let release = (): void => undefined;
    executor.gate = new Promise((r) => (release = r));
    executor.gated = (r) => argvOf(r).includes('undo'); // the run, not the precondition
    const approving = approve(p, 'U0LEAD');
    await new Promise((r) => setTimeout(r, 10));
    expect((await stored(p))?.status).toBe('running');
    now = new Date(now.getTime() + 7 * MIN);
    expect(await svc.sweep()).toBe(1);
    expect(notifier.card(p.messageTs)?.text).toContain('may or may not have taken effect');
    expect(notifier.card(p.messageTs)?.text).not.toMatch(/after \d/); // no made-up duration
    release();
    const done = await approving;
    expect(done.status).toBe('succeeded');
    expect(done.statusNote).toBe('its result came after it had been marked interrupted');
    expect(notifier.card(p.messageTs)?.text).toContain('Succeeded in 1.2s');
    expect(notifier.outcomes).toHaveLength(2);
    expect(notifier.outcomes[1]).toContain('Succeeded');
    const trail = await store.readAudit(CH);
    expect(trail.filter((r) => r.kind === 'execution').map((r) => r.detail.phase)).toEqual([
      'precondition',
      'start',
      'run',
    ]);
    expect(trail.filter((r) => r.kind === 'decision').map((r) => r.detail.decision)).toEqual([
      'approved',
      'interrupted',
    ]);
  });

  it('does not run an approval that the sweep settled while its precondition was still going', async () => {
    const p = await propose();
    let release = (): void => undefined;
    executor.gate = new Promise((r) => (release = r));
    const approving = approve(p, 'U0LEAD');
    await new Promise((r) => setTimeout(r, 10));
    expect(executor.runs).toHaveLength(1); // the precondition, waiting
    now = new Date(now.getTime() + 60 * MIN);
    expect(await svc.sweep()).toBe(1);
    release();
    expect((await approving).status).toBe('voided');
    expect(executor.runs).toEqual([
      { kind: 'command', argv: ['kubectl', 'rollout', 'status', 'deployment/checkout', '-n', 'production'] },
    ]);
    expect(notifier.outcomes).toHaveLength(1);
  });

  it('tells the thread once when the sweep settled it and then its precondition failed', async () => {
    const p = await propose();
    let release = (): void => undefined;
    executor.gate = new Promise((r) => (release = r));
    executor.answer = () => ({ ok: false, exitCode: 1, output: 'deployment not found', durationMs: 10 });
    const approving = approve(p, 'U0LEAD');
    await new Promise((r) => setTimeout(r, 10));
    now = new Date(now.getTime() + 60 * MIN);
    expect(await svc.sweep()).toBe(1);
    release();
    expect((await approving).statusNote).toContain('before it ran');
    expect(notifier.outcomes).toHaveLength(1);
    expect((await store.readAudit(CH)).filter((r) => r.kind === 'decision').map((r) => r.detail.decision)).toEqual([
      'approved',
      'voided',
    ]);
  });
});

describe('proposing', () => {
  it('refuses an unknown action or a bad param from a person, and audits it', async () => {
    await expect(propose('delete-everything', {})).rejects.toThrow(ProposalInvalid);
    await expect(propose('rollback-deploy', { service: 'checkout; rm -rf /' })).rejects.toThrow(/does not match/);
    expect((await refusals()).map((r) => r.detail.what)).toEqual(['proposal', 'proposal']);
  });

  it('refuses a model-named action outside the catalog and audits it, returning null', async () => {
    const inv = { id: 'I-1', incidentId: CH, channelId: CH } as never;
    expect(
      await svc.proposeFromBrain(inv, {
        actionId: 'shell',
        params: { cmd: 'rm -rf /' },
        evidence: [],
        reason: 'ignore previous instructions',
      }),
    ).toBeNull();
    expect(
      await svc.proposeFromBrain(inv, {
        actionId: 'scale',
        params: { service: 'api', replicas: 500 },
        evidence: [],
        reason: 'x',
      }),
    ).toBeNull();
    const ok = await svc.proposeFromBrain(inv, {
      actionId: 'scale',
      params: { service: 'api', replicas: 5 },
      evidence: ['E2'],
      reason: 'saturation',
    });
    expect(ok?.untrustedParams).toEqual(['replicas', 'service']);
    expect(await refusals()).toHaveLength(2);
  });

  it('exports the trail as JSON lines with a summary', async () => {
    const p = await propose();
    await approve(p, 'U0OTHER').catch(() => undefined);
    await approve(p, 'U0LEAD');
    const { records } = await svc.exportAudit({ incidentId: CH, channelId: CH, actor: { userId: 'U0LEAD' } });
    const upload = notifier.uploads[0];
    expect(upload?.filename).toBe('audit-C0INC-2026-11-27.jsonl');
    expect(upload?.content.trim().split('\n')).toHaveLength(records);
    expect(upload?.comment).toContain('1 refusal');
    expect(upload?.comment).toContain(`${p.id} rollback-deploy succeeded in 1.2s`);
  });
});

// Remediation end to end: the real runtime (buildRuntime) over HTTP, the Slack fake, real Redis, and a test
// catalog whose actions append a line to a marker file. Asserts what people see (the card in the thread,
// ephemeral reasons), what ran (lines in the file) and what the audit trail recorded.
import type { AuditRecord, Proposal } from '../../src/domain/types';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  buttonValue,
  click,
  clickRefused,
  findCard,
  ONCALL_GROUP,
  openIncident,
  outcomePosts,
  PEOPLE,
  proposeOk,
  readable,
  setGroupMembers,
  startRemediationApp,
  triage,
  type RemediationApp,
} from '../helpers/remediation';
import { proposalDocs } from '../../src/store/kinds';

let t: RemediationApp;

beforeAll(async () => {
  t = await startRemediationApp();
});

afterAll(async () => {
  await t?.close();
});

/** An incident whose first round has finished, synthesis proposals included. */
async function incident(name: string): Promise<{ channel: string; threadTs: string }> {
  const opened = await openIncident(t, name);
  await t.runtime.queue.drain(30_000).catch((err: Error) => {
    throw new Error(`${err.message}\napp logs:\n${t.logs().slice(-4000)}`, { cause: err });
  });
  return opened;
}

const audit = (channel: string): Promise<AuditRecord[]> => t.runtime.store.readAudit(channel);
const stored = async (channel: string, id: string): Promise<Proposal | null> =>
  proposalDocs.in(t.runtime.store).get(`${channel}:${id}`);
const refusalsOf = (records: AuditRecord[], user: string, proposalId: string) =>
  records.filter((r) => r.kind === 'refusal' && r.actor === user && r.detail.proposalId === proposalId);

describe('approving a proposal', () => {
  it('runs the action once for a listed approver, shows who approved on the card, and audits decision and execution', async () => {
    const { channel, threadTs } = await incident('inc-rem-approve');
    const { id, card, reply } = await proposeOk(t, channel, PEOPLE.guest.id, 'touch-marker label=alpha');
    expect(reply).toContain(`Proposed \`touch-marker\` (${id}); it needs 1 approval on its card.`);

    // The card: a reply in the investigation thread, exactly what will run, who may approve, two buttons.
    expect(card.threadTs).toBe(threadTs);
    const shown = readable(card);
    expect(shown).toContain(`node -e`);
    expect(shown).toMatch(/process\.argv\[1\].* alpha```/);
    expect(shown).toContain('Lea Marin, Sam Okafor, Deploy Bot, <!subteam^S0ONCALL>');
    expect(shown).toContain('Waiting for an approval');
    // The fake keeps one live object per message, so keep the button's value as the person's client would.
    const approveValue = buttonValue(card, 'approve_proposal') as string;
    expect(approveValue).toMatch(new RegExp(`^${id}:[a-f0-9]{64}$`));
    expect(card.metadata?.event_payload).toMatchObject({
      proposal_id: id,
      action: 'touch-marker',
      params: { label: 'alpha', replicas: 1 },
      status: 'pending',
    });
    expect(await t.catalog.runs()).toEqual([]);

    await click(t, { channel, user: PEOPLE.lead.id, proposalId: id });
    const outcome = await t.slack.fake.waitFor(() => outcomePosts(t.slack, channel, id)[0], 15_000, 'the outcome post');

    expect(await t.catalog.runs()).toEqual(['alpha']);
    expect(outcome.threadTs).toBe(threadTs);
    expect(readable(outcome)).toContain('exit code 0');
    expect(outcome.metadata?.event_payload).toMatchObject({ proposal_id: id, status: 'succeeded' });
    const after = findCard(t.slack, channel, id);
    expect(after?.text).toContain('Succeeded');
    expect(after?.text).toContain('approved by @Lea Marin');
    expect(buttonValue(after, 'approve_proposal')).toBeUndefined();
    expect(after?.metadata?.event_payload).toMatchObject({ status: 'succeeded' });

    const records = await audit(channel);
    expect(records).toContainEqual(
      expect.objectContaining({
        kind: 'proposal',
        actor: PEOPLE.guest.id,
        actorName: PEOPLE.guest.realName,
        detail: expect.objectContaining({ proposalId: id }),
      }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({
        kind: 'decision',
        actor: PEOPLE.lead.id,
        actorName: 'Lea Marin',
        detail: expect.objectContaining({ proposalId: id, decision: 'approved' }),
      }),
    );
    // What started (before it ran), then its result: one run.
    expect(
      records.filter((r) => r.kind === 'execution' && r.detail.proposalId === id).map((r) => r.detail.phase),
    ).toEqual(['start', 'run']);
    const runs = records.filter(
      (r) => r.kind === 'execution' && r.detail.proposalId === id && r.detail.phase === 'run',
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]?.detail).toMatchObject({ phase: 'run', ok: true, exitCode: 0, actionId: 'touch-marker' });
    expect((runs[0]?.detail.argv as string[]).at(-1)).toBe('alpha');

    // A late click on a finished proposal runs nothing and says why.
    const late = await clickRefused(t, { channel, user: PEOPLE.sre.id, proposalId: id, value: approveValue });
    expect(late).toBe('This proposal is already succeeded.');
    expect(await t.catalog.runs()).toEqual(['alpha']);
    expect(outcomePosts(t.slack, channel, id)).toHaveLength(1);
  });

  it('needs two distinct approvers for required: 2; the same approver twice counts once', async () => {
    const { channel } = await incident('inc-rem-two');
    const before = await t.catalog.runs();
    const { id, card, reply } = await proposeOk(t, channel, PEOPLE.guest.id, 'two-person-marker label=beta');
    expect(reply).toContain('it needs 2 approvals on its card.');
    expect(readable(card)).toContain('(2 needed)');
    expect(card.text).toContain('Waiting for 2 approvals');

    await click(t, { channel, user: PEOPLE.lead.id, proposalId: id });
    const partial = await t.slack.fake.waitFor(
      () => findCard(t.slack, channel, id)?.text.includes('1 of 2') && findCard(t.slack, channel, id),
      10_000,
      '1 of 2',
    );
    expect(partial.text).toContain('1 of 2 approvals: Lea Marin');
    expect(buttonValue(partial, 'approve_proposal')).toBeDefined();
    expect((await stored(channel, id))?.status).toBe('pending');

    const twice = await clickRefused(t, { channel, user: PEOPLE.lead.id, proposalId: id });
    expect(twice).toBe('You have already approved this; it needs 1 more approval from someone else.');
    expect((await stored(channel, id))?.approvals.map((a) => a.userId)).toEqual([PEOPLE.lead.id]);
    expect(await t.catalog.runs()).toEqual(before);

    // Olu approves through the @oncall usergroup (usergroups.users.list).
    await click(t, { channel, user: PEOPLE.oncall.id, proposalId: id });
    await t.slack.fake.waitFor(() => outcomePosts(t.slack, channel, id)[0], 15_000, 'the outcome post');
    expect(await t.catalog.runs()).toEqual([...before, 'beta']);
    expect(findCard(t.slack, channel, id)?.text).toContain('approved by @Lea Marin, @Olu Ade');
    const decisions = (await audit(channel)).filter((r) => r.kind === 'decision' && r.detail.proposalId === id);
    expect(decisions.map((d) => [d.actor, d.detail.decision, d.detail.approvals])).toEqual([
      [PEOPLE.lead.id, 'approved', 1],
      [PEOPLE.oncall.id, 'approved', 2],
    ]);
  });
});

describe('precondition and rejection', () => {
  let channel: string;

  beforeAll(async () => {
    ({ channel } = await incident('inc-rem-guard'));
  });

  it('voids an approved proposal whose precondition fails right before it would run, and says why', async () => {
    const before = await t.catalog.runs();
    const { id } = await proposeOk(t, channel, PEOPLE.guest.id, 'guarded-marker label=iota');
    await click(t, { channel, user: PEOPLE.sre.id, proposalId: id });
    const outcome = await t.slack.fake.waitFor(() => outcomePosts(t.slack, channel, id)[0], 15_000, 'the outcome post');
    expect(outcome.text).toContain('Voided: precondition failed: exit 3 — not allowed right now');
    expect(findCard(t.slack, channel, id)?.text).toContain('Voided: precondition failed: exit 3');
    expect(await t.catalog.runs()).toEqual(before);
    const records = (await audit(channel)).filter((r) => r.detail.proposalId === id);
    expect(records.map((r) => [r.kind, r.detail.phase ?? r.detail.decision])).toEqual([
      ['proposal', undefined],
      ['decision', 'approved'],
      ['execution', 'precondition'],
      ['decision', 'voided'],
    ]);

    // Once the check passes, the same action runs.
    await writeFile(path.join(t.catalog.dir, 'allow'), '');
    const { id: again } = await proposeOk(t, channel, PEOPLE.guest.id, 'guarded-marker label=kappa');
    await click(t, { channel, user: PEOPLE.sre.id, proposalId: again });
    await t.slack.fake.waitFor(() => outcomePosts(t.slack, channel, again)[0], 15_000, 'the outcome post');
    expect(await t.catalog.runs()).toEqual([...before, 'kappa']);
  });

  it('lets an approver reject, refuses a reject from anyone else, and runs nothing after', async () => {
    const before = await t.catalog.runs();
    const { id, card } = await proposeOk(t, channel, PEOPLE.lead.id, 'touch-marker label=lambda');
    const approveValue = buttonValue(card, 'approve_proposal') as string;
    const outsider = await clickRefused(t, {
      channel,
      user: PEOPLE.guest.id,
      proposalId: id,
      action: 'reject_proposal',
    });
    expect(outsider).toBe('Only the approvers of touch-marker or the requester can reject it.');
    await click(t, { channel, user: PEOPLE.sre.id, proposalId: id, action: 'reject_proposal' });
    const rejected = await t.slack.fake.waitFor(
      () => findCard(t.slack, channel, id)?.text.includes('Rejected') && findCard(t.slack, channel, id),
      10_000,
      'rejected card',
    );
    expect(rejected.text).toContain('Rejected by @Sam Okafor');
    expect(buttonValue(rejected, 'approve_proposal')).toBeUndefined();
    const late = await clickRefused(t, { channel, user: PEOPLE.oncall.id, proposalId: id, value: approveValue });
    expect(late).toBe('This proposal is already rejected (rejected by Sam Okafor).');
    expect(await t.catalog.runs()).toEqual(before);
    expect(
      (await audit(channel))
        .filter((r) => r.kind === 'decision' && r.detail.proposalId === id)
        .map((r) => [r.actor, r.actorName, r.detail.decision]),
    ).toEqual([[PEOPLE.sre.id, 'Sam Okafor', 'rejected']]);
  });
});

describe('refusals: nothing runs, the clicker is told why, the refusal is audited', () => {
  let channel: string;
  let runsBefore: string[];

  beforeAll(async () => {
    ({ channel } = await incident('inc-rem-refuse'));
  });

  beforeEach(async () => {
    runsBefore = await t.catalog.runs();
  });

  afterEach(async () => {
    expect(await t.catalog.runs()).toEqual(runsBefore);
  });

  it('refuses someone who is not an approver', async () => {
    const { id } = await proposeOk(t, channel, PEOPLE.sre.id, 'touch-marker label=gamma');
    const reason = await clickRefused(t, { channel, user: PEOPLE.guest.id, proposalId: id });
    expect(reason).toBe(
      'You are not an approver of touch-marker. It needs: Lea Marin, Sam Okafor, Deploy Bot, <!subteam^S0ONCALL>.',
    );
    expect(refusalsOf(await audit(channel), PEOPLE.guest.id, id)).toEqual([
      expect.objectContaining({
        actorName: PEOPLE.guest.realName,
        detail: expect.objectContaining({ what: 'approve', reason }),
      }),
    ]);
    expect((await stored(channel, id))?.status).toBe('pending');
    expect(findCard(t.slack, channel, id)?.text).toContain('Waiting for an approval');
  });

  it('refuses the requester approving their own proposal', async () => {
    const { id } = await proposeOk(t, channel, PEOPLE.lead.id, 'touch-marker label=delta');
    const reason = await clickRefused(t, { channel, user: PEOPLE.lead.id, proposalId: id });
    expect(reason).toBe('You requested this change; someone else must approve it.');
    expect(refusalsOf(await audit(channel), PEOPLE.lead.id, id)).toHaveLength(1);
    expect((await stored(channel, id))?.approvals).toEqual([]);
  });

  it('refuses a bot, even one named as an approver', async () => {
    const { id } = await proposeOk(t, channel, PEOPLE.guest.id, 'touch-marker label=epsilon');
    const reason = await clickRefused(t, { channel, user: PEOPLE.bot.id, proposalId: id });
    expect(reason).toBe('Bots cannot approve or reject changes.');
    expect(refusalsOf(await audit(channel), PEOPLE.bot.id, id)).toHaveLength(1);
    expect((await stored(channel, id))?.status).toBe('pending');
  });

  it('refuses a bot in an approver usergroup, also when Slack cannot say who the clicker is', async () => {
    const { id } = await proposeOk(t, channel, PEOPLE.guest.id, 'touch-marker label=nu');
    // Every users.info of this click fails: not knowing whether the clicker is a bot must not let it through.
    t.slack.fake.failNext('users.info', { error: 'fatal_error' }, 10);
    const unknown = await clickRefused(t, { channel, user: PEOPLE.groupBot.id, proposalId: id });
    expect(unknown).toBe(
      'I could not confirm with Slack who you are, so I cannot accept this decision. Nothing was run; try again in a moment.',
    );
    while (t.slack.fake.takeFault('users.info')) {
      // Drop the faults this click did not use; Slack answers again.
    }
    const known = await clickRefused(t, { channel, user: PEOPLE.groupBot.id, proposalId: id });
    expect(known).toBe('Bots cannot approve or reject changes.');
    expect(refusalsOf(await audit(channel), PEOPLE.groupBot.id, id).map((r) => r.detail.reason)).toEqual([
      unknown,
      known,
    ]);
    expect((await stored(channel, id))?.status).toBe('pending');
  });

  it('refuses a usergroup approver while Slack cannot list the group, saying so, and recognises them once it can', async () => {
    const { id } = await proposeOk(t, channel, PEOPLE.guest.id, 'touch-marker label=xi');
    // The group changed (the app drops the list it knew), and Slack then fails to list it.
    await setGroupMembers(t, ONCALL_GROUP, [PEOPLE.oncall.id, PEOPLE.groupBot.id]);
    t.slack.fake.failNext('usergroups.users.list', { error: 'fatal_error' }, 1);
    const reason = await clickRefused(t, { channel, user: PEOPLE.oncall.id, proposalId: id });
    expect(reason).toBe(
      'I could not list the members of <!subteam^S0ONCALL> with Slack, so I cannot tell whether you may decide on touch-marker. Nothing was run; try again in a moment.',
    );
    expect(refusalsOf(await audit(channel), PEOPLE.oncall.id, id)).toHaveLength(1);
    expect((await stored(channel, id))?.status).toBe('pending');
    // Reject it now that Slack answers, so this block's "nothing ran" check holds.
    await click(t, { channel, user: PEOPLE.oncall.id, proposalId: id, action: 'reject_proposal' });
    await t.slack.fake.waitFor(
      () => findCard(t.slack, channel, id)?.text.includes('Rejected by @Olu Ade'),
      10_000,
      'rejected by Olu',
    );
  });

  it('stops counting someone as an approver once Slack reports they left the usergroup', async () => {
    // Olu rejects one proposal as an @oncall member: the app now knows the group's members.
    const first = await proposeOk(t, channel, PEOPLE.guest.id, 'touch-marker label=omicron');
    await click(t, { channel, user: PEOPLE.oncall.id, proposalId: first.id, action: 'reject_proposal' });
    await t.slack.fake.waitFor(
      () => findCard(t.slack, channel, first.id)?.text.includes('Rejected by @Olu Ade'),
      10_000,
      'rejected by Olu',
    );
    await setGroupMembers(t, ONCALL_GROUP, [PEOPLE.groupBot.id]);
    try {
      const { id } = await proposeOk(t, channel, PEOPLE.guest.id, 'touch-marker label=pi');
      const reason = await clickRefused(t, { channel, user: PEOPLE.oncall.id, proposalId: id });
      expect(reason).toBe(
        'You are not an approver of touch-marker. It needs: Lea Marin, Sam Okafor, Deploy Bot, <!subteam^S0ONCALL>.',
      );
      expect((await stored(channel, id))?.status).toBe('pending');
    } finally {
      await setGroupMembers(t, ONCALL_GROUP, [PEOPLE.oncall.id, PEOPLE.groupBot.id]);
    }
  });

  it('refuses an approval after the proposal expired and shows it expired on the card', async () => {
    const { id } = await proposeOk(t, channel, PEOPLE.guest.id, 'quick-marker label=zeta');
    t.clock.advance(61_000);
    try {
      const reason = await clickRefused(t, { channel, user: PEOPLE.sre.id, proposalId: id });
      expect(reason).toBe('This proposal has expired; propose it again if it is still needed.');
    } finally {
      t.clock.advance(-61_000);
    }
    const records = await audit(channel);
    expect(refusalsOf(records, PEOPLE.sre.id, id)).toHaveLength(1);
    expect(records).toContainEqual(
      expect.objectContaining({ kind: 'decision', actor: 'system', detail: { proposalId: id, decision: 'expired' } }),
    );
    expect((await stored(channel, id))?.status).toBe('expired');
    const card = await t.slack.fake.waitFor(
      () => findCard(t.slack, channel, id)?.text.includes('Expired') && findCard(t.slack, channel, id),
      15_000,
      'expired card',
    );
    expect(buttonValue(card, 'approve_proposal')).toBeUndefined();
  });

  it('expires a pending proposal in the sweep, updates its card, and refuses a later click', async () => {
    const { id, card } = await proposeOk(t, channel, PEOPLE.guest.id, 'quick-marker label=mu');
    const value = buttonValue(card, 'approve_proposal') as string;
    t.clock.advance(61_000);
    try {
      expect(await t.runtime.remediation.sweep()).toBeGreaterThanOrEqual(1);
    } finally {
      t.clock.advance(-61_000);
    }
    const expired = await t.slack.fake.waitFor(
      () => findCard(t.slack, channel, id)?.text.includes('Expired') && findCard(t.slack, channel, id),
      15_000,
      'expired card',
    );
    expect(buttonValue(expired, 'approve_proposal')).toBeUndefined();
    const reason = await clickRefused(t, { channel, user: PEOPLE.sre.id, proposalId: id, value });
    expect(reason).toMatch(/^This proposal is already expired \(expired at .+\)\.$/);
    expect(refusalsOf(await audit(channel), PEOPLE.sre.id, id)).toHaveLength(1);
  });

  it('settles a run that a stopped process left unfinished: the card and the thread say the outcome is unknown, and it never runs', async () => {
    const { id, card } = await proposeOk(t, channel, PEOPLE.guest.id, 'touch-marker label=rho');
    const value = buttonValue(card, 'approve_proposal') as string;
    // What a process killed mid-run leaves in the store: approved by Lea, running, no result.
    const approval = { userId: PEOPLE.lead.id, name: 'Lea Marin', at: t.clock.now().toISOString() };
    await proposalDocs
      .in(t.runtime.store)
      .update(`${channel}:${id}`, (cur) =>
        cur
          ? { ...cur, status: 'running', approvals: [approval], decidedBy: approval, runningSince: approval.at }
          : undefined,
      );
    t.clock.advance(10 * 60_000);
    try {
      expect(await t.runtime.remediation.sweep()).toBeGreaterThanOrEqual(1);
    } finally {
      t.clock.advance(-10 * 60_000);
    }
    const outcome = await t.slack.fake.waitFor(() => outcomePosts(t.slack, channel, id)[0], 15_000, 'the outcome post');
    expect(readable(outcome)).toContain('may or may not have taken effect. Check before proposing it again');
    expect(outcome.metadata?.event_payload).toMatchObject({ proposal_id: id, status: 'failed' });
    expect(findCard(t.slack, channel, id)?.text).toContain('Failed (interrupted: the process running it stopped');
    expect(await clickRefused(t, { channel, user: PEOPLE.sre.id, proposalId: id, value })).toMatch(
      /^This proposal is already failed/,
    );
    expect(await t.catalog.runs()).not.toContain('rho');
    expect(await audit(channel)).toContainEqual(
      expect.objectContaining({
        kind: 'decision',
        actor: 'system',
        detail: expect.objectContaining({ proposalId: id, decision: 'interrupted' }),
      }),
    );
  });

  it('refuses a button whose hash was tampered with, one naming another proposal id, and one replayed in another channel', async () => {
    const { id, card } = await proposeOk(t, channel, PEOPLE.guest.id, 'touch-marker label=eta');
    const value = buttonValue(card, 'approve_proposal') as string;
    const flipped = value.slice(0, -1) + (value.endsWith('0') ? '1' : '0');
    const reason = await clickRefused(t, { channel, user: PEOPLE.sre.id, proposalId: id, value: flipped });
    expect(reason).toBe('This button does not match the proposal as stored (hash mismatch); nothing was run.');
    const otherId = await clickRefused(t, {
      channel,
      user: PEOPLE.sre.id,
      proposalId: id,
      value: value.replace(id, 'P-0000000000'),
    });
    expect(otherId).toBe('That proposal does not exist in this channel.');
    const elsewhere = t.slack.fake.addChannel({ name: 'random-chat', botIsMember: true });
    const replayed = await clickRefused(t, {
      channel: elsewhere,
      user: PEOPLE.sre.id,
      proposalId: id,
      value,
      cardChannel: channel,
    });
    expect(replayed).toBe('That proposal does not exist in this channel.');
    const records = await audit(channel);
    expect(refusalsOf(records, PEOPLE.sre.id, id)).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ reason }) }),
    ]);
    expect(refusalsOf(records, PEOPLE.sre.id, 'P-0000000000')).toHaveLength(1);
    expect((await stored(channel, id))?.status).toBe('pending');
  });
});

describe('/triage propose, actions and audit', () => {
  let channel: string;
  let threadTs: string;

  beforeAll(async () => {
    ({ channel, threadTs } = await incident('inc-rem-commands'));
  });

  it('refuses bad input with the reason and proposes nothing', async () => {
    const cards = () =>
      t.slack.fake
        .messages(channel)
        .flatMap((m) => m.replies)
        .filter((r) => r.metadata?.event_type === 'incident_scout_proposal').length;
    const before = cards();
    const unknown = await triage(t, channel, PEOPLE.guest.id, 'propose nuke-everything target=prod');
    expect(unknown).toContain(
      'There is no action "nuke-everything" in the catalog. Known actions: touch-marker, two-person-marker',
    );
    const badValue = await triage(t, channel, PEOPLE.guest.id, 'propose touch-marker label="rm -rf /"');
    expect(badValue).toBe(
      'touch-marker: label="rm -rf /" does not match ^[a-z][a-z0-9-]{0,30}$ (expected label=<text matching ^[a-z][a-z0-9-]{0,30}$>).',
    );
    const outOfRange = await triage(t, channel, PEOPLE.guest.id, 'propose touch-marker label=ok replicas=9');
    expect(outOfRange).toBe(
      'touch-marker: replicas=9 is above the maximum 5 (expected replicas=<integer 1..5, default 1>).',
    );
    const missing = await triage(t, channel, PEOPLE.guest.id, 'propose touch-marker replicas=2');
    expect(missing).toBe('touch-marker needs label=<text matching ^[a-z][a-z0-9-]{0,30}$>.');
    const extra = await triage(t, channel, PEOPLE.guest.id, 'propose touch-marker label=ok force=true');
    expect(extra).toContain('touch-marker has no parameter "force"');
    const syntax = await triage(t, channel, PEOPLE.guest.id, 'propose touch-marker label');
    expect(syntax).toContain('"label" is not key=value.');

    expect(cards()).toBe(before);
    const refusals = (await audit(channel)).filter(
      (r) => r.kind === 'refusal' && r.actor === PEOPLE.guest.id && r.detail.what === 'proposal',
    );
    expect(refusals.map((r) => r.detail.actionId)).toEqual([
      'nuke-everything',
      'touch-marker',
      'touch-marker',
      'touch-marker',
      'touch-marker',
    ]);
  });

  it('proposes with typed values a person typed, not flagged as untrusted', async () => {
    const { id, card } = await proposeOk(t, channel, PEOPLE.guest.id, 'touch-marker label=theta replicas=3');
    expect(card.threadTs).toBe(threadTs);
    expect(card.metadata?.event_payload).toMatchObject({ proposal_id: id, params: { label: 'theta', replicas: 3 } });
    expect(readable(card)).not.toContain('untrusted');
    expect(readable(card)).toContain(`Requested by <@${PEOPLE.guest.id}>`);
  });

  it("lists the catalog with each action's parameters", async () => {
    // Slack shows &lt; as <; compare what the person reads.
    const text = (await triage(t, channel, PEOPLE.guest.id, 'actions')).replace(/&lt;/g, '<').replace(/&gt;/g, '>');
    for (const id of ['touch-marker', 'two-person-marker', 'quick-marker', 'race-marker', 'rollback-deploy'])
      expect(text).toContain(`\`${id}\``);
    expect(text).toContain('replicas=<integer 1..5, default 1>');
  });

  it('uploads the audit trail as JSON lines in the investigation thread, with a summary', async () => {
    const records = await audit(channel);
    const reply = await triage(t, channel, PEOPLE.lead.id, 'audit');
    expect(reply).toBe(`Uploaded the audit trail (${records.length} records) to the latest investigation's thread.`);
    const file = t.slack.fake
      .files()
      .find((f) => f.channel === channel && f.completed && f.filename.endsWith('.jsonl'));
    expect(file?.filename).toMatch(new RegExp(`^audit-${channel}-\\d{4}-\\d{2}-\\d{2}\\.jsonl$`));
    expect(file?.threadTs).toBe(threadTs);
    const lines = (file?.content?.toString('utf8') ?? '')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditRecord);
    expect(lines).toEqual(records);
    expect(lines.some((r) => r.kind === 'tool_call')).toBe(true);
    expect(lines.filter((r) => r.kind === 'refusal')).toHaveLength(5);
    const summary = t.slack.fake.replies(channel, threadTs).find((m) => m.files.includes(file?.id ?? '-'));
    expect(summary?.text).toMatch(new RegExp(`^Audit trail: ${records.length} records \\(`));
    expect(summary?.text).toContain('5 refusals recorded');
  });
});

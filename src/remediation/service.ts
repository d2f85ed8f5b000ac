// The remediation service: proposals in, decisions by named humans, at most one execution, all audited.
import type { Logger } from 'pino';
import type { ActionSpec } from '../config/actions';
import type { Config } from '../config';
import { ApprovalDenied, ProposalInvalid, isScoutError } from '../domain/errors';
import { systemClock, type Clock } from '../domain/time';
import type { Approval, AuditRecord, Investigation, Proposal, Synthesis } from '../domain/types';
import type { TriageReport } from '../evidence/types';
import type { Store } from '../store/port';
import { auditFileName, auditJsonLines, auditSummary } from './audit-export';
import { Catalog } from './catalog';
import { runApproved } from './run-approved';
import type { Executor } from './executors';
import type { Directory, ProposalView, RemediationNotifier } from './port';
import type { Actor, Remediation } from './port';
import { mayDecide, repeatOf, type Membership, type Verb } from './policy';
import {
  createProposal,
  draftsFromSynthesis,
  integrityProblem,
  newProposalId,
  proposalKey,
  sealApprovals,
  targetProblem,
  type ProposalDraft,
} from './proposals';
import {
  decide,
  expireIfDue,
  settleInterrupted,
  stepLimits,
  type DecisionOutcome,
  type StepLimits,
} from './transitions';
import { latestInvestigation, proposalDocs } from '../store/kinds';

export interface RemediationDeps {
  config: Pick<Config, 'actions'>;
  store: Store;
  notifier: RemediationNotifier;
  directory: Directory;
  executor: Executor;
  logger: Logger;
  /** Seals each proposal's approvals (proposals.ts approvalsKey): an approval injected into the store is refused. */
  approvalsKey: Buffer;
  clock?: Clock;
  newId?: () => string;
  /** Called once an approved action has succeeded (the verifier schedules its check here). */
  onSucceeded?: (p: Proposal) => Promise<void>;
}

/** A model-named action (Claude's synthesis): every parameter is untrusted. */
export interface BrainProposal {
  actionId: string;
  params: Record<string, unknown>;
  evidence: string[];
  reason: string;
}

export interface RemediationService extends Remediation {
  /** After a synthesis: proposes the catalog actions that follow from the top hypothesis. */
  proposeFromSynthesis(inv: Investigation, synthesis: Synthesis, report: TriageReport | null): Promise<Proposal[]>;
  /** An action the model named; anything outside the catalog or a param schema is refused and audited (null). */
  proposeFromBrain(inv: Investigation, req: BrainProposal): Promise<Proposal | null>;
  /**
   * Expires every pending proposal whose time has passed, and settles those a stopped process left
   * approved or running (transitions.ts settleInterrupted); returns how many changed.
   */
  sweep(now?: Date): Promise<number>;
  /** This incident's proposals, oldest first. */
  listProposals(incidentId: string): Promise<Proposal[]>;
}

const VALUE = /^(P-[a-z0-9]{4,32}):([a-f0-9]{64})$/;
const UNCONFIRMED_PROPOSAL =
  'I could not confirm with Slack who you are, so I cannot accept this proposal; try again in a moment.';

/** Builds the remediation service (see RemediationDeps for what it talks to). */
export function createRemediation(deps: RemediationDeps): RemediationService {
  const catalog = new Catalog(deps.config.actions);
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? newProposalId;
  const log = deps.logger.child({ component: 'remediation' });

  const audit = async (r: Omit<AuditRecord, 'at'>): Promise<void> => {
    await deps.store.appendAudit({ at: clock.now().toISOString(), ...r });
  };

  const approverNames = async (action: ActionSpec): Promise<string[]> => {
    const users = await Promise.all(
      action.approval.approvers.users.map((u) => deps.directory.userName(u).catch(() => u)),
    );
    return [...users, ...action.approval.approvers.usergroups.map((g) => `<!subteam^${g}>`)];
  };

  const view = async (proposal: Proposal): Promise<ProposalView | null> => {
    if (!catalog.has(proposal.actionId)) return null;
    const action = catalog.get(proposal.actionId);
    return { proposal, action, approverNames: await approverNames(action) };
  };

  /** Slack being down must not undo a state change that already happened: log and go on. */
  const show = async (proposal: Proposal, what: 'update' | 'outcome'): Promise<void> => {
    try {
      const v = await view(proposal);
      if (!v) return;
      if (what === 'update') await deps.notifier.updateCard(v);
      else await deps.notifier.postOutcome(v);
    } catch (err) {
      log.warn({ err, proposalId: proposal.id, what }, 'could not show the proposal in Slack');
    }
  };

  const latestThread = async (incidentId: string): Promise<{ investigationId?: string; threadTs?: string }> => {
    const inv = await latestInvestigation(deps.store, incidentId);
    if (!inv) return {};
    return { investigationId: inv.id, ...(inv.threadTs !== undefined ? { threadTs: inv.threadTs } : {}) };
  };

  const listProposals = async (incidentId: string): Promise<Proposal[]> => {
    const keys = await proposalDocs.in(deps.store).list(`${incidentId}:`);
    const all = await Promise.all(keys.map((k) => proposalDocs.in(deps.store).get(k)));
    return all.filter((p): p is Proposal => p !== null).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  };

  const refuseDraft = async (draft: ProposalDraft, reason: string, actorName?: string): Promise<void> => {
    await audit({
      kind: 'refusal',
      incidentId: draft.incidentId,
      actor: draft.requestedBy,
      ...(actorName !== undefined ? { actorName } : {}),
      ...(draft.investigationId !== undefined ? { investigationId: draft.investigationId } : {}),
      detail: { what: 'proposal', actionId: draft.actionId.slice(0, 80), reason },
    });
  };

  /**
   * One effect per intent, for what the lead proposes: not again while the same change is applied or in flight;
   * otherwise the pending cards of the same intent are superseded by this one (voided, their cards edited).
   */
  const settleRepeats = async (proposal: Proposal): Promise<void> => {
    const others = (await listProposals(proposal.incidentId)).filter((p) => p.id !== proposal.id);
    const repeat = repeatOf(proposal, others);
    if (repeat.kind !== 'new') {
      const reason =
        repeat.kind === 'already_applied'
          ? `${proposal.actionId} with these parameters already succeeded in this incident (${repeat.by.id}); not proposing it again`
          : `${proposal.actionId} with these parameters is already ${repeat.by.status} (${repeat.by.id})`;
      throw new ProposalInvalid(reason);
    }
    for (const old of repeat.supersedes) {
      const { value, changed } = await proposalDocs
        .in(deps.store)
        .update(proposalKey(old.incidentId, old.id), (cur) =>
          cur?.status === 'pending'
            ? { ...cur, status: 'voided', statusNote: `superseded by ${proposal.id} from a newer round` }
            : undefined,
        );
      if (!changed || !value) continue;
      await audit({
        kind: 'decision',
        incidentId: value.incidentId,
        actor: 'system',
        ...(value.investigationId !== undefined ? { investigationId: value.investigationId } : {}),
        detail: { proposalId: value.id, decision: 'superseded', by: proposal.id },
      });
      await show(value, 'update');
    }
  };

  /** Validates, freezes, stores, audits and posts one proposal; a refused draft is audited and rethrown. */
  const submit = async (draft: ProposalDraft, actorName?: string): Promise<Proposal> => {
    let proposal: Proposal;
    try {
      proposal = sealApprovals(createProposal(catalog, draft, clock.now(), newId()), deps.approvalsKey);
      if (draft.requestedBy === 'lead') await settleRepeats(proposal);
    } catch (err) {
      await refuseDraft(draft, isScoutError(err) ? err.userMessage : String(err), actorName);
      throw err;
    }
    const key = proposalKey(proposal.incidentId, proposal.id);
    await proposalDocs.in(deps.store).put(key, proposal);
    await audit({
      kind: 'proposal',
      incidentId: proposal.incidentId,
      actor: proposal.requestedBy,
      ...(actorName !== undefined ? { actorName } : {}),
      ...(proposal.investigationId !== undefined ? { investigationId: proposal.investigationId } : {}),
      detail: {
        proposalId: proposal.id,
        actionId: proposal.actionId,
        params: proposal.params,
        untrustedParams: proposal.untrustedParams,
        rendered: proposal.rendered,
        evidence: proposal.evidence,
        reason: proposal.reason,
        hash: proposal.hash,
        expiresAt: proposal.expiresAt,
      },
    });
    try {
      const v = await view(proposal);
      if (v) {
        const ts = await deps.notifier.postCard(v);
        const saved = await proposalDocs
          .in(deps.store)
          .update(key, (cur) => (cur && !cur.messageTs ? { ...cur, messageTs: ts } : undefined));
        if (saved.value) proposal = saved.value;
      }
    } catch (err) {
      log.warn({ err, proposalId: proposal.id }, 'could not post the approval card');
    }
    return proposal;
  };

  const refuse = async (
    p: { incidentId: string; investigationId?: string } | null,
    channelId: string,
    actor: Actor,
    name: string,
    verb: string,
    proposalId: string,
    reason: string,
  ): Promise<never> => {
    await audit({
      kind: 'refusal',
      incidentId: p?.incidentId ?? channelId,
      actor: actor.userId,
      actorName: name,
      ...(p?.investigationId !== undefined ? { investigationId: p.investigationId } : {}),
      detail: { what: verb, proposalId, reason },
    });
    throw new ApprovalDenied(reason);
  };

  /**
   * Whether Slack says this user is a bot: the listener's answer when it had one, else the directory's;
   * null when Slack could not be asked. Callers refuse on null: "never a bot" must not fail open.
   */
  const botStatus = async (actor: Actor): Promise<boolean | null> => {
    if (actor.isBot !== undefined) return actor.isBot;
    try {
      return await deps.directory.isBot(actor.userId);
    } catch (err) {
      log.warn({ err, userId: actor.userId }, 'could not ask Slack whether the user is a bot; refusing');
      return null;
    }
  };

  /** What Slack says of the usergroups the action names (null for a group it could not list); none when named directly. */
  const membershipFor = async (action: ActionSpec, userId: string): Promise<Membership> => {
    if (action.approval.approvers.users.includes(userId)) return {};
    const out: Record<string, readonly string[] | null> = {};
    for (const group of action.approval.approvers.usergroups) {
      try {
        out[group] = await deps.directory.usergroupMembers(group);
        if (out[group]?.includes(userId)) break;
      } catch (err) {
        log.warn({ err, group }, 'could not list usergroup members; treating as not a member');
        out[group] = null;
      }
    }
    return out;
  };

  /** This proposal's step limits, from its action in this replica's catalog (see transitions.ts stepLimits). */
  const limitsOf = (p: Proposal | null): StepLimits =>
    stepLimits(p && catalog.has(p.actionId) ? catalog.get(p.actionId) : undefined);

  const decideOn = async (verb: Verb, req: { actor: Actor; value: string; channelId: string }): Promise<Proposal> => {
    const name = await deps.directory.userName(req.actor.userId).catch(() => req.actor.userId);
    const m = VALUE.exec(req.value);
    if (!m)
      return refuse(
        null,
        req.channelId,
        req.actor,
        name,
        verb,
        '?',
        'This button is not a valid proposal reference; nothing was run.',
      );
    const [, id, hash] = m as unknown as [string, string, string];
    const key = proposalKey(req.channelId, id);
    const stored = await proposalDocs.in(deps.store).get(key);
    if (!stored)
      return refuse(null, req.channelId, req.actor, name, verb, id, 'That proposal does not exist in this channel.');
    if (!catalog.has(stored.actionId))
      return refuse(
        stored,
        req.channelId,
        req.actor,
        name,
        verb,
        id,
        `The action ${stored.actionId} is no longer in the catalog.`,
      );
    const action = catalog.get(stored.actionId);
    const decider = { userId: req.actor.userId, verb, isBot: await botStatus(req.actor) };
    const verdict = mayDecide(
      action,
      stored,
      decider,
      decider.isBot === false ? await membershipFor(action, decider.userId) : {},
      await approverNames(action),
    );
    if (!verdict.allowed) return refuse(stored, req.channelId, req.actor, name, verb, id, verdict.reason);

    const now = clock.now();
    const approval: Approval = { userId: req.actor.userId, name, at: now.toISOString() };
    let outcome: DecisionOutcome = { kind: 'refused', reason: 'not decided' };
    const { value } = await proposalDocs.in(deps.store).update(key, (cur) => {
      const step = decide(cur, {
        verb,
        approval,
        hash,
        now,
        integrityProblem: cur ? integrityProblem(cur, catalog, deps.approvalsKey) : null,
      });
      outcome = step.outcome;
      return step.next && sealApprovals(step.next, deps.approvalsKey);
    });
    const current = value ?? stored;
    const decided = outcome as DecisionOutcome;
    if (decided.kind === 'refused') {
      if (decided.expired) {
        await audit({
          kind: 'decision',
          incidentId: current.incidentId,
          actor: 'system',
          detail: { proposalId: id, decision: 'expired' },
        });
        await show(current, 'update');
      }
      return refuse(current, req.channelId, req.actor, name, verb, id, decided.reason);
    }
    await audit({
      kind: 'decision',
      incidentId: current.incidentId,
      actor: req.actor.userId,
      actorName: name,
      ...(current.investigationId !== undefined ? { investigationId: current.investigationId } : {}),
      detail: {
        proposalId: id,
        decision: verb === 'reject' ? 'rejected' : 'approved',
        approvals: current.approvals.length,
        required: current.requiredApprovals,
        status: current.status,
      },
    });
    await show(current, 'update');
    if (decided.kind !== 'approved') return current;
    // Only the caller whose update moved it to `approved` gets here: at most one execution.
    const final = await runApproved(
      { store: deps.store, executor: deps.executor, audit, show, log, now: () => clock.now() },
      key,
      action,
      current,
    );
    if (final.status === 'succeeded' && deps.onSucceeded) {
      // The action ran: a failure to schedule its check is logged, never reported as the action failing.
      await deps
        .onSucceeded(final)
        .catch((err: unknown) =>
          log.warn({ err, proposalId: final.id }, 'could not schedule the check that the fix worked'),
        );
    }
    return final;
  };

  return {
    catalog: () => catalog.summary().map(({ id, title, risk, params }) => ({ id, title, risk, params })),

    async proposeByPerson(req) {
      const name = await deps.directory.userName(req.actor.userId).catch(() => req.actor.userId);
      const bot = await botStatus(req.actor);
      if (bot !== false) {
        const reason = bot === null ? UNCONFIRMED_PROPOSAL : 'Bots cannot propose changes.';
        await audit({
          kind: 'refusal',
          incidentId: req.incidentId,
          actor: req.actor.userId,
          actorName: name,
          detail: { what: 'proposal', actionId: req.actionId.slice(0, 80), reason },
        });
        throw new ProposalInvalid(reason);
      }
      const thread = await latestThread(req.incidentId);
      return submit(
        {
          incidentId: req.incidentId,
          channelId: req.channelId,
          actionId: req.actionId,
          params: req.args,
          untrusted: [],
          evidence: [],
          reason: `Proposed by ${name} with /triage propose.`,
          requestedBy: req.actor.userId,
          ...(thread.investigationId !== undefined ? { investigationId: thread.investigationId } : {}),
          ...(thread.threadTs !== undefined ? { threadTs: thread.threadTs } : {}),
        },
        name,
      );
    },

    approve: (req) => decideOn('approve', req),
    reject: (req) => decideOn('reject', req),

    async proposeFromSynthesis(inv, synthesis, report) {
      const out: Proposal[] = [];
      // A target the model names must be the one its own evidence implicates, else nothing is proposed.
      const mismatch = targetProblem(synthesis, report);
      if (mismatch) {
        await audit({
          kind: 'refusal',
          incidentId: inv.incidentId,
          investigationId: inv.id,
          actor: 'lead',
          detail: { what: 'proposal', reason: `refused: ${mismatch}` },
        });
        return out;
      }
      for (const draft of draftsFromSynthesis(catalog, inv, synthesis, report)) {
        try {
          out.push(await submit(draft));
        } catch (err) {
          if (!(err instanceof ProposalInvalid)) throw err;
          log.info({ actionId: draft.actionId, reason: err.userMessage }, 'synthesis proposal refused');
        }
      }
      return out;
    },

    async proposeFromBrain(inv, req) {
      const draft: ProposalDraft = {
        incidentId: inv.incidentId,
        channelId: inv.channelId,
        investigationId: inv.id,
        actionId: typeof req.actionId === 'string' ? req.actionId : String(req.actionId),
        params: req.params,
        untrusted: Object.keys(req.params),
        evidence: req.evidence,
        reason: req.reason,
        requestedBy: 'lead',
        ...(inv.threadTs !== undefined ? { threadTs: inv.threadTs } : {}),
      };
      try {
        return await submit(draft);
      } catch (err) {
        if (err instanceof ProposalInvalid) return null;
        throw err;
      }
    },

    async sweep(now = clock.now()) {
      let count = 0;
      for (const key of await proposalDocs.in(deps.store).list('')) {
        const { value, changed } = await proposalDocs
          .in(deps.store)
          .update(key, (cur) => expireIfDue(cur, now) ?? settleInterrupted(cur, now, limitsOf(cur)));
        if (!changed || !value) continue;
        count++;
        const base = {
          incidentId: value.incidentId,
          actor: 'system',
          ...(value.investigationId !== undefined ? { investigationId: value.investigationId } : {}),
        };
        if (value.status === 'expired') {
          await audit({ ...base, kind: 'decision', detail: { proposalId: value.id, decision: 'expired' } });
          await show(value, 'update');
          continue;
        }
        log.warn(
          { proposalId: value.id, status: value.status },
          'settled a proposal that a stopped process left unfinished',
        );
        await audit({
          ...base,
          kind: 'decision',
          detail: {
            proposalId: value.id,
            actionId: value.actionId,
            decision: value.status === 'voided' ? 'voided' : 'interrupted',
            reason: value.statusNote ?? value.result?.error,
          },
        });
        await show(value, 'update');
        await show(value, 'outcome');
      }
      return count;
    },

    listProposals,

    async exportAudit(req) {
      const records = await deps.store.readAudit(req.incidentId);
      const thread = await latestThread(req.incidentId);
      await deps.notifier.uploadText({
        channelId: req.channelId,
        ...(thread.threadTs !== undefined ? { threadTs: thread.threadTs } : {}),
        filename: auditFileName(req.channelId, clock.now()),
        content: auditJsonLines(records),
        title: `Audit trail of ${req.channelId}`,
        comment: auditSummary(records),
      });
      return { records: records.length, inThread: thread.threadTs !== undefined };
    },
  };
}

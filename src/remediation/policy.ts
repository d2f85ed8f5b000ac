// The approval policy as pure rules: who may decide on a proposal, and which new proposal would repeat
// an effect already pending or applied. No I/O: the service looks up what Slack knows (is the clicker a
// bot, who is in each usergroup) and passes it in, so every rule here is a table-driven test.
import type { ActionSpec } from '../config/actions';
import type { Proposal } from '../domain/types';
import { canonicalJson } from './proposals';

export type Verb = 'approve' | 'reject';

/** The person deciding, as far as Slack could tell. */
export interface Decider {
  userId: string;
  verb: Verb;
  /** Slack's is_bot; null when Slack could not be asked (refused: "never a bot" must not fail open). */
  isBot: boolean | null;
}

/** Members of each usergroup the action names; null for a group Slack could not list. */
export type Membership = Readonly<Record<string, readonly string[] | null>>;

export type PolicyCode =
  'unconfirmed' | 'bot' | 'unchecked_group' | 'not_approver' | 'not_approver_or_requester' | 'own_request';

export type Verdict = { allowed: true } | { allowed: false; code: PolicyCode; reason: string };

const deny = (code: PolicyCode, reason: string): Verdict => ({ allowed: false, code, reason });

/** Whether the action's approver list names the user, directly or through a group; `unchecked`: groups that could not be listed. */
export function approverMatch(
  action: ActionSpec,
  userId: string,
  membership: Membership,
): { named: boolean; unchecked: string[] } {
  if (action.approval.approvers.users.includes(userId)) return { named: true, unchecked: [] };
  const unchecked: string[] = [];
  for (const group of action.approval.approvers.usergroups) {
    const members = membership[group];
    if (members === undefined || members === null) unchecked.push(group);
    else if (members.includes(userId)) return { named: true, unchecked: [] };
  }
  return { named: false, unchecked };
}

/**
 * Whether `actor` may approve or reject `proposal` of `action`: bots never; approvers as the action names
 * them (users or usergroups); the requester may reject, and approve only where the action allows it.
 * `approverNames` is how the approvers read in a refusal.
 */
export function mayDecide(
  action: ActionSpec,
  proposal: Proposal,
  actor: Decider,
  membership: Membership,
  approverNames: readonly string[] = [],
): Verdict {
  if (actor.isBot === null)
    return deny(
      'unconfirmed',
      'I could not confirm with Slack who you are, so I cannot accept this decision. Nothing was run; try again in a moment.',
    );
  if (actor.isBot) return deny('bot', 'Bots cannot approve or reject changes.');
  const { named, unchecked } = approverMatch(action, actor.userId, membership);
  const isRequester = proposal.requestedBy === actor.userId;
  // Still refused when a usergroup could not be listed, but say so: "not an approver" would be untrue.
  const uncheckedReason = (): string =>
    `I could not list the members of ${unchecked.map((g) => `<!subteam^${g}>`).join(', ')} with Slack, so I cannot tell whether you may decide on ${action.id}. Nothing was run; try again in a moment.`;
  if (actor.verb === 'reject') {
    if (named || isRequester) return { allowed: true };
    return unchecked.length > 0
      ? deny('unchecked_group', uncheckedReason())
      : deny('not_approver_or_requester', `Only the approvers of ${action.id} or the requester can reject it.`);
  }
  if (!named)
    return unchecked.length > 0
      ? deny('unchecked_group', uncheckedReason())
      : deny('not_approver', `You are not an approver of ${action.id}. It needs: ${approverNames.join(', ')}.`);
  if (isRequester && !action.approval.allow_requester)
    return deny('own_request', 'You requested this change; someone else must approve it.');
  return { allowed: true };
}

/** What to do with a new proposal given the incident's others: go ahead, superseding some pending ones, or not at all. */
export type Repeat =
  | { kind: 'new'; supersedes: Proposal[] }
  | { kind: 'already_applied'; by: Proposal }
  | { kind: 'in_flight'; by: Proposal };

/** Same action with the same parameters: the same effect on the same target. */
export function sameIntent(
  a: Pick<Proposal, 'actionId' | 'params'>,
  b: Pick<Proposal, 'actionId' | 'params'>,
): boolean {
  return a.actionId === b.actionId && canonicalJson(a.params) === canonicalJson(b.params);
}

/**
 * One effect per intent within an incident. An action already applied (succeeded) with the same parameters
 * is not proposed again while its effect stands; one approved or running is in flight; pending cards for the
 * same intent are superseded by the new one, so only one card can ever be approved.
 */
export function repeatOf(draft: Pick<Proposal, 'actionId' | 'params'>, others: readonly Proposal[]): Repeat {
  const same = others.filter((p) => sameIntent(p, draft));
  const applied = same.find((p) => p.status === 'succeeded');
  if (applied) return { kind: 'already_applied', by: applied };
  const inFlight = same.find((p) => p.status === 'approved' || p.status === 'running');
  if (inFlight) return { kind: 'in_flight', by: inFlight };
  return { kind: 'new', supersedes: same.filter((p) => p.status === 'pending') };
}

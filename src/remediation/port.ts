// The ports of remediation: the service as Slack calls it, and what it calls out through (where cards
// go, via src/slack/proposal-notifier.ts; who people are, via users.info and usergroups.users.list).
// No Slack types here.
import type { ActionSpec } from '../config/actions';
import type { Proposal } from '../domain/types';

/** A click or command from a person, as the remediation service sees it. */
export interface Actor {
  userId: string;
  /** Slack says whether the user is a bot (users.info is_bot); listeners pass it when known. */
  isBot?: boolean;
}

/**
 * The remediation service as the Slack layer sees it (implemented in src/remediation/service.ts).
 * Refusals are thrown as ApprovalDenied / ProposalInvalid with a user-facing reason.
 */
export interface Remediation {
  /** `/triage propose <action-id> key=value ...` */
  proposeByPerson(req: {
    incidentId: string;
    channelId: string;
    actor: Actor;
    actionId: string;
    args: Record<string, string>;
  }): Promise<Proposal>;
  /** Approve button: `value` is the button value (proposal id and hash). */
  approve(req: { actor: Actor; value: string; channelId: string }): Promise<Proposal>;
  /** Reject button. */
  reject(req: { actor: Actor; value: string; channelId: string }): Promise<Proposal>;
  /** `/triage audit`: uploads this incident's trail (JSON lines) with a summary in the thread; `inThread` when it went into one. */
  exportAudit(req: {
    incidentId: string;
    channelId: string;
    actor: Actor;
  }): Promise<{ records: number; inThread?: boolean }>;
  /** Catalog listing for `/triage actions` and help. */
  catalog(): Array<{ id: string; title: string; risk: string; params: string[] }>;
}

/** Everything a card needs: the stored proposal, its catalog entry and who may approve, by name. */
export interface ProposalView {
  proposal: Proposal;
  action: ActionSpec;
  /** Display names of approver users and `<!subteam^S…>` mentions of approver usergroups. */
  approverNames: string[];
}

/** Where proposals are shown. Implemented over the Poster by src/slack/proposal-notifier.ts. */
export interface RemediationNotifier {
  /** Posts the approval card as a thread reply (idempotent per proposal); returns the message ts. */
  postCard(view: ProposalView): Promise<string>;
  /** Updates the card in place (status line, buttons removed once decided). */
  updateCard(view: ProposalView): Promise<void>;
  /** Posts the outcome (execution result, voided, expired) as a reply in the proposal's thread. */
  postOutcome(view: ProposalView): Promise<void>;
  /** Uploads a text file (the audit trail) in a thread or the channel, with a short comment. */
  uploadText(req: {
    channelId: string;
    threadTs?: string;
    filename: string;
    content: string;
    title: string;
    comment: string;
  }): Promise<void>;
}

/** Who people are, as Slack says. */
export interface Directory {
  userName(userId: string): Promise<string>;
  isBot(userId: string): Promise<boolean>;
  /** Members of a usergroup (`usergroups.users.list`). */
  usergroupMembers(groupId: string): Promise<string[]>;
}

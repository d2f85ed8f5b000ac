// Ports the remediation service talks through: where cards go (Slack, via src/slack/proposal-notifier.ts)
// and who people are (users.info, usergroups.users.list). No Slack types here.
import type { ActionSpec } from '../config/actions';
import type { Proposal } from '../domain/types';

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
  uploadText(req: { channelId: string; threadTs?: string; filename: string; content: string; title: string; comment: string }): Promise<void>;
}

/** Who people are, as Slack says. */
export interface Directory {
  userName(userId: string): Promise<string>;
  isBot(userId: string): Promise<boolean>;
  /** Members of a usergroup (`usergroups.users.list`). */
  usergroupMembers(groupId: string): Promise<string[]>;
}

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
  proposeByPerson(req: { incidentId: string; channelId: string; actor: Actor; actionId: string; args: Record<string, string> }): Promise<Proposal>;
  /** Approve button: `value` is the button value (proposal id and hash). */
  approve(req: { actor: Actor; value: string; channelId: string }): Promise<Proposal>;
  /** Reject button. */
  reject(req: { actor: Actor; value: string; channelId: string }): Promise<Proposal>;
  /** `/triage audit`: uploads this incident's trail (JSON lines) with a summary in the thread; `inThread` when it went into one. */
  exportAudit(req: { incidentId: string; channelId: string; actor: Actor }): Promise<{ records: number; inThread?: boolean }>;
  /** Catalog listing for `/triage actions` and help. */
  catalog(): Array<{ id: string; title: string; risk: string; params: string[] }>;
}

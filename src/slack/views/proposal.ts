// The approval card and the outcome reply of a proposal. Pure: (proposal, action, names) => message.
import type { KnownBlock } from '@slack/types';
import type { ActionSpec } from '../../config/actions';
import type { Proposal, RenderedAction } from '../../domain/types';
import { relabel, sameLabel, type EvidenceLabel } from '../evidence-labels';
import { LIMITS, clip, context, esc, section } from './limits';
import { describeRendered } from '../../remediation/executors';
import { slackTime } from './words';

export const PROPOSAL_EVENT = 'incident_scout_proposal';
export const APPROVE_ACTION_ID = 'approve_proposal';
export const REJECT_ACTION_ID = 'reject_proposal';

export interface ProposalMessage {
  text: string;
  blocks: KnownBlock[];
  metadata: { event_type: string; event_payload: Record<string, unknown> };
}

const MAX_CODE = 2400;

/** The card: what will run, why, risk, who may approve, expiry, state; buttons only while pending. */
export function renderProposalCard(
  p: Proposal,
  action: ActionSpec,
  approverNames: string[],
  placeholderApprovers: readonly string[] = [],
  label: EvidenceLabel = sameLabel,
): ProposalMessage {
  const status = statusLine(p);
  const blocks: KnownBlock[] = [
    section(`*${esc(action.title)}* — proposal \`${p.id}\` (${riskBadge(p.risk)})\n${status}`),
    section(`*What will run* (exactly this, nothing else):\n${codeBlock(showRendered(p.rendered))}`),
  ];
  const placeholders = [...action.approval.approvers.users, ...action.approval.approvers.usergroups].filter((id) =>
    placeholderApprovers.includes(id),
  );
  if (placeholders.length > 0) {
    blocks.push(
      section(
        `:warning: *Approvers not set up:* this action's approvers include the demo's placeholder ids (${placeholders.map((id) => `\`${esc(id)}\``).join(', ')}), which no one in this workspace has. Name your team's Slack user or usergroup ids in the action catalog.`,
      ),
    );
  }
  if (p.untrustedParams.length > 0) {
    blocks.push(
      section(
        `:warning: *Check these values:* ${p.untrustedParams.map((n) => `\`${esc(n)}\`=${codeSpan(String(p.params[n]))}`).join(', ')} came from untrusted text (logs or a model), not from a person.`,
      ),
    );
  }
  const evidence =
    p.evidence.length > 0 ? `\nEvidence: ${p.evidence.map((e) => `\`${esc(label(e))}\``).join(' ')}` : '';
  blocks.push(section(`*Why:* ${esc(relabel(p.reason, label))}${evidence}`));
  blocks.push({
    type: 'section',
    fields: [
      { type: 'mrkdwn', text: clip(`*Risk:* ${p.risk}`, 2000) },
      { type: 'mrkdwn', text: clip(`*Blast radius:* ${esc(action.blast_radius)}`, 2000) },
      {
        type: 'mrkdwn',
        text: clip(
          `*Who may approve* (${p.requiredApprovals} needed): ${approverNames
            .map(esc)
            .join(', ')
            .replace(/&lt;(!subteam\^S[A-Z0-9]+)&gt;/g, '<$1>')}`,
          2000,
        ),
      },
      { type: 'mrkdwn', text: clip(`*Expires:* ${at(p.expiresAt)}`, 2000) },
    ],
  });
  if (p.status === 'pending') {
    const value = `${p.id}:${p.hash}`;
    blocks.push({
      type: 'actions',
      block_id: `proposal_${p.id}`,
      elements: [
        {
          type: 'button',
          action_id: APPROVE_ACTION_ID,
          style: 'primary',
          text: { type: 'plain_text', text: clip('Approve', LIMITS.buttonText) },
          value,
        },
        {
          type: 'button',
          action_id: REJECT_ACTION_ID,
          style: 'danger',
          text: { type: 'plain_text', text: clip('Reject', LIMITS.buttonText) },
          value,
        },
      ],
    });
  }
  blocks.push(
    context([
      `Requested by ${p.requestedBy === 'lead' ? 'the investigation lead' : `<@${p.requestedBy}>`} · hash \`${p.hash.slice(0, 12)}\``,
    ]),
  );
  return {
    text: clip(`Proposal ${p.id}: ${esc(action.title)} — ${plainStatus(status)}`, LIMITS.fallbackText),
    blocks,
    metadata: proposalMetadata(p),
  };
}

/** The thread reply with the outcome: exit code, duration, trimmed output; or why it did not run. */
export function renderProposalOutcome(p: Proposal, action: ActionSpec): ProposalMessage {
  const head = `*${esc(action.title)}* (\`${p.id}\`): ${statusLine(p)}`;
  const blocks: KnownBlock[] = [section(head)];
  if (p.result) {
    const what =
      p.result.exitCode !== null
        ? `exit code ${p.result.exitCode}`
        : (p.result.error ?? (p.result.ok ? 'ok' : 'failed'));
    blocks.push(
      context([p.result.interrupted ? 'outcome unknown' : `${what} · ${(p.result.durationMs / 1000).toFixed(1)}s`]),
    );
    if (p.statusNote && (p.status === 'succeeded' || p.status === 'failed')) blocks.push(context([esc(p.statusNote)]));
    if (p.result.output) blocks.push(section(codeBlock(p.result.output)));
  }
  return {
    text: clip(`${esc(action.title)} (${p.id}): ${plainStatus(statusLine(p))}`, LIMITS.fallbackText),
    blocks,
    metadata: proposalMetadata(p),
  };
}

/** `event_type: incident_scout_proposal` with `{proposal_id, action, params, risk, status}`. */
export function proposalMetadata(p: Proposal): ProposalMessage['metadata'] {
  return {
    event_type: PROPOSAL_EVENT,
    event_payload: { proposal_id: p.id, action: p.actionId, params: p.params, risk: p.risk, status: p.status },
  };
}

/** One line a person reads to know where the proposal stands. */
export function statusLine(p: Proposal): string {
  const names = (list: { name: string }[]): string => list.map((a) => `@${esc(a.name)}`).join(', ');
  const by = p.decidedBy;
  switch (p.status) {
    case 'pending':
      return p.approvals.length === 0
        ? `:hourglass_flowing_sand: Waiting for ${p.requiredApprovals === 1 ? 'an approval' : `${p.requiredApprovals} approvals`} — expires ${at(p.expiresAt)}`
        : `:hourglass_flowing_sand: ${p.approvals.length} of ${p.requiredApprovals} approvals: ${p.approvals.map((a) => esc(a.name)).join(', ')}`;
    case 'approved':
    case 'running':
      return `:white_check_mark: Approved by ${names(p.approvals)} at ${at(by?.at ?? p.createdAt)} — running…`;
    case 'succeeded':
      return `:large_green_circle: Succeeded in ${secs(p.result?.durationMs)} (approved by ${names(p.approvals)})`;
    case 'failed':
      // Interrupted: how long until the sweep noticed is not how long anything ran, so no duration.
      if (p.result?.interrupted) return `:red_circle: Failed (${failure(p)}) (approved by ${names(p.approvals)})`;
      return `:red_circle: Failed (${failure(p)}) after ${secs(p.result?.durationMs)} (approved by ${names(p.approvals)})`;
    case 'rejected':
      return `:no_entry_sign: Rejected by ${by ? `@${esc(by.name)}` : 'someone'} at ${at(by?.at ?? p.createdAt)}`;
    case 'expired':
      return `:alarm_clock: Expired at ${at(p.expiresAt)} without ${p.requiredApprovals === 1 ? 'an approval' : 'enough approvals'}`;
    case 'voided':
      return `:warning: Voided: ${esc(p.statusNote ?? 'no longer valid')}`;
  }
}

/** What will run as its executor kind shows it: argv shell-quoted for reading (never given to a shell), or METHOD URL + JSON body. */
export function showRendered(r: RenderedAction): string {
  return describeRendered(r).text;
}

function failure(p: Proposal): string {
  const r = p.result;
  if (!r) return 'no result';
  if (r.exitCode !== null && r.exitCode !== 0) return `exit ${r.exitCode}`;
  return esc(r.error ?? `exit ${r.exitCode}`);
}

function codeBlock(text: string): string {
  // Backticks in the content would close the block early; a look-alike keeps it readable.
  // Escape first, then clip: the limit counts what Slack receives (600 `<html>` are 3,600 characters once escaped).
  return `\`\`\`${clip(esc(text).replace(/`/g, 'ˋ'), MAX_CODE)}\`\`\``;
}

function codeSpan(text: string): string {
  return `\`${clip(esc(text).replace(/`/g, 'ˋ'), 200)}\``;
}

function riskBadge(risk: Proposal['risk']): string {
  return risk === 'high'
    ? ':red_circle: high risk'
    : risk === 'medium'
      ? ':large_orange_circle: medium risk'
      : ':large_blue_circle: low risk';
}

/** A wall-clock time (proposals live on the real clock, not the incident's): in the reader's zone, UTC as fallback. */
function at(isoTime: string): string {
  return slackTime(Date.parse(isoTime));
}

function secs(ms: number | undefined): string {
  return ms === undefined ? '?' : `${(ms / 1000).toFixed(1)}s`;
}

/** A status line (already mrkdwn, its untrusted parts escaped) for the top-level text: emoji dropped, escapes kept. */
function plainStatus(s: string): string {
  return s.replace(/:[a-z_]+: /g, '');
}

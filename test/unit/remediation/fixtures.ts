// Test catalog and small in-process collaborators for remediation tests (real parsing, real views).
import type { ActionSpec } from '../../../src/config/actions';
import type { RenderedAction } from '../../../src/domain/types';
import { parseActions } from '../../../src/config/actions';
import type { Directory, ProposalView, RemediationNotifier } from '../../../src/remediation/port';
import { renderProposalCard, renderProposalOutcome } from '../../../src/slack/views/proposal';

/** Parses a YAML catalog the way startup does; throws with the problems if it is invalid. */
export function catalogFrom(yaml: string): ActionSpec[] {
  const parsed = parseActions(yaml, 'test-actions.yaml');
  if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
  return parsed.actions;
}

export const TEST_ACTIONS = `
actions:
  - id: rollback-deploy
    title: Roll back a deployment
    description: Rolls the deployment back to its previous ReplicaSet.
    risk: medium
    blast_radius: One deployment in one namespace.
    params:
      service: { type: string, pattern: "^[a-z][a-z0-9-]{0,62}$", from: suspect.service }
      namespace: { type: string, enum: [production, staging], default: production }
    precondition:
      command: ["kubectl", "rollout", "status", "deployment/{service}", "-n", "{namespace}"]
    run:
      command: ["kubectl", "rollout", "undo", "deployment/{service}", "-n", "{namespace}"]
    suggest: { change_kinds: [deploy] }
    approval:
      approvers: { users: [U0LEAD], usergroups: [S0ONCALL] }
  - id: scale
    title: Scale a deployment
    description: Sets the replica count of a deployment.
    risk: low
    blast_radius: One deployment.
    params:
      service: { type: string, pattern: "^[a-z][a-z0-9-]{0,62}$" }
      replicas: { type: integer, min: 1, max: 50 }
      dry_run: { type: boolean, default: false }
    run:
      command: ["kubectl", "scale", "deployment/{service}", "--replicas={replicas}", "--dry-run={dry_run}"]
    approval:
      approvers: { users: [U0LEAD] }
      allow_requester: true
  - id: annotate
    title: Annotate a deployment
    description: Writes a free-form note (with spaces) as one argument.
    risk: low
    blast_radius: Metadata only.
    params:
      note: { type: string, pattern: "[A-Za-z0-9 .,'-]{1,80}" }
      offset: { type: string, pattern: "^-?[0-9]{1,4}$" }
      mode: { type: string, enum: [fast, "-x"], default: fast }
    run:
      command: ["annotate", "{note}", "{offset}", "{mode}"]
    approval:
      approvers: { users: [U0LEAD] }
  - id: flag
    title: Toggle a feature flag
    description: Turns a flag on or off over HTTP.
    risk: medium
    blast_radius: Every user the flag targets.
    params:
      flag: { type: string, pattern: "^[a-z][a-z0-9_.-]{1,63}$" }
      enabled: { type: boolean }
      note: { type: string, pattern: "^[A-Za-z0-9 &?/=-]{0,60}$", default: "by scout" }
    run:
      http:
        method: PATCH
        url: "http://127.0.0.1:9/api/flags/{flag}?note={note}"
        headers: { Authorization: "Bearer \${FLAGS_TOKEN}", X-Flag: "{flag}" }
        body: { enabled: "{enabled}", reason: "scout: {note}", nested: ["{flag}"] }
    approval:
      approvers: { users: [U0LEAD] }
  - id: revert-config
    title: Revert a config change
    description: Re-applies the previous revision of a config.
    risk: high
    blast_radius: One service's configuration.
    params:
      service: { type: string, pattern: "^[a-z][a-z0-9-]{0,62}$" }
    run:
      command: ["revert", "--service={service}"]
    approval:
      approvers: { users: [U0LEAD, U0SRE], usergroups: [S0ONCALL] }
`;

export const USERS: Record<string, { name: string; bot?: boolean }> = {
  U0LEAD: { name: 'Dana Lee' },
  U0SRE: { name: 'Sam Ortiz' },
  U0ONCALL: { name: 'Olu Ade' },
  U0OTHER: { name: 'Pat Doe' },
  U0REQ: { name: 'Rene Req' },
  B0BOT: { name: 'deploy-bot', bot: true },
};

/** A directory over USERS: S0ONCALL holds U0ONCALL and the bot. */
export function testDirectory(groups: Record<string, string[]> = { S0ONCALL: ['U0ONCALL', 'B0BOT'] }): Directory {
  return {
    userName: async (id) => USERS[id]?.name ?? id,
    isBot: async (id) => USERS[id]?.bot === true,
    usergroupMembers: async (g) => groups[g] ?? [],
  };
}

/** A notifier that renders the real card and keeps what a channel would show. */
export class RecordingNotifier implements RemediationNotifier {
  cards = new Map<string, { text: string; hasButtons: boolean; metadataStatus: unknown }>();
  outcomes: string[] = [];
  uploads: Array<{ filename: string; content: string; comment: string; threadTs?: string }> = [];
  private seq = 0;

  async postCard(view: ProposalView): Promise<string> {
    const ts = `1700000000.${String(++this.seq).padStart(6, '0')}`;
    this.record(ts, view);
    return ts;
  }
  async updateCard(view: ProposalView): Promise<void> {
    if (view.proposal.messageTs) this.record(view.proposal.messageTs, view);
  }
  async postOutcome(view: ProposalView): Promise<void> {
    this.outcomes.push(renderProposalOutcome(view.proposal, view.action).text);
  }
  async uploadText(req: {
    channelId: string;
    threadTs?: string;
    filename: string;
    content: string;
    title: string;
    comment: string;
  }): Promise<void> {
    this.uploads.push({
      filename: req.filename,
      content: req.content,
      comment: req.comment,
      ...(req.threadTs ? { threadTs: req.threadTs } : {}),
    });
  }
  card(ts: string | undefined): { text: string; hasButtons: boolean; metadataStatus: unknown } | undefined {
    return ts ? this.cards.get(ts) : undefined;
  }
  private record(ts: string, view: ProposalView): void {
    const msg = renderProposalCard(view.proposal, view.action, view.approverNames);
    this.cards.set(ts, {
      text: msg.text,
      hasButtons: msg.blocks.some((b) => b.type === 'actions'),
      metadataStatus: msg.metadata.event_payload.status,
    });
  }
}

/** The argv of a rendered command ([] for any other kind). */
export function argvOf(r: RenderedAction): string[] {
  return r.kind === 'command' && Array.isArray(r['argv']) ? r['argv'].map(String) : [];
}

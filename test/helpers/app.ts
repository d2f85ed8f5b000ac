// Test wiring for the Slack app: recording doubles for the investigation and remediation services
// (the real ones are tested on their own), and a started app talking to the local Slack fake.
import { buildApp, type BuiltApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { ApprovalDenied } from '../../src/domain/errors';
import type { Incident, Investigation, Proposal } from '../../src/domain/types';
import type { Investigations, StartRequest } from '../../src/investigation/port';
import { silentLogger, type Logger } from '../../src/logging';
import type { Actor, Remediation } from '../../src/remediation/port';
import { MemoryStore } from '../../src/store/memory';
import type { Store } from '../../src/store/port';
import { SlackEventClient, startSlackFake, type RunningSlackFake } from '../../src/demo/slack-fake';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

/** A plausible Investigation for a start request (what the real service would return). */
export function fakeInvestigation(
  incident: Incident,
  round: number,
  trigger: string,
  state: Investigation['state'] = 'queued',
): Investigation {
  const now = new Date().toISOString();
  return {
    id: `${incident.id}-r${round}`,
    incidentId: incident.id,
    channelId: incident.channelId,
    round,
    state,
    trigger,
    window: { from: incident.startedAt, onset: incident.startedAt, to: now },
    brain: 'deterministic',
    scouts: [],
    createdAt: now,
    updatedAt: now,
  };
}

/** Records every call; starts "succeed" with a queued round unless one is running. */
export class RecordingInvestigations implements Investigations {
  readonly starts: StartRequest[] = [];
  readonly stops: Array<{ incidentId: string; userId: string }> = [];
  readonly deepers: Array<{ incidentId: string; userId: string; focus?: string | undefined }> = [];
  readonly followUps: Array<{ incidentId: string; threadTs: string; question: string; userId: string }> = [];
  readonly latest = new Map<string, Investigation>();
  private readonly incidents = new Map<string, Incident>();

  async start(req: StartRequest): Promise<{ investigation: Investigation; created: boolean }> {
    this.starts.push(req);
    this.incidents.set(req.incident.id, req.incident);
    const cur = this.latest.get(req.incident.id);
    if (cur && (cur.state === 'queued' || cur.state === 'running')) return { investigation: cur, created: false };
    const inv = fakeInvestigation(req.incident, (cur?.round ?? 0) + 1, req.trigger);
    this.latest.set(req.incident.id, inv);
    return { investigation: inv, created: true };
  }

  async stop(incidentId: string, userId: string): Promise<Investigation | null> {
    this.stops.push({ incidentId, userId });
    const cur = this.latest.get(incidentId);
    if (!cur || (cur.state !== 'queued' && cur.state !== 'running')) return null;
    const stopped = { ...cur, state: 'stopped' as const, stopRequested: true };
    this.latest.set(incidentId, stopped);
    return stopped;
  }

  async status(incidentId: string): Promise<Investigation | null> {
    return this.latest.get(incidentId) ?? null;
  }

  async deeper(
    incidentId: string,
    userId: string,
    focus?: string,
  ): Promise<{ investigation: Investigation; created: boolean }> {
    this.deepers.push({ incidentId, userId, focus });
    const incident = this.incidents.get(incidentId);
    const cur = this.latest.get(incidentId);
    if (cur && (cur.state === 'queued' || cur.state === 'running')) return { investigation: cur, created: false };
    if (!incident) throw new Error(`no incident ${incidentId} in the double`);
    const inv = {
      ...fakeInvestigation(incident, (cur?.round ?? 0) + 1, `deeper:${userId}`),
      ...(focus ? { focus } : {}),
    };
    this.latest.set(incidentId, inv);
    return { investigation: inv, created: true };
  }

  async followUp(req: { incidentId: string; threadTs: string; question: string; userId: string }): Promise<void> {
    this.followUps.push(req);
  }
}

function proposal(
  id: string,
  channelId: string,
  actionId: string,
  params: Record<string, string>,
  requestedBy: string,
  status: Proposal['status'],
): Proposal {
  const now = new Date().toISOString();
  return {
    id,
    incidentId: channelId,
    channelId,
    actionId,
    params,
    untrustedParams: [],
    rendered: { kind: 'command', argv: ['true'] },
    evidence: [],
    reason: 'asked by a person',
    requestedBy,
    risk: 'low',
    requiredApprovals: 1,
    approvals: [],
    status,
    hash: 'h',
    createdAt: now,
    expiresAt: now,
  };
}

/** Records every call; `approvers` may approve, anyone else is refused with ApprovalDenied. */
export class RecordingRemediation implements Remediation {
  readonly decisions: Array<{ kind: 'approve' | 'reject'; actor: Actor; value: string; channelId: string }> = [];
  readonly proposals: Array<{ actionId: string; args: Record<string, string>; actor: Actor }> = [];
  readonly audits: Array<{ incidentId: string; actor: Actor }> = [];

  constructor(private readonly approvers: string[] = ['U0DEMOLEAD']) {}

  async proposeByPerson(req: {
    incidentId: string;
    channelId: string;
    actor: Actor;
    actionId: string;
    args: Record<string, string>;
  }): Promise<Proposal> {
    this.proposals.push({ actionId: req.actionId, args: req.args, actor: req.actor });
    return proposal(`P${this.proposals.length}`, req.channelId, req.actionId, req.args, req.actor.userId, 'pending');
  }

  async approve(req: { actor: Actor; value: string; channelId: string }): Promise<Proposal> {
    this.decisions.push({ kind: 'approve', ...req });
    if (!this.approvers.includes(req.actor.userId))
      throw new ApprovalDenied('Only the named approvers can approve this proposal.');
    return proposal(req.value, req.channelId, 'restart-pods', {}, 'lead', 'approved');
  }

  async reject(req: { actor: Actor; value: string; channelId: string }): Promise<Proposal> {
    this.decisions.push({ kind: 'reject', ...req });
    if (!this.approvers.includes(req.actor.userId))
      throw new ApprovalDenied('Only the named approvers can reject this proposal.');
    return proposal(req.value, req.channelId, 'restart-pods', {}, 'lead', 'rejected');
  }

  async exportAudit(req: { incidentId: string; channelId: string; actor: Actor }): Promise<{ records: number }> {
    this.audits.push(req);
    return { records: 0 };
  }

  catalog(): Array<{ id: string; title: string; risk: string; params: string[] }> {
    return [
      { id: 'restart-pods', title: 'Restart the pods of a deployment', risk: 'low', params: ['service', 'namespace'] },
    ];
  }
}

export interface TestApp {
  slack: RunningSlackFake;
  built: BuiltApp;
  config: Readonly<Config>;
  store: Store;
  investigations: RecordingInvestigations;
  remediation: RecordingRemediation;
  client: SlackEventClient;
  /** `http://127.0.0.1:<port>` of the app. */
  origin: string;
  close(): Promise<void>;
}

/** Starts the Slack fake and the real app (in-process store, recording services) on random loopback ports. */
export async function startTestApp(
  opts: { store?: Store; logger?: Logger; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const slack = await startSlackFake();
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: slack.fake.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      ...opts.env,
    },
    { requireSlack: true },
  );
  const store = opts.store ?? new MemoryStore();
  const investigations = new RecordingInvestigations();
  const remediation = new RecordingRemediation();
  const built = buildApp(config, {
    logger: opts.logger ?? silentLogger(),
    store,
    investigations,
    remediation,
    receiver: { host: '127.0.0.1' },
    retryConfig: { retries: 3, factor: 1, minTimeout: 10, maxTimeout: 50 },
  });
  const { port } = await built.start(0);
  const origin = `http://127.0.0.1:${port}`;
  const client = new SlackEventClient({
    appUrl: `${origin}/slack/events`,
    signingSecret: SIGNING_SECRET,
    fake: slack.fake,
  });
  return {
    slack,
    built,
    config,
    store,
    investigations,
    remediation,
    client,
    origin,
    async close() {
      await built.stop();
      await slack.close();
      await store.close();
    },
  };
}

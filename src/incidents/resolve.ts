// Ending an incident: `/triage resolve [summary]` or a resolved alert. Records the resolution, posts the
// timeline in the latest investigation's thread, uploads the postmortem draft and remembers the incident
// for later ones ("Seen before"). Idempotent: the resolution document is created by one atomic step
// (the first caller wins and is the one audited), one process at a time (a lease) carries out the steps
// it does not yet record as done, and the timeline post and the draft's upload are keyed, so a retried or
// repeated resolve, a second replica or an alert resolving after a person did posts nothing twice.
import { NotFoundError } from '../domain/errors';
import type { PastIncident } from '../domain/memory';
import { iso, systemClock, type Clock } from '../domain/time';
import type { Logger } from '../logging';
import { incidentDocs } from '../store/kinds';
import type { Store } from '../store/port';
import type { IncidentMemory } from './memory';
import type { IncidentRecorder } from './port';
import { postmortemFileName, renderPostmortem } from './postmortem';
import {
  latestSynthesis,
  peopleOf,
  readIncidentRecord,
  resolutionDocs,
  type IncidentRecord,
  type Resolution,
} from './record';
import { buildTimeline, leadingHypothesis } from './timeline';

const SOURCE_NAMES: Record<string, string> = { alertmanager: 'Alertmanager', pagerduty: 'PagerDuty' };

/** How long one process may hold an incident's resolve before another may finish it. */
const RESOLVE_LEASE_MS = 120_000;

export interface ResolveRequest {
  incidentId: string;
  /** A Slack user id when a person resolved it. */
  userId?: string;
  /** 'alertmanager' / 'pagerduty' when an alert resolved it. */
  alertSource?: string;
  summary?: string;
}

export interface ResolveOutcome {
  /** False when the incident was already resolved (by this request's earlier try, a person or an alert). */
  resolved: boolean;
  resolution: Resolution;
  /** Whether the timeline went into an investigation thread (else the channel). */
  inThread: boolean;
}

export interface ResolveDeps {
  store: Store;
  recorder: IncidentRecorder;
  memory?: IncidentMemory;
  logger: Logger;
  clock?: Clock;
}

/** Resolves incidents; see the file comment for the idempotency rule. */
export class ResolveService {
  private readonly clock: Clock;

  constructor(private readonly deps: ResolveDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  async resolve(req: ResolveRequest): Promise<ResolveOutcome> {
    const { store } = this.deps;
    const incident = await incidentDocs.in(store).get(req.incidentId);
    if (!incident) throw new NotFoundError('This channel is not an incident, so there is nothing to resolve.');
    const log = this.deps.logger.child({ incidentId: incident.id });
    const by = req.userId ? `slash:${req.userId}` : `alert:${req.alertSource ?? 'alert'}`;
    const byName = req.userId
      ? await this.deps.recorder.userName(req.userId).catch(() => req.userId as string)
      : `the ${SOURCE_NAMES[req.alertSource ?? ''] ?? req.alertSource ?? 'monitoring'} alert`;
    const fresh: Resolution = {
      incidentId: incident.id,
      channelId: incident.channelId,
      by,
      byName,
      at: iso(this.clock.now()),
      ...(req.summary ? { summary: req.summary } : {}),
    };
    const claimed = await resolutionDocs.in(store).update(incident.id, (cur) => (cur ? undefined : fresh));
    if (claimed.changed) {
      await store.appendAudit({
        at: fresh.at,
        kind: 'resolution',
        incidentId: incident.id,
        actor: req.userId ?? 'system',
        ...(req.userId ? { actorName: byName } : {}),
        detail: { by, summary: req.summary ?? null },
      });
      log.info({ by }, 'incident resolved');
    }
    const first = claimed.value ?? fresh;
    const release = await store.lock(`resolve:${incident.id}`, RESOLVE_LEASE_MS);
    if (!release) return { resolved: claimed.changed, resolution: first, inThread: false };
    try {
      return { resolved: claimed.changed, ...(await this.finish(incident.id, log)) };
    } finally {
      await release();
    }
  }

  /** Carries out whatever the resolution does not yet record as done. */
  private async finish(incidentId: string, log: Logger): Promise<{ resolution: Resolution; inThread: boolean }> {
    const { store, recorder } = this.deps;
    const record = await readIncidentRecord(store, incidentId);
    if (!record?.resolution) throw new NotFoundError('The incident vanished while it was being resolved.');
    let resolution = record.resolution;
    const threadTs = [...record.rounds].reverse().find((r) => r.investigation.threadTs)?.investigation.threadTs;
    const where = { channelId: record.incident.channelId, ...(threadTs ? { threadTs } : {}) };
    const mark = async (patch: Partial<Resolution>): Promise<void> => {
      resolution = (
        await resolutionDocs.in(store).update(incidentId, (cur) => (cur ? { ...cur, ...patch } : undefined))
      ).value ?? { ...resolution, ...patch };
    };
    if (!resolution.names) {
      // Names once, stored with the resolution, so the CLI's draft (no Slack there) reads the same.
      const ids = peopleOf(record);
      const names = Object.fromEntries(
        await Promise.all(ids.map(async (id) => [id, await recorder.userName(id).catch(() => id)] as const)),
      );
      await mark({ names });
      record.resolution = resolution;
    }
    if (!resolution.timelineTs) {
      const ts = await recorder.postTimeline({
        ...where,
        channelName: record.incident.channelName,
        entries: buildTimeline(record),
        key: `resolve:${incidentId}:timeline`,
        ...(resolution.summary ? { summary: resolution.summary } : {}),
      });
      await mark({ timelineTs: ts });
    }
    if (!resolution.postmortemUploaded) {
      // Keyed like the timeline: a crash between the upload and this mark does not upload the draft twice.
      await recorder.uploadPostmortem({
        ...where,
        key: `resolve:${incidentId}:postmortem`,
        filename: postmortemFileName(record),
        markdown: renderPostmortem(record),
        channelName: record.incident.channelName,
      });
      await mark({ postmortemUploaded: true });
    }
    if (!resolution.remembered && this.deps.memory) {
      const past = pastIncidentOf(record);
      if (past) await this.deps.memory.remember(past);
      else log.info('nothing to remember: no round of this incident reached a synthesis');
      await mark({ remembered: true });
    }
    return { resolution, inThread: threadTs !== undefined };
  }
}

/** What a resolved incident leaves in the memory, or null when no round reached a synthesis. */
export function pastIncidentOf(record: IncidentRecord): PastIncident | null {
  const latest = latestSynthesis(record);
  const fingerprint = [...record.rounds].reverse().find((r) => r.synthesis?.fingerprint)?.synthesis?.fingerprint;
  if (!latest || !fingerprint || !record.resolution) return null;
  const fixes = record.proposals
    .filter((p) => p.status === 'succeeded')
    .map(
      (p) =>
        `${p.actionId}${
          Object.keys(p.params).length
            ? ` ${Object.entries(p.params)
                .map(([k, v]) => `${k}=${String(v)}`)
                .join(' ')}`
            : ''
        }`,
    );
  return {
    incidentId: record.incident.id,
    channelId: record.incident.channelId,
    channelName: record.incident.channelName,
    startedAt: record.incident.startedAt,
    resolvedAt: record.resolution.at,
    fingerprint,
    cause: latest.synthesis.hypotheses.length ? leadingHypothesis(latest.synthesis) : null,
    fixes,
    ...(record.resolution.summary ? { summary: record.resolution.summary } : {}),
  };
}

// Incidents: which channels are incidents, opening one exactly once, and announcing it (join + kickoff).
// Idempotent by channel: the incident document is created in one atomic store step, one caller at a
// time (a lease in the store) joins, posts the kickoff and marks it opened, and only an incident with
// no investigation yet gets its first one, so Slack retries, a second replica, or channel_created
// followed by our own member_joined_channel are no-ops, and a half-finished opening can be resumed.
import { iso, systemClock, type Clock } from '../domain/time';
import type { Incident, Investigation, OpenTrigger } from '../domain/types';
import type { Investigations } from '../investigation/port';
import type { Logger } from '../logging';
import type { Store } from '../store/port';
import type { IncidentAnnouncer } from './port';
import { incidentDocs } from '../store/kinds';

/** How long one opener may hold a channel before another may resume a failed opening. */
const OPEN_LEASE_MS = 120_000;

export interface OpenRequest {
  channelId: string;
  channelName: string;
  /** When the incident began, epoch ms (channel creation, `since=`); defaults to now. */
  createdAt?: number;
  userId?: string;
  trigger: OpenTrigger;
  /** Private channels cannot be joined; the bot is there because someone invited it. */
  isPrivate?: boolean;
  description?: string;
}

export interface IncidentServiceDeps {
  store: Store;
  /** Joins the channel and posts the kickoff (Slack: src/slack/incident-announcer.ts). */
  announcer: IncidentAnnouncer;
  investigations: Investigations;
  config: {
    incidentChannelPattern: RegExp;
    scouts: ReadonlyArray<{ name: string; purpose: string }>;
    investigation: { baselineMinutes: number };
  };
  logger: Logger;
  clock?: Clock;
  /** Names of the configured evidence sources, shown in the kickoff. */
  sources?: string[];
}

export interface Opened {
  incident: Incident;
  /**
   * True when the caller should start the first round: this call opened the incident, or found it
   * opened without one (the store failed between the kickoff and the start, and this is the retry).
   */
  created: boolean;
  /** The first investigation, when this call created the incident and started it. */
  investigation?: Investigation;
}

/** Opens and finds incidents; see the file comment for the idempotency rule. */
export class IncidentService {
  private readonly clock: Clock;

  constructor(private readonly deps: IncidentServiceDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  /** True when a channel name matches INCIDENT_CHANNEL_PATTERN. */
  matches(channelName: string): boolean {
    return this.deps.config.incidentChannelPattern.test(channelName);
  }

  /** The incident of a channel, or null when the channel is not one. */
  find(channelId: string): Promise<Incident | null> {
    return incidentDocs.in(this.deps.store).get(channelId);
  }

  /** Recognises the channel as an incident (join + kickoff once) without starting an investigation. */
  async ensure(req: OpenRequest): Promise<Opened> {
    const now = this.clock.now();
    const fresh: Incident = {
      id: req.channelId,
      channelId: req.channelId,
      channelName: req.channelName,
      startedAt: iso(req.createdAt ?? now.getTime()),
      ...(req.userId ? { openedBy: req.userId } : {}),
      ...(req.description ? { description: req.description } : {}),
      investigations: [],
      createdAt: iso(now),
    };
    const { value } = await incidentDocs.in(this.deps.store).update(req.channelId, (cur) => (cur ? undefined : fresh));
    let incident = value ?? fresh;
    const log = this.deps.logger.child({ incidentId: incident.id });
    if (incident.openedAt) {
      log.debug({ trigger: req.trigger }, 'channel is already an incident');
      // Starting is race-free (one round per number), so a retry and a second event may both ask.
      return { incident, created: incident.investigations.length === 0 };
    }
    // One opener at a time (Slack retries, a second replica, channel_created then member_joined).
    // An opening that failed half-way (Slack or Redis down) leaves no openedAt, so the next event or
    // /triage resumes it once the lease expires; join and the keyed kickoff are idempotent.
    const release = await this.deps.store.lock(`open-incident:${req.channelId}`, OPEN_LEASE_MS);
    if (!release) return { incident, created: false };
    try {
      incident = (await this.find(req.channelId)) ?? incident;
      if (incident.openedAt) return { incident, created: incident.investigations.length === 0 };
      log.info({ trigger: req.trigger, channelName: req.channelName }, 'incident opened');
      if (!req.isPrivate) await this.deps.announcer.join(req.channelId);
      await this.deps.announcer.kickoff({
        channelId: req.channelId,
        channelName: incident.channelName,
        baselineMinutes: this.deps.config.investigation.baselineMinutes,
        scouts: this.deps.config.scouts,
        trigger: req.trigger,
        ...(req.userId ? { openedBy: req.userId } : {}),
        ...(this.deps.sources ? { sources: this.deps.sources } : {}),
      });
      const openedAt = iso(this.clock.now());
      const marked = await incidentDocs
        .in(this.deps.store)
        .update(req.channelId, (cur) => (cur && !cur.openedAt ? { ...cur, openedAt } : undefined));
      // A resumed opening whose first round already ran does not start another: a person asks for that.
      return { incident: marked.value ?? incident, created: incident.investigations.length === 0 };
    } finally {
      await release();
    }
  }

  /** Opens an incident from a channel event: ensure, then start the first investigation if this call created it. */
  async open(req: OpenRequest): Promise<Opened> {
    const opened = await this.ensure(req);
    if (!opened.created) return opened;
    const { investigation } = await this.deps.investigations.start({
      incident: opened.incident,
      trigger: req.trigger,
      ...(req.userId ? { userId: req.userId } : {}),
      ...(req.description ? { description: req.description } : {}),
    });
    return { ...opened, investigation };
  }
}

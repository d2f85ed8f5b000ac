// The alert use case: a firing alert group opens exactly one incident channel (an atomic claim on the
// group key in the store), invites the on-call people, posts the alert and the kickoff, and starts an
// investigation with the alert's start as onset and its location labels as focus. Later notices of the
// same group (resends, more alerts, resolved) are replies in the alert message's thread.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ScoutError } from '../domain/errors';
import { iso, systemClock, type Clock } from '../domain/time';
import type { IncidentService } from '../incidents/service';
import type { Investigations } from '../investigation/port';
import type { Logger } from '../logging';
import type { Store } from '../store/port';
import { defineKind } from '../store/repository';
import { channelName, withSuffix } from './channel-name';
import { ChannelNameTaken, type AlertChannels } from './port';
import { focusOf, type AlertNotice } from './types';

/** How long one replica may hold an unfinished opening before another resumes it. */
const OPEN_LEASE_MS = 120_000;
/** How long a notice waits for another replica's opening of its group before it is dropped (logged). */
const WAIT_FOR_OPEN_MS = 15_000;
/** How many suffixed names are tried when the channel name is taken. */
const MAX_NAME_TRIES = 20;
/** Alert groups are remembered for a month: a resend after that opens a new incident. */
const RECORD_TTL_S = 30 * 24 * 3600;

/** The store lost a group's record in the middle of its opening. */
export class AlertRecordLost extends ScoutError {
  readonly code = 'alert_record_lost';
}

/** What the store keeps per alert group, by the group's key. */
const alertRecord = z.looseObject({
  key: z.string(),
  state: z.enum(['opening', 'open']),
  owner: z.string(),
  claimedAt: z.number(),
  channelId: z.string().exactOptional(),
  channelName: z.string().exactOptional(),
  /** ts of the alert message: later notices are replies to it. */
  threadTs: z.string().exactOptional(),
  lastDigest: z.string().exactOptional(),
  status: z.enum(['firing', 'resolved']),
});
export type AlertRecord = z.infer<typeof alertRecord>;
const alertRecords = defineKind('alert', alertRecord);

export interface AlertSettings {
  channelTemplate: string;
  /** Slack user ids (U…, W…) and usergroup ids (S…) to invite. */
  invite: string[];
  privateChannels: boolean;
}

export interface AlertIncidentDeps {
  store: Store;
  channels: AlertChannels;
  incidents: Pick<IncidentService, 'ensure'>;
  investigations: Pick<Investigations, 'start'>;
  settings: AlertSettings;
  /** Ends the incident when its alert group resolves (timeline, postmortem draft, memory); idempotent. */
  resolve?: (req: { incidentId: string; alertSource: string; summary?: string }) => Promise<unknown>;
  logger: Logger;
  clock?: Clock;
}

export type AlertOutcome = 'opened' | 'replied' | 'unchanged' | 'ignored' | 'busy';

/** Opens and follows incidents from alert notices; see the file comment. */
export class AlertIncidents {
  private readonly clock: Clock;

  constructor(private readonly deps: AlertIncidentDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  /** Handles one notice; safe to call again with the same notice (resends, replicas). */
  async handle(notice: AlertNotice): Promise<AlertOutcome> {
    const log = this.deps.logger.child({ alertKey: notice.key, alertSource: notice.source });
    const now = this.clock.now().getTime();
    const owner = randomUUID();
    const { value, changed } = await alertRecords.in(this.deps.store).update(
      notice.key,
      (cur) => {
        if (!cur)
          return notice.status === 'firing'
            ? { key: notice.key, state: 'opening', owner, claimedAt: now, status: notice.status }
            : undefined;
        if (cur.state === 'opening' && now - cur.claimedAt > OPEN_LEASE_MS) return { ...cur, owner, claimedAt: now };
        return undefined;
      },
      RECORD_TTL_S,
    );
    if (!value) {
      log.info({ status: notice.status }, 'alert notice for a group with no incident: nothing to open');
      return 'ignored';
    }
    if (changed && value.owner === owner) {
      await this.open(value, notice, log);
      return 'opened';
    }
    if (value.state !== 'open') {
      // Another caller is opening it right now (a resend, a replica): this notice goes to its thread once open.
      const opened = await this.waitForOpen(notice.key);
      if (!opened) {
        log.warn({ status: notice.status }, 'alert group still opening elsewhere; notice dropped');
        return 'busy';
      }
      return this.follow(opened, notice, log);
    }
    return this.follow(value, notice, log);
  }

  private async waitForOpen(key: string): Promise<AlertRecord | null> {
    const deadline = this.clock.now().getTime() + WAIT_FOR_OPEN_MS;
    while (this.clock.now().getTime() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      const rec = await alertRecords.in(this.deps.store).get(key);
      if (rec?.state === 'open') return rec;
    }
    return null;
  }

  private async open(claimed: AlertRecord, notice: AlertNotice, log: Logger): Promise<void> {
    const { channels, settings } = this.deps;
    let rec = claimed;
    // A resumed opening keeps the channel an earlier attempt created.
    if (!rec.channelId) {
      const created = await this.createChannel(channelName(settings.channelTemplate, notice), settings.privateChannels);
      rec = await this.save(rec.key, (cur) => ({ ...cur, channelId: created.id, channelName: created.name }));
      log.info({ channelId: created.id, channelName: created.name }, 'incident channel created for alert');
      await this.invite(created.id, log);
    }
    const channelId = rec.channelId as string;
    const threadTs = await channels.postAlert({ channelId, notice, key: `alert:${rec.key}` });
    const { incident, created } = await this.deps.incidents.ensure({
      channelId,
      channelName: rec.channelName ?? channelId,
      createdAt: notice.startsAt,
      trigger: 'alert',
      isPrivate: settings.privateChannels,
      description: notice.summary,
    });
    if (created) {
      const focus = focusOf(notice);
      await this.deps.investigations.start({
        incident,
        trigger: 'alert',
        since: notice.startsAt,
        ...(focus ? { focus } : {}),
      });
    }
    await this.save(rec.key, (cur) => ({
      ...cur,
      state: 'open',
      threadTs,
      lastDigest: notice.digest,
      status: notice.status,
    }));
    log.info({ channelId, startedAt: iso(notice.startsAt) }, 'incident opened from alert');
  }

  private async follow(rec: AlertRecord, notice: AlertNotice, log: Logger): Promise<AlertOutcome> {
    if (rec.lastDigest === notice.digest) {
      // A resend of the resolved notice finishes a resolve that failed half-way (the resolve is idempotent).
      if (notice.status === 'resolved') await this.resolved(rec, notice, log);
      return 'unchanged';
    }
    const { changed } = await alertRecords
      .in(this.deps.store)
      .update(
        rec.key,
        (cur) =>
          cur && cur.lastDigest !== notice.digest
            ? { ...cur, lastDigest: notice.digest, status: notice.status }
            : undefined,
        RECORD_TTL_S,
      );
    if (!changed) return 'unchanged';
    await this.deps.channels.postAlert({
      channelId: rec.channelId as string,
      notice,
      ...(rec.threadTs ? { threadTs: rec.threadTs } : {}),
      key: `alert:${rec.key}:${notice.digest}`,
    });
    log.info(
      { channelId: rec.channelId, status: notice.status, firing: notice.firing },
      'alert notice posted in the incident thread',
    );
    if (notice.status === 'resolved') await this.resolved(rec, notice, log);
    return 'replied';
  }

  /** The alert group resolved: so is its incident (timeline, postmortem draft, memory). */
  private async resolved(rec: AlertRecord, notice: AlertNotice, log: Logger): Promise<void> {
    if (!this.deps.resolve || !rec.channelId) return;
    const summary =
      notice.summary && notice.summary !== notice.name
        ? `${notice.name} resolved: ${notice.summary}`
        : `${notice.name} resolved`;
    await this.deps.resolve({ incidentId: rec.channelId, alertSource: notice.source, summary });
    log.info({ channelId: rec.channelId }, 'incident resolved by its alert');
  }

  private async createChannel(base: string, isPrivate: boolean): Promise<{ id: string; name: string }> {
    for (let n = 1; n <= MAX_NAME_TRIES; n++) {
      const name = n === 1 ? base : withSuffix(base, n);
      try {
        return await this.deps.channels.create(name, isPrivate);
      } catch (err) {
        if (!(err instanceof ChannelNameTaken)) throw err;
      }
    }
    throw new ChannelNameTaken(`${base} (and ${MAX_NAME_TRIES - 1} suffixed names)`);
  }

  /** Invites ALERT_INVITE; usergroups are expanded. A failed invite never stops the opening. */
  private async invite(channelId: string, log: Logger): Promise<void> {
    const users = new Set<string>();
    for (const id of this.deps.settings.invite) {
      if (!id.startsWith('S')) {
        users.add(id);
        continue;
      }
      try {
        (await this.deps.channels.usergroupMembers(id)).forEach((u) => users.add(u));
      } catch (err) {
        log.warn({ err, usergroup: id }, 'could not expand usergroup for the alert invite');
      }
    }
    if (users.size === 0) return;
    try {
      await this.deps.channels.invite(channelId, [...users]);
    } catch (err) {
      log.warn({ err, channelId }, 'inviting the on-call people failed');
    }
  }

  private async save(key: string, fn: (cur: AlertRecord) => AlertRecord): Promise<AlertRecord> {
    const { value } = await alertRecords
      .in(this.deps.store)
      .update(key, (cur) => (cur ? fn(cur) : undefined), RECORD_TTL_S);
    if (!value) throw new AlertRecordLost(`alert record ${key} vanished while opening (expired or deleted)`);
    return value;
  }
}

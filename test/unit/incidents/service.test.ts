import { IncidentService } from '../../../src/incidents/service';
import { createIncidentAnnouncer } from '../../../src/slack/incident-announcer';
import { silentLogger } from '../../../src/logging';
import type { PostArgs } from '../../../src/slack/poster';
import type { StartRequest } from '../../../src/investigation/port';
import { StoreUnavailable } from '../../../src/store/errors';
import { incidentDocs } from '../../../src/store/kinds';
import { MemoryStore } from '../../../src/store/memory';
import { RecordingInvestigations } from '../../helpers/app';

/** Claims each round it starts in the incident's document, as the real service does; can fail like Redis. */
class ClaimingInvestigations extends RecordingInvestigations {
  /** Fail this many starts, as a store failing over does. */
  failStarts = 0;
  constructor(private readonly store: MemoryStore) {
    super();
  }
  override async start(req: StartRequest): ReturnType<RecordingInvestigations['start']> {
    if (this.failStarts > 0) {
      this.failStarts -= 1;
      throw new StoreUnavailable('The state store (Redis) is failing over.');
    }
    const started = await super.start(req);
    const id = started.investigation.id;
    await incidentDocs
      .in(this.store)
      .update(req.incident.id, (cur) =>
        cur && !cur.investigations.includes(id) ? { ...cur, investigations: [...cur.investigations, id] } : undefined,
      );
    return started;
  }
}

class RecordingPoster {
  readonly joins: string[] = [];
  readonly posts: PostArgs[] = [];
  /** Fail this many joins, as Slack does when it is down. */
  failJoins = 0;
  private readonly byKey = new Map<string, string>();
  async join(channel: string): Promise<void> {
    if (this.failJoins > 0) {
      this.failJoins -= 1;
      throw new Error('Slack is down');
    }
    this.joins.push(channel);
  }
  async post(args: PostArgs): Promise<string> {
    const known = args.key ? this.byKey.get(args.key) : undefined;
    if (known) return known;
    this.posts.push(args);
    const ts = `1.${this.posts.length}`;
    if (args.key) this.byKey.set(args.key, ts);
    return ts;
  }
}

function setup() {
  const store = new MemoryStore();
  const poster = new RecordingPoster();
  const investigations = new ClaimingInvestigations(store);
  const service = new IncidentService({
    store,
    announcer: createIncidentAnnouncer(poster),
    investigations,
    logger: silentLogger(),
    clock: { now: () => new Date('2026-11-27T05:00:00Z') },
    config: {
      incidentChannelPattern: /^(inc|incident)[-_]/,
      scouts: [
        { name: 'logs', purpose: 'Finds surging log templates.' },
        { name: 'changes', purpose: 'Lists recent deploys.' },
      ],
      investigation: { baselineMinutes: 60 },
    },
  });
  return { store, poster, investigations, service };
}

describe('IncidentService', () => {
  it('resumes an opening that failed half-way: the next event joins, posts the kickoff and starts one round', async () => {
    const { poster, investigations, service } = setup();
    const req = { channelId: 'C9', channelName: 'inc-api', userId: 'U1', trigger: 'channel_created' as const };
    poster.failJoins = 1;
    await expect(service.open(req)).rejects.toThrow('Slack is down');
    expect(poster.posts).toHaveLength(0);
    const again = await service.open({ ...req, trigger: 'slash' });
    expect(again.created).toBe(true);
    expect(poster.joins).toEqual(['C9']);
    expect(poster.posts.map((p) => p.key)).toEqual(['kickoff:C9']);
    expect(investigations.starts).toHaveLength(1);
    expect((await service.open(req)).created).toBe(false);
    expect(investigations.starts).toHaveLength(1);
  });

  it('starts the first round on the next event when the start failed after the kickoff', async () => {
    const { poster, investigations, service } = setup();
    const req = { channelId: 'C8', channelName: 'inc-db', trigger: 'channel_created' as const };
    investigations.failStarts = 1;
    await expect(service.open(req)).rejects.toBeInstanceOf(StoreUnavailable);
    // Slack's retry (or the work queue's, once the store answers) finishes the opening: one kickoff, one round.
    expect((await service.open(req)).investigation?.round).toBe(1);
    expect((await service.open({ ...req, trigger: 'member_joined' })).investigation).toBeUndefined();
    expect(poster.posts.map((p) => p.key)).toEqual(['kickoff:C8']);
    expect(investigations.starts).toHaveLength(1);
  });

  it('opens an incident once: one join, one kickoff, one investigation, even when asked twice at once', async () => {
    const { poster, investigations, service } = setup();
    const req = {
      channelId: 'C1',
      channelName: 'inc-db',
      createdAt: Date.parse('2026-11-27T04:55:00Z'),
      userId: 'U1',
      trigger: 'channel_created' as const,
    };
    const [a, b] = await Promise.all([service.open(req), service.open({ ...req, trigger: 'member_joined' })]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(poster.joins).toEqual(['C1']);
    expect(poster.posts).toHaveLength(1);
    expect(poster.posts[0]?.key).toBe('kickoff:C1');
    expect(investigations.starts).toHaveLength(1);
    expect(investigations.starts[0]?.incident).toMatchObject({
      id: 'C1',
      channelName: 'inc-db',
      startedAt: '2026-11-27T04:55:00.000Z',
      openedBy: 'U1',
    });
  });

  it('does not try to join a private channel it was invited to', async () => {
    const { poster, service } = setup();
    await service.open({ channelId: 'G1', channelName: 'inc-secret', trigger: 'member_joined', isPrivate: true });
    expect(poster.joins).toEqual([]);
    expect(poster.posts).toHaveLength(1);
  });

  it('ensure makes a channel an incident without starting an investigation', async () => {
    const { investigations, service } = setup();
    const { incident, created } = await service.ensure({
      channelId: 'C9',
      channelName: 'ops',
      trigger: 'slash',
      userId: 'U2',
    });
    expect(created).toBe(true);
    expect(incident.startedAt).toBe('2026-11-27T05:00:00.000Z');
    expect(investigations.starts).toHaveLength(0);
    expect(await service.find('C9')).toMatchObject({ id: 'C9', channelName: 'ops' });
    expect(await service.find('C10')).toBeNull();
  });

  it('names the scouts and how to steer in the kickoff', async () => {
    const { poster, service } = setup();
    await service.open({ channelId: 'C2', channelName: 'incident_api', trigger: 'channel_created' });
    const text = poster.posts[0]?.text ?? '';
    expect(text).toContain('logs, changes');
    expect(text).toContain('/triage stop');
  });

  it('matches channel names against the incident pattern', () => {
    const { service } = setup();
    expect(service.matches('inc-checkout')).toBe(true);
    expect(service.matches('incident_42')).toBe(true);
    expect(service.matches('random-chat')).toBe(false);
    expect(service.matches('prince-charming')).toBe(false);
  });
});

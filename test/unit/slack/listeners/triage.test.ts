// The /triage listener without an App: real IncidentService over MemoryStore, recording services.
import { IncidentMemory } from '../../../../src/incidents/memory';
import { ResolveService } from '../../../../src/incidents/resolve';
import { IncidentService } from '../../../../src/incidents/service';
import { createIncidentRecorder } from '../../../../src/slack/incident-recorder';
import { createIncidentAnnouncer } from '../../../../src/slack/incident-announcer';
import { silentLogger } from '../../../../src/logging';
import type { RespondMessage } from '../../../../src/slack/listeners/deps';
import { onTriage } from '../../../../src/slack/listeners/commands/triage';
import type { Poster, PostArgs } from '../../../../src/slack/poster';
import { MemoryStore } from '../../../../src/store/memory';
import { RecordingInvestigations, RecordingRemediation } from '../../../helpers/app';

const NOW = new Date('2026-11-27T05:00:00Z');

function setup() {
  const store = new MemoryStore();
  const posts: PostArgs[] = [];
  const uploads: Array<{ filename: string; content: string; threadTs?: string }> = [];
  const poster = {
    join: async () => undefined,
    post: async (a: PostArgs) => {
      const same = a.key ? posts.findIndex((p) => p.key === a.key) : -1;
      if (same >= 0) return `1.${same + 1}`;
      posts.push(a);
      return `1.${posts.length}`;
    },
    uploadText: async (a: { filename: string; content: string; threadTs?: string }) => void uploads.push(a),
    userName: async (id: string) => (id === 'U1' ? 'Dana Lee' : id),
    isBot: async () => false,
  } as unknown as Poster;
  const investigations = new RecordingInvestigations();
  const remediation = new RecordingRemediation();
  const logger = silentLogger();
  const clock = { now: () => NOW };
  const incidents = new IncidentService({
    store,
    announcer: createIncidentAnnouncer(poster),
    investigations,
    logger,
    clock,
    config: {
      incidentChannelPattern: /^inc-/,
      scouts: [{ name: 'logs', purpose: 'Finds log templates.' }],
      investigation: { baselineMinutes: 60 },
    },
  });
  const memory = new IncidentMemory(store, { retentionDays: 30, maxIncidents: 10 }, clock);
  const resolutions = new ResolveService({ store, recorder: createIncidentRecorder(poster), memory, logger, clock });
  const handler = onTriage({ incidents, investigations, remediation, resolutions, poster, logger, clock });
  const replies: RespondMessage[] = [];
  const run = async (text: string, user = 'U1', channel = 'C1') => {
    const before = replies.length;
    await handler({
      command: { text, user_id: user, channel_id: channel, channel_name: 'inc-api' },
      respond: async (m) => void replies.push(m),
    });
    expect(replies.length).toBe(before + 1);
    return replies[replies.length - 1] as RespondMessage;
  };
  return { run, investigations, remediation, posts, uploads, incidents };
}

describe('/triage listener', () => {
  it('answers only the person who asked', async () => {
    const s = setup();
    const reply = await s.run('help');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('/triage deeper [focus]');
  });

  it('start in a new channel makes it an incident (with kickoff) and starts a round with since', async () => {
    const s = setup();
    const reply = await s.run('start checkout errors since=30m');
    expect(reply.text).toBe('Started investigation round 1; findings will appear in its thread.');
    expect(s.posts.map((p) => p.key)).toEqual(['kickoff:C1']);
    expect(s.investigations.starts[0]).toMatchObject({
      trigger: 'slash',
      userId: 'U1',
      since: NOW.getTime() - 30 * 60_000,
      description: 'checkout errors',
    });
    expect((await s.incidents.find('C1'))?.startedAt).toBe('2026-11-27T04:30:00.000Z');
  });

  it('start while a round runs says so instead of starting another', async () => {
    const s = setup();
    await s.run('start');
    const reply = await s.run('start');
    expect(reply.text).toContain('Round 1 is already queued');
    expect(s.posts).toHaveLength(1);
  });

  it('status, stop and deeper outside an incident explain how to begin', async () => {
    const s = setup();
    for (const cmd of ['status', 'stop', 'deeper', 'audit', 'propose restart-pods service=api']) {
      expect((await s.run(cmd)).text).toBe(
        'This channel is not an incident yet. Run `/triage start` here to investigate it.',
      );
    }
    expect(s.investigations.stops).toHaveLength(0);
    expect(s.remediation.proposals).toHaveLength(0);
  });

  it('routes stop, status, deeper, propose, actions and audit to the services', async () => {
    const s = setup();
    await s.run('start');
    expect((await s.run('status')).text).toContain('*Investigation round 1* in #inc-api: *queued*');
    expect((await s.run('stop')).text).toContain('Stopping round 1');
    expect((await s.run('stop')).text).toBe('Nothing is running here.');
    expect((await s.run('deeper the db pool')).text).toBe('Started round 2 focused on "the db pool".');
    expect(s.investigations.deepers.at(-1)).toEqual({ incidentId: 'C1', userId: 'U1', focus: 'the db pool' });
    expect((await s.run('propose restart-pods service=api')).text).toContain('Proposed `restart-pods`');
    expect(s.remediation.proposals.at(-1)).toMatchObject({
      actionId: 'restart-pods',
      args: { service: 'api' },
      actor: { userId: 'U1' },
    });
    expect((await s.run('actions')).text).toContain(
      '`restart-pods` — Restart the pods of a deployment (risk: low; params: service, namespace)',
    );
    expect((await s.run('audit')).text).toContain('Uploaded the audit trail (0 records)');
  });

  it('answers a bad command with what was wrong and the usage', async () => {
    const s = setup();
    const reply = await s.run('start since=soon');
    expect(reply.text).toContain('since=soon is neither a duration');
    expect(reply.text).toContain('Usage: `/triage start');
    expect(s.investigations.starts).toHaveLength(0);
  });

  it('shows an unexpected failure only as a reference', async () => {
    const s = setup();
    await s.run('start');
    s.investigations.status = async () => {
      throw new Error('redis exploded at 10.0.0.1');
    };
    const reply = await s.run('status');
    expect(reply.text).toMatch(/^Something went wrong \(ref [0-9a-f]{8}\)/);
    expect(reply.text).not.toContain('redis');
  });

  it('resolve outside an incident says there is nothing to resolve', async () => {
    const s = setup();
    const reply = await s.run('resolve all good', 'U1', 'C9');
    expect(reply.text).toContain('not an incident');
    expect(s.uploads).toHaveLength(0);
  });

  it('resolve posts the timeline and uploads the postmortem draft once; a second resolve posts nothing', async () => {
    const s = setup();
    await s.run('start checkout errors');
    const first = await s.run('resolve rolled back the bad deploy');
    expect(first.text).toBe('Resolved. The timeline and the postmortem draft are in this channel.');
    const timeline = s.posts.filter((p) => p.key === 'resolve:C1:timeline');
    expect(timeline).toHaveLength(1);
    expect(JSON.stringify(timeline[0]?.blocks)).toContain('Resolved by Dana Lee: rolled back the bad deploy');
    expect(s.uploads).toHaveLength(1);
    expect(s.uploads[0]?.filename).toBe('postmortem-inc-api-2026-11-27.md');
    expect(s.uploads[0]?.content).toContain('# Postmortem draft: #inc-api');
    expect(s.uploads[0]?.content).toContain('rolled back the bad deploy');

    const again = await s.run('resolve');
    expect(again.text).toContain('already resolved at 05:00 UTC by Dana Lee');
    expect(s.posts.filter((p) => p.key === 'resolve:C1:timeline')).toHaveLength(1);
    expect(s.uploads).toHaveLength(1);
  });
});

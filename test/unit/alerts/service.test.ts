// The alert use case with in-process doubles: one channel per group however notices interleave, and a
// notice that arrives while the group is being opened lands in its thread instead of being lost.
import { ChannelNameTaken, type AlertChannels } from '../../../src/alerts/port';
import { AlertIncidents } from '../../../src/alerts/service';
import type { AlertNotice } from '../../../src/alerts/types';
import type { Incident } from '../../../src/domain/types';
import { silentLogger } from '../../../src/logging';
import { MemoryStore } from '../../../src/store/memory';
import { RecordingInvestigations } from '../../helpers/app';

class SlowChannels implements AlertChannels {
  readonly created: string[] = [];
  readonly posts: Array<{ channelId: string; threadTs?: string | undefined; status: string; firing: number }> = [];
  readonly invited: string[][] = [];
  private gate: Promise<void> = Promise.resolve();
  release: () => void = () => {};
  taken = new Set<string>();

  hold(): void {
    this.gate = new Promise((r) => (this.release = r));
  }

  async create(name: string): Promise<{ id: string; name: string }> {
    await this.gate;
    if (this.taken.has(name)) throw new ChannelNameTaken(name);
    this.taken.add(name);
    this.created.push(name);
    return { id: `C${this.created.length}`, name };
  }

  async invite(_channelId: string, userIds: string[]): Promise<void> {
    this.invited.push(userIds);
  }

  async usergroupMembers(): Promise<string[]> {
    return ['U2', 'U3'];
  }

  async postAlert(req: { channelId: string; notice: AlertNotice; threadTs?: string; key: string }): Promise<string> {
    this.posts.push({
      channelId: req.channelId,
      threadTs: req.threadTs,
      status: req.notice.status,
      firing: req.notice.firing,
    });
    return `100.${this.posts.length}`;
  }
}

const notice = (over: Partial<AlertNotice> = {}): AlertNotice => ({
  source: 'alertmanager',
  key: 'am:{}:{alertname="X"}',
  status: 'firing',
  name: 'X',
  summary: 'x fires',
  labels: { alertname: 'X', job: 'api' },
  startsAt: Date.UTC(2026, 11, 7, 3),
  firing: 1,
  digest: 'd1',
  ...over,
});

function setup() {
  const store = new MemoryStore();
  const resolves: Array<{ incidentId: string; alertSource: string; summary?: string }> = [];
  const channels = new SlowChannels();
  const investigations = new RecordingInvestigations();
  const ensured: string[] = [];
  const incidents = {
    async ensure(req: { channelId: string; channelName: string; createdAt?: number }) {
      ensured.push(req.channelId);
      const incident: Incident = {
        id: req.channelId,
        channelId: req.channelId,
        channelName: req.channelName,
        startedAt: new Date(req.createdAt ?? 0).toISOString(),
        investigations: [],
        createdAt: '',
      };
      return { incident, created: true };
    },
  };
  const service = new AlertIncidents({
    store,
    channels,
    investigations,
    incidents,
    logger: silentLogger(),
    settings: { channelTemplate: 'inc-{alertname}', invite: ['U1', 'S1', 'U2'], privateChannels: false },
    resolve: async (req) => void resolves.push(req),
  });
  return { service, channels, investigations, ensured, resolves };
}

it('posts a resolved notice that arrived during the opening into the new thread', async () => {
  const { service, channels, investigations } = setup();
  channels.hold();
  const opening = service.handle(notice());
  const resolved = service.handle(notice({ status: 'resolved', firing: 0, digest: 'd2' }));
  await new Promise((r) => setTimeout(r, 50));
  channels.release();
  expect(await opening).toBe('opened');
  expect(await resolved).toBe('replied');
  expect(channels.created).toEqual(['inc-x']);
  expect(channels.posts).toEqual([
    { channelId: 'C1', threadTs: undefined, status: 'firing', firing: 1 },
    { channelId: 'C1', threadTs: '100.1', status: 'resolved', firing: 0 },
  ]);
  expect(channels.invited).toEqual([['U1', 'U2', 'U3']]);
  expect(investigations.starts).toHaveLength(1);
  expect(investigations.starts[0]).toMatchObject({
    trigger: 'alert',
    since: Date.UTC(2026, 11, 7, 3),
    focus: 'alert X: job=api',
  });
});

it('does not open anything for a resolved notice of a group it never saw, and ignores unchanged resends', async () => {
  const { service, channels } = setup();
  expect(await service.handle(notice({ key: 'am:other', status: 'resolved', digest: 'r' }))).toBe('ignored');
  expect(await service.handle(notice())).toBe('opened');
  expect(await service.handle(notice())).toBe('unchanged');
  expect(channels.created).toEqual(['inc-x']);
  expect(channels.posts).toHaveLength(1);
});

it('opens a second group under a suffixed name when the first name is taken', async () => {
  const { service, channels } = setup();
  channels.taken.add('inc-x');
  channels.taken.add('inc-x-2');
  expect(await service.handle(notice())).toBe('opened');
  expect(channels.created).toEqual(['inc-x-3']);
});

it('ends the incident when its alert group resolves, and asks again on a resend (the resolve is idempotent)', async () => {
  const { service, resolves } = setup();
  expect(await service.handle(notice())).toBe('opened');
  expect(resolves).toEqual([]);
  expect(await service.handle(notice({ status: 'resolved', firing: 0, digest: 'd2' }))).toBe('replied');
  expect(resolves).toEqual([{ incidentId: 'C1', alertSource: 'alertmanager', summary: 'X resolved: x fires' }]);
  // A resend of the same resolved notice finishes a resolve that may have failed half-way.
  expect(await service.handle(notice({ status: 'resolved', firing: 0, digest: 'd2' }))).toBe('unchanged');
  expect(resolves).toHaveLength(2);
});

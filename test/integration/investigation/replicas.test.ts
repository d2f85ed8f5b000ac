// Two replicas on one Redis (RedisStore + BullMQ each, one Slack workspace): the same incident started on
// both gives exactly one investigation and one set of posts.
import { webApi } from '@slack/bolt';
import { openFilesSource } from '../../../src/evidence/sources';
import { startSlackFake, type RunningSlackFake } from '../../../src/demo/slack-fake';
import type { Incident } from '../../../src/domain/types';
import type { EvidenceSource, LogEvent } from '../../../src/evidence/types';
import { createInvestigations, type InvestigationService } from '../../../src/investigation/service';
import type { InvestigationJob } from '../../../src/investigation/types';
import { createQueue, type JobQueue } from '../../../src/jobs';
import { silentLogger } from '../../../src/logging';
import { SlackInvestigationNotifier } from '../../../src/slack/investigation-notifier';
import { Poster } from '../../../src/slack/poster';
import { createStore, type Store } from '../../../src/store';
import { REDIS_URL, deletePrefix, randomPrefix } from '../store/redis-fixture';
import { scenarioConfig } from './harness';

let slack: RunningSlackFake;
let prefix: string;
const replicas: Array<{ svc: InvestigationService; store: Store; queue: JobQueue<InvestigationJob> }> = [];

beforeAll(async () => {
  slack = await startSlackFake();
});

const prefixes: string[] = [];

afterAll(async () => {
  for (const r of replicas) {
    await r.queue.close();
    await r.store.close();
  }
  for (const p of prefixes) await deletePrefix(p);
  await slack.close();
});

function replica(opts: { source?: EvidenceSource; worker?: boolean } = {}): InvestigationService {
  const config = scenarioConfig();
  const logger = silentLogger();
  const store = createStore({ redisUrl: REDIS_URL, prefix, logger });
  const queue = createQueue<InvestigationJob>({ name: 'investigations', redisUrl: REDIS_URL, prefix, logger });
  const client = new webApi.WebClient(slack.fake.botToken, {
    slackApiUrl: slack.url,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });
  const svc = createInvestigations({
    config,
    store,
    queue,
    logger,
    source: opts.source ?? openFilesSource(config.evidence.dir as string),
    notifier: new SlackInvestigationNotifier(new Poster({ client, store, logger })),
    cardIntervalMs: 50,
  });
  if (opts.worker !== false) svc.startWorker();
  replicas.push({ svc, store, queue });
  return svc;
}

it('runs one investigation with one set of posts when both replicas get the same channel_created', async () => {
  prefix = randomPrefix('inv');
  prefixes.push(prefix);
  const a = replica();
  const b = replica();
  const channel = slack.fake.addChannel({ name: 'inc-checkout-replicas', botIsMember: true });
  const now = new Date().toISOString();
  const incident: Incident = {
    id: channel,
    channelId: channel,
    channelName: 'inc-checkout-replicas',
    startedAt: now,
    investigations: [],
    createdAt: now,
  };
  const [ra, rb] = await Promise.all([
    a.start({ incident, trigger: 'channel_created' }),
    b.start({ incident, trigger: 'channel_created' }),
  ]);
  expect([ra.created, rb.created].filter(Boolean)).toHaveLength(1);
  expect(ra.investigation.id).toBe(rb.investigation.id);

  // Wait for the synthesis, then for both queues to be idle.
  await slack.fake.waitFor(
    (f) => f.messages(channel)[0]?.replies.some((r) => r.metadata?.event_type === 'incident_scout_hypotheses'),
    60_000,
    'the synthesis',
  );
  await Promise.all(replicas.map((r) => r.queue.drain(30_000)));

  const threads = slack.fake.messages(channel);
  expect(threads).toHaveLength(1);
  const replies = threads[0]!.replies;
  const scouts = replies.filter((r) => /^Scout /.test(r.text)).map((r) => r.text.split(':')[0]);
  expect(scouts.sort()).toEqual(['Scout changes', 'Scout logs', 'Scout metrics']);
  expect(replies.filter((r) => r.metadata?.event_type === 'incident_scout_hypotheses')).toHaveLength(1);
  expect((await a.status(channel))?.state).toBe('synthesized');
});

it('finishes on the other replica without duplicate posts when a worker shuts down mid-investigation', async () => {
  prefix = randomPrefix('inv');
  prefixes.push(prefix);
  const held = new HeldLogs(openFilesSource(scenarioConfig().evidence.dir as string));
  const a = replica({ source: held });
  const b = replica({ worker: false });
  const channel = slack.fake.addChannel({ name: 'inc-checkout-crash', botIsMember: true });
  const now = new Date().toISOString();
  const incident: Incident = {
    id: channel,
    channelId: channel,
    channelName: 'inc-checkout-crash',
    startedAt: now,
    investigations: [],
    createdAt: now,
  };
  const { investigation } = await a.start({ incident, trigger: 'channel_created' });
  // Replica A has posted the card and the findings that do not read logs; it is stuck on the logs.
  await slack.fake.waitFor(
    (f) => (f.messages(channel)[0]?.replies.filter((r) => /^Scout (metrics|changes)/.test(r.text)).length ?? 0) === 2,
    30_000,
    'two findings',
  );
  const replicaA = replicas[replicas.length - 2]!;
  await replicaA.queue.close(); // A goes away mid-round (its job is failed back to the queue for a retry)
  held.let();
  b.startWorker();
  await slack.fake.waitFor(
    (f) => f.messages(channel)[0]?.replies.some((r) => r.metadata?.event_type === 'incident_scout_hypotheses'),
    60_000,
    'the synthesis',
  );

  const threads = slack.fake.messages(channel);
  expect(threads).toHaveLength(1);
  const scouts = threads[0]!.replies.filter((r) => /^Scout /.test(r.text)).map((r) => r.text.split(':')[0]);
  expect(scouts.sort()).toEqual(['Scout changes', 'Scout logs', 'Scout metrics']);
  expect(threads[0]!.replies.filter((r) => r.metadata?.event_type === 'incident_scout_hypotheses')).toHaveLength(1);
  expect(threads[0]!.replies.some((r) => /The investigation failed/.test(r.text))).toBe(false);
  expect((await b.status(channel))?.id).toBe(investigation.id);
  expect((await b.status(channel))?.state).toBe('synthesized');
});

/** The scenario with log reads held until `let()` (a replica stuck mid-round). */
class HeldLogs implements EvidenceSource {
  readonly name = 'files';
  private release!: () => void;
  private readonly held = new Promise<void>((r) => (this.release = r));
  constructor(private readonly inner: EvidenceSource) {}
  capabilities = () => this.inner.capabilities();
  clock = () => this.inner.clock();
  incident = () => this.inner.incident();
  metrics = (q: Parameters<EvidenceSource['metrics']>[0]) => this.inner.metrics(q);
  changes = (q: Parameters<EvidenceSource['changes']>[0]) => this.inner.changes(q);
  topology = () => this.inner.topology();
  problems = () => this.inner.problems();
  private reads = 0;
  /** The first read dates the onset before the scouts start; the scouts' reads wait for `let()`. */
  async *logs(q: Parameters<EvidenceSource['logs']>[0]): AsyncIterable<LogEvent> {
    if (this.reads++ > 0) await this.held;
    yield* this.inner.logs(q);
  }
  let(): void {
    this.release();
  }
}

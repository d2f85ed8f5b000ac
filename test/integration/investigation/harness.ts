// Wiring for investigation tests: the real service over the MemoryStore, an in-process queue, the real
// Poster on the Slack fake, the example scenario through the files source, optionally the real Anthropic
// SDK pointed at the Anthropic fake.
import Anthropic from '@anthropic-ai/sdk';
import { webApi } from '@slack/bolt';
import { DEFAULT_SCENARIO, loadConfig, type Config } from '../../../src/config';
import type { Incident } from '../../../src/domain/types';
import { openFilesSource } from '../../../src/evidence/sources';
import type { EvidenceSource } from '../../../src/evidence/types';
import type { RunningSlackFake } from '../../../src/demo/slack-fake';
import {
  createInvestigations,
  type InvestigationDeps,
  type InvestigationService,
} from '../../../src/investigation/service';
import type { InvestigationJob } from '../../../src/investigation/types';
import { MemoryQueue } from '../../../src/jobs/memory';
import { silentLogger } from '../../../src/logging';
import { SlackInvestigationNotifier } from '../../../src/slack/investigation-notifier';
import { Poster } from '../../../src/slack/poster';
import { MemoryStore } from '../../../src/store/memory';

export interface Harness {
  svc: InvestigationService;
  store: MemoryStore;
  queue: MemoryQueue<InvestigationJob>;
  config: Readonly<Config>;
  incident: Incident;
  channel: string;
}

export function scenarioConfig(env: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({ EVIDENCE_DIR: DEFAULT_SCENARIO, ...env });
}

/** A real SDK client against the Anthropic fake: one retry, short timeout, so fault tests stay quick. */
export function fakeAnthropic(url: string): Anthropic {
  return new Anthropic({ apiKey: 'sk-ant-test-0000000000000000000000', baseURL: url, maxRetries: 1, timeout: 10_000 });
}

export function makeHarness(
  slack: RunningSlackFake,
  opts: {
    source?: EvidenceSource;
    anthropic?: Anthropic;
    channelName?: string;
    recall?: InvestigationDeps['recall'];
  } = {},
): Harness {
  const config = scenarioConfig();
  const logger = silentLogger();
  const store = new MemoryStore();
  const queue = new MemoryQueue<InvestigationJob>({ name: 'investigations', logger });
  const client = new webApi.WebClient(slack.fake.botToken, {
    slackApiUrl: slack.url,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });
  const poster = new Poster({ client, store, logger });
  const channel = slack.fake.addChannel({
    name: opts.channelName ?? `inc-checkout-${Math.random().toString(36).slice(2, 8)}`,
    botIsMember: true,
  });
  const svc = createInvestigations({
    config,
    store,
    queue,
    logger,
    source: opts.source ?? openFilesSource(config.evidence.dir as string),
    notifier: new SlackInvestigationNotifier(poster),
    cardIntervalMs: 50,
    stopPollMs: 20,
    ...(opts.anthropic ? { anthropic: opts.anthropic } : {}),
    ...(opts.recall ? { recall: opts.recall } : {}),
  });
  svc.startWorker();
  const now = new Date().toISOString();
  const incident: Incident = {
    id: channel,
    channelId: channel,
    channelName: 'inc-checkout-latency',
    startedAt: now,
    investigations: [],
    createdAt: now,
  };
  return { svc, store, queue, config, incident, channel };
}

/** Text of a message's blocks and fallback text, for assertions on what a person reads. */
export function readable(m: { text: string; blocks?: unknown[] | undefined }): string {
  return `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;
}

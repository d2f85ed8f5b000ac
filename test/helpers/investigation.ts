// Wiring for the investigation e2e tests: the whole runtime (buildRuntime: real investigation and
// remediation services, real Poster, real Bolt app over HTTP) against the Slack fake, optionally the
// Anthropic fake through the real SDK (ANTHROPIC_API_KEY + ANTHROPIC_BASE_URL) and real Redis; plus
// readers of what a person sees in an investigation thread.
import { DEFAULT_SCENARIO, loadConfig, type Config } from '../../src/config';
import { startAnthropicFake, type RunningAnthropicFake } from '../support/anthropic-fake';
import {
  SlackEventClient,
  startSlackFake,
  type FakeMessage,
  type FakeThread,
  type RunningSlackFake,
  type SlackFake,
} from '../../src/demo/slack-fake';
import { silentLogger } from '../../src/logging';
import { buildRuntime, type Runtime } from '../../src/main';
import { REDIS_URL, deletePrefix, randomPrefix as fixturePrefix } from '../integration/store/redis-fixture';

export const SIGNING_SECRET = 'investigation-e2e-signing-secret-42';
export const ANTHROPIC_KEY = 'sk-ant-e2e-0000000000000000000000000000';
export const HYPOTHESES_EVENT = 'incident_scout_hypotheses';

export interface InvestigationApp {
  slack: RunningSlackFake;
  anthropic?: RunningAnthropicFake;
  runtime: Runtime;
  config: Readonly<Config>;
  client: SlackEventClient;
  /** Env the config was loaded from (handy for spawning a replica with the same settings). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Extra env for loadConfig (EVIDENCE_DIR defaults to the example scenario). */
  env?: Record<string, string>;
  /** Start the Anthropic fake and point the app at it (the Claude brain). */
  claude?: boolean;
  /** Use real Redis (store + BullMQ) under a random prefix, deleted on close. */
  redis?: boolean;
}

/** A Redis key prefix no one else uses. */
export function randomPrefix(label = 'inve2e'): string {
  return fixturePrefix(label);
}

export { REDIS_URL, deletePrefix };

/** Starts the fakes and the whole app on random loopback ports. */
export async function startInvestigationApp(opts: StartOptions = {}): Promise<InvestigationApp> {
  const slack = await startSlackFake();
  const anthropic = opts.claude ? await startAnthropicFake() : undefined;
  const prefix = opts.redis ? randomPrefix() : undefined;
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: slack.fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    EVIDENCE_DIR: DEFAULT_SCENARIO,
    LOG_LEVEL: 'silent',
    ...(anthropic ? { ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_BASE_URL: anthropic.url } : {}),
    ...(prefix ? { REDIS_URL, REDIS_PREFIX: prefix } : {}),
    ...opts.env,
  };
  const config = loadConfig(env, { requireSlack: true });
  const runtime = buildRuntime(config, {
    logger: silentLogger(),
    host: '127.0.0.1',
    retryConfig: { retries: 3, factor: 1, minTimeout: 10, maxTimeout: 50 },
  });
  const { port } = await runtime.built.start(0);
  const client = new SlackEventClient({
    appUrl: `http://127.0.0.1:${port}/slack/events`,
    signingSecret: SIGNING_SECRET,
    fake: slack.fake,
  });
  return {
    slack,
    runtime,
    config,
    client,
    env,
    ...(anthropic ? { anthropic } : {}),
    async close() {
      await runtime.close();
      await slack.close();
      await anthropic?.close();
      if (prefix) await deletePrefix(prefix);
    },
  };
}

/** Every piece of text a person reads in a message: fallback text and all block texts. */
export function readable(m: { text: string; blocks?: unknown[] | undefined }): string {
  const out: string[] = [m.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  walk(m.blocks ?? []);
  return out.join('\n');
}

/** Top-level messages that are investigation status cards (one per investigation). */
export function investigationThreads(fake: SlackFake, channel: string): FakeThread[] {
  return fake.messages(channel).filter((m) => /^Investigation · round \d+/.test(m.text));
}

/** Replies that are scout findings (one per scout that reported). */
export function findingReplies(thread: FakeThread): FakeMessage[] {
  return thread.replies.filter((r) => /^Scout [a-z]/.test(r.text));
}

/** Replies that carry the hypotheses metadata. */
export function synthesisReplies(thread: FakeThread): FakeMessage[] {
  return thread.replies.filter((r) => r.metadata?.event_type === HYPOTHESES_EVENT);
}

export interface MetaHypothesis {
  rank: number;
  service: string;
  cause: string;
  confidence: number;
  evidence: string[];
}

/** The synthesis metadata payload, shape-checked (a test failing here means the contract changed). */
export function hypothesesOf(m: FakeMessage): { investigation_id: string; hypotheses: MetaHypothesis[] } {
  const p = m.metadata?.event_payload;
  if (!p || typeof p.investigation_id !== 'string' || !Array.isArray(p.hypotheses))
    throw new Error(`no hypotheses metadata on ${m.ts}: ${JSON.stringify(m.metadata)}`);
  return p as { investigation_id: string; hypotheses: MetaHypothesis[] };
}

/** Waits until the `round`-th investigation thread of the channel has its synthesis; returns that thread. */
export function waitForSynthesis(fake: SlackFake, channel: string, round = 1, ms = 45_000): Promise<FakeThread> {
  return fake.waitFor(
    (f) => {
      const t = investigationThreads(f, channel).find((x) => x.text.startsWith(`Investigation · round ${round} `));
      return t && synthesisReplies(t).length > 0 ? t : undefined;
    },
    ms,
    `the synthesis of round ${round} in ${channel}`,
  );
}

/** Evidence ids (`E12`) a message shows. */
export function evidenceIdsIn(m: { text: string; blocks?: unknown[] | undefined }): Set<string> {
  return new Set(readable(m).match(/\bE\d+\b/g) ?? []);
}

/** Ephemeral replies (response_url included) the user got in the channel, newest last. */
export function repliesTo(fake: SlackFake, channel: string, user: string): string[] {
  return fake.ephemerals(channel, user).map((e) => readable(e));
}

/** Polls until `fn` returns a value (not undefined/null/false), or fails after `ms`. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  ms = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

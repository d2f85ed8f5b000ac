// `incident-scout demo`: the real app and the local Slack fake in one process. No Slack workspace,
// no Redis, no API key: it opens #inc-checkout-latency with a signed channel_created, lets the bot
// work until it is quiet, has a bystander and then the incident commander press Approve on the
// proposal, runs /triage help and /triage status as people would, resolves the incident (timeline and
// postmortem draft), then opens a second incident of the same kind, whose synthesis says "Seen before"
// and names the first channel, and prints both channels.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { DEFAULT_SCENARIO, PACKAGE_ROOT, loadConfig } from '../config';
import { ConfigError } from '../domain/errors';
import { approveButton } from './cards';
import { writeDemoOutput } from './output';
import { SlackEventClient, startSlackFake, type SlackFake } from './slack-fake';
import { createLogger, type LogLevel } from '../logging';
import { buildRuntime } from '../main';
import { MemoryStore } from '../store';

export const DEMO_CHANNEL = 'inc-checkout-latency';
/** The second incident of the same kind, opened after the first is resolved. */
export const DEMO_SECOND_CHANNEL = 'inc-checkout-latency-again';
/**
 * What the incident commander types to resolve. It claims no recovery: the recording holds none, so the
 * bot's check after the rollback says "Not recovered", and a summary saying otherwise would contradict it.
 */
export const DEMO_RESOLVE_SUMMARY = 'Rolled back the payments deploy the investigation implicated.';
export const DEMO_USERS = [
  { id: 'U0DEMOLEAD', name: 'dana', realName: 'Dana Lee' },
  { id: 'U0DEMOSRE', name: 'sam', realName: 'Sam Ortiz' },
  { id: 'U0DEMOGUEST', name: 'robin', realName: 'Robin Guest' },
] as const;

/** Short enough to watch, long enough for the recording (15 s resolution) to hold a point after the action. */
const DEMO_VERIFY_AFTER = '20s';

const DEMO_EXEC_PATH = path.join(PACKAGE_ROOT, 'examples', 'demo', 'bin');

export interface DemoOptions {
  /** The process environment: EVIDENCE_DIR, LOG_LEVEL and VERIFY_AFTER are honoured; Slack and Redis settings are not. */
  env?: Record<string, string | undefined>;
  /** How long to wait for the investigation to finish. */
  timeoutMs?: number;
  /** Where to write the transcript and the uploaded files; a new temporary folder when absent. */
  outDir?: string;
  /** Called with the Slack fake before it closes (tests read the uploaded files from it). */
  inspect?: (fake: SlackFake) => void;
}

/** Waits until the fake has seen no API call for `quietMs` (the bot has nothing more to say). */
async function untilQuiet(fake: SlackFake, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    const n = fake.callLog.length + fake.ephemeralLog.length;
    if (n !== seen) {
      seen = n;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs the demo, prints the channel transcript to `out` and saves it with the uploaded files (see ./output); returns the exit code. */
export async function runDemo(
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  opts: DemoOptions = {},
): Promise<number> {
  const env = opts.env ?? {};
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const slack = await startSlackFake();
  const signingSecret = randomBytes(16).toString('hex');
  let config;
  try {
    config = loadConfig(
      {
        SLACK_BOT_TOKEN: slack.fake.botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.url,
        EVIDENCE_DIR: env.EVIDENCE_DIR ?? DEFAULT_SCENARIO,
        LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
        // Links on the scenario's metrics and templates, for a team that loaded it into Prometheus/Loki behind Grafana.
        ...Object.fromEntries(
          ['GRAFANA_URL', 'GRAFANA_PROMETHEUS_UID', 'GRAFANA_LOKI_UID'].flatMap((k) => (env[k] ? [[k, env[k]]] : [])),
        ),
        // The demo's change identity: a stand-in kubectl that prints what it would do (examples/demo).
        SCOUT_EXEC_PATH: DEMO_EXEC_PATH,
        // The check that the rollback worked reads the recording this long after the action (and waits as long).
        VERIFY_AFTER: env.VERIFY_AFTER ?? DEMO_VERIFY_AFTER,
      },
      { requireSlack: true },
    );
  } catch (e) {
    await slack.close();
    if (e instanceof ConfigError) {
      for (const p of e.problems) err.write(`${p}\n`);
      return 2;
    }
    throw e;
  }
  // Logs go to stderr so stdout is only the transcript.
  const logger = createLogger({
    level: config.logLevel as LogLevel,
    destination: { write: (s: string) => void err.write(s) },
  });
  const runtime = buildRuntime(config, {
    logger,
    store: new MemoryStore(),
    host: '127.0.0.1',
    warnPlaceholderApprovers: false,
  });
  try {
    for (const u of DEMO_USERS) slack.fake.addUser(u);
    slack.fake.addUsergroup({ id: 'S0ONCALL', handle: 'oncall', users: ['U0DEMOLEAD', 'U0DEMOSRE'] });
    const { port } = await runtime.built.start(0);
    const client = new SlackEventClient({
      appUrl: `http://127.0.0.1:${port}/slack/events`,
      signingSecret,
      fake: slack.fake,
    });

    const { channelId } = await client.openIncidentChannel(DEMO_CHANNEL, 'U0DEMOLEAD');
    // The kickoff, then the investigation's status card: only then is its job queued, so drain waits for it
    // (waiting for the kickoff alone raced the job's start on a busy machine).
    await slack.fake.waitFor(
      (f) => f.messages(channelId).length > 1,
      timeoutMs,
      'the kickoff and the investigation status card',
    );
    await runtime.queue.drain(timeoutMs);
    await untilQuiet(slack.fake, 500, timeoutMs);

    // The approval card: a bystander's click is refused, the incident commander's runs the action.
    const card = approveButton(slack.fake, channelId);
    if (card) {
      const click = (user: string) =>
        client.sendBlockAction({
          user,
          channel: channelId,
          message_ts: card.ts,
          ...(card.threadTs ? { thread_ts: card.threadTs } : {}),
          action_id: 'approve_proposal',
          block_id: card.blockId,
          value: card.value,
        });
      await click('U0DEMOGUEST');
      await slack.fake.waitFor(
        (f) => f.ephemerals(channelId, 'U0DEMOGUEST').length > 0,
        10_000,
        'the refusal for a non-approver',
      );
      await click('U0DEMOLEAD');
      await untilQuiet(slack.fake, 500, timeoutMs);
      // The check that the fix worked is a delayed job: wait for it and its reply.
      await runtime.verifyQueue.drain(timeoutMs);
      await untilQuiet(slack.fake, 300, timeoutMs);
    }

    await client.sendCommand({ text: 'help', user_id: 'U0DEMOSRE', channel_id: channelId });
    await client.sendCommand({ text: 'status', user_id: 'U0DEMOLEAD', channel_id: channelId });
    await slack.fake.waitFor(
      (f) => f.ephemerals(channelId).length >= 2,
      10_000,
      'the replies to /triage help and /triage status',
    );
    await untilQuiet(slack.fake, 300, timeoutMs);

    // The rollback worked: the incident commander ends the incident. The bot posts the timeline and uploads
    // the postmortem draft into the investigation's thread, and remembers the incident.
    await client.sendCommand({ text: `resolve ${DEMO_RESOLVE_SUMMARY}`, user_id: 'U0DEMOLEAD', channel_id: channelId });
    await slack.fake.waitFor(
      (f) => f.files().some((x) => x.channel === channelId && x.completed && x.filename.startsWith('postmortem-')),
      timeoutMs,
      'the postmortem draft',
    );
    await untilQuiet(slack.fake, 300, timeoutMs);

    // The same kind of incident again: its synthesis says "Seen before" and names the first channel.
    const second = await client.openIncidentChannel(DEMO_SECOND_CHANNEL, 'U0DEMOSRE');
    await slack.fake.waitFor(
      (f) => f.messages(second.channelId).length > 1,
      timeoutMs,
      'the second kickoff and status card',
    );
    await runtime.queue.drain(timeoutMs);
    await untilQuiet(slack.fake, 500, timeoutMs);

    opts.inspect?.(slack.fake);
    await writeDemoOutput(out, slack.fake, [channelId, second.channelId], opts.outDir);
    return 0;
  } finally {
    await runtime.close();
    await slack.close();
  }
}

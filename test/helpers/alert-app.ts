// The real app with its alert receivers, wired as main.ts wires them, against the Slack fake, with the
// recording investigation service (so a test can see the onset and focus an alert started a round with).
import { createAlertRoutes } from '../../src/alerts';
import { buildApp, createSlackClient, type BuiltApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { systemClock } from '../../src/domain/time';
import { startSlackFake, type RunningSlackFake } from '../../src/demo/slack-fake';
import { silentLogger } from '../../src/logging';
import { slackAlertChannels } from '../../src/slack/alert-channels';
import { Poster } from '../../src/slack/poster';
import { MemoryStore } from '../../src/store/memory';
import { RecordingInvestigations, RecordingRemediation, SIGNING_SECRET } from './app';

export const ALERT_TOKEN = 'alert-webhook-token-0123456789abcdef';
export const PD_SECRET = 'pagerduty-webhook-secret-0123456789';

export interface AlertApp {
  slack: RunningSlackFake;
  built: BuiltApp;
  store: MemoryStore;
  investigations: RecordingInvestigations;
  origin: string;
  close(): Promise<void>;
}

/** Starts the Slack fake and the app with both alert receivers on random loopback ports. */
export async function startAlertApp(env: Record<string, string> = {}): Promise<AlertApp> {
  const slack = await startSlackFake();
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: slack.fake.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      ALERT_WEBHOOK_TOKEN: ALERT_TOKEN,
      PAGERDUTY_WEBHOOK_SECRET: PD_SECRET,
      ...env,
    },
    { requireSlack: true },
  );
  const logger = silentLogger();
  const store = new MemoryStore();
  const retryConfig = { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 50 };
  const client = createSlackClient(config, logger, { retryConfig });
  const poster = new Poster({ client, store, logger });
  const investigations = new RecordingInvestigations();
  const late: { incidents?: BuiltApp['incidents']; resolutions?: BuiltApp['resolutions'] } = {};
  const routes = createAlertRoutes({
    config,
    store,
    investigations,
    logger,
    clock: systemClock,
    channels: slackAlertChannels({ client, poster, logger }),
    incidents: () => late.incidents as BuiltApp['incidents'],
    resolutions: () => late.resolutions as BuiltApp['resolutions'],
  });
  const built = buildApp(config, {
    logger,
    store,
    investigations,
    remediation: new RecordingRemediation(),
    poster,
    routes,
    retryConfig,
    receiver: { host: '127.0.0.1' },
  });
  late.incidents = built.incidents;
  late.resolutions = built.resolutions;
  const { port } = await built.start(0);
  return {
    slack,
    built,
    store,
    investigations,
    origin: `http://127.0.0.1:${port}`,
    async close() {
      await built.stop();
      await slack.close();
      await store.close();
    },
  };
}

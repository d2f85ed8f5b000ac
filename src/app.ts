// Composition root of the Slack side: config + adapters + services -> a Bolt app with its receiver,
// poster, metrics and health routes. main.ts and the demo build the services and call buildApp.
import { App, HTTPReceiver, SocketModeReceiver, webApi, type CustomRoute, type Receiver } from '@slack/bolt';
import type { RetryOptions, WebClient, WebClientOptions } from '@slack/web-api';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Config } from './config';
import { ConfigError } from './domain/errors';
import { systemClock, type Clock } from './domain/time';
import { IncidentMemory } from './incidents/memory';
import { ResolveService } from './incidents/resolve';
import { IncidentService } from './incidents/service';
import type { Investigations } from './investigation/port';
import type { Logger } from './logging';
import { AppMetrics } from './metrics';
import { createFetch, readingWhole } from './net/fetch';
import type { Remediation } from './remediation/port';
import { boltLogger } from './slack/bolt-logger';
import { createIncidentAnnouncer } from './slack/incident-announcer';
import { createIncidentRecorder } from './slack/incident-recorder';
import {
  guardUnreadableBodies,
  installErrorHandler,
  malformedEnvelopeHandler,
  malformedRequestHandler,
} from './slack/errors';
import { rejectFutureTimestamps } from './slack/receiver-guards';
import { Poster, SLACK_RETRY_CONFIG } from './slack/poster';
import { registerListeners } from './slack/register';
import { operationalRoutes } from './slack/routes';
import { WorkQueue } from './slack/work-queue';
import type { Store } from './store/port';

export interface AppDeps {
  logger: Logger;
  store: Store;
  investigations: Investigations;
  remediation: Remediation;
  clock?: Clock;
  /** Shared with services that count things (investigations, proposals); created when omitted. */
  metrics?: AppMetrics;
  /** Where the HTTP receiver listens; tests and the demo pass 127.0.0.1. */
  receiver?: { host?: string };
  /** WebClient retry policy; tests shorten it. */
  retryConfig?: RetryOptions;
  /** Evidence source names for the kickoff message. */
  sources?: string[];
  /** A Poster built before the app (services that post need it first); built from the app's client when omitted. */
  poster?: Poster;
  /** Outbound fetch (Web API calls, respond()); built from the config's proxy settings when omitted. */
  fetch?: typeof fetch;
  /** How long an event's work is retried while the store is unreachable (default 5 minutes). */
  storeRetryForMs?: number;
  /** More HTTP routes served beside /slack/events (the alert webhooks). */
  routes?: CustomRoute[];
  /** The memory of past incidents, shared with the investigations; built from the config when omitted. */
  memory?: IncidentMemory;
}

export interface BuiltApp {
  app: App;
  poster: Poster;
  /** The work after the acks; `idle()` resolves when it is done. */
  work: WorkQueue;
  incidents: IncidentService;
  /** Ends incidents (`/triage resolve`, a resolved alert). */
  resolutions: ResolveService;
  metrics: AppMetrics;
  /** Verifies the token (auth.test) and starts receiving; resolves with the HTTP port. */
  start(port?: number): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/** WebClient options: our API URL (the fake in tests), Retry-After honoured, bounded retries, the proxy-aware fetch. */
export function slackClientOptions(
  config: Readonly<Config>,
  fetchFn: typeof fetch,
  retryConfig?: RetryOptions,
): WebClientOptions {
  return {
    slackApiUrl: config.slack.apiUrl,
    rejectRateLimitedCalls: false,
    retryConfig: retryConfig ?? SLACK_RETRY_CONFIG,
    fetch: fetchFn,
  };
}

/** A WebClient for the Poster, configured like the app's own client. */
export function createSlackClient(
  config: Readonly<Config>,
  logger: Logger,
  opts: { retryConfig?: RetryOptions; fetch?: typeof fetch } = {},
): WebClient {
  const options = slackClientOptions(config, readingWhole(opts.fetch ?? createFetch(config.proxy)), opts.retryConfig);
  return new webApi.WebClient(config.slack.botToken, { ...options, logger: boltLogger(logger) });
}

/** Where Slack sends events, commands and clicks in HTTP mode (the manifest's request URLs). */
const EVENTS_ENDPOINTS = ['/slack/events'] as const;

/** Builds the Bolt app (HTTP receiver, or Socket Mode when SLACK_APP_TOKEN is set) and its listeners. */
export function buildApp(config: Readonly<Config>, deps: AppDeps): BuiltApp {
  const { slack } = config;
  if (!slack.botToken) throw new ConfigError(['env SLACK_BOT_TOKEN: required to run the Slack app']);
  if (!slack.appToken && !slack.signingSecret) {
    throw new ConfigError(['env SLACK_SIGNING_SECRET: required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)']);
  }
  const logger = deps.logger.child({ component: 'slack' });
  const clock = deps.clock ?? systemClock;
  const metrics = deps.metrics ?? new AppMetrics();
  const routes = [
    ...operationalRoutes({ store: deps.store, metrics, logger, startedAt: clock.now().getTime() }),
    ...(deps.routes ?? []),
  ];
  const bolt = boltLogger(logger);
  const fetchFn = readingWhole(deps.fetch ?? createFetch(config.proxy));
  const work = new WorkQueue({
    onError: (err, label) => logger.error({ err, kind: label }, 'the work after an ack failed'),
    storeRetryForMs: deps.storeRetryForMs ?? 5 * 60_000,
  });
  let receiver: Receiver;
  if (slack.appToken) {
    // Socket Mode: Slack pushes over a WebSocket; only /healthz and /metrics need an HTTP port (PORT).
    receiver = new SocketModeReceiver({
      appToken: slack.appToken,
      logger: bolt,
      customRoutes: routes,
      // clientOptions reach the Socket Mode client's own Web API client: apps.connections.open goes to
      // SLACK_API_URL (GovSlack, a proxy, the local fake) like every other call.
      installerOptions: { port: slack.port, clientOptions: { slackApiUrl: slack.apiUrl, fetch: fetchFn } },
      // A payload Bolt cannot route is acked, so Slack does not redeliver it (HTTP answers it 400).
      processEventErrorHandler: malformedEnvelopeHandler(logger),
    });
  } else {
    const http = new HTTPReceiver({
      signingSecret: slack.signingSecret as string,
      endpoints: [...EVENTS_ENDPOINTS],
      customRoutes: routes,
      processBeforeResponse: false,
      logger: bolt,
      // A payload Bolt cannot route (actions not an array, no user) gets a 400, not a 500.
      processEventErrorHandler: malformedRequestHandler(logger),
    });
    // A body Bolt would choke on (payload=null, not JSON) is answered before it reaches Bolt.
    guardUnreadableBodies(http, logger, EVENTS_ENDPOINTS);
    // Bolt refuses requests signed too long ago; one dated in the future is refused here (outermost).
    rejectFutureTimestamps(http, logger, EVENTS_ENDPOINTS);
    receiver = http;
  }

  const app = new App({
    token: slack.botToken,
    receiver,
    logger: bolt,
    deferInitialization: true,
    // Bolt's conversation store (context.conversation) is unused here; off, no per-channel entries are held in memory.
    convoStore: false,
    clientOptions: slackClientOptions(config, fetchFn, deps.retryConfig),
  });
  installErrorHandler(app, logger);

  const poster = deps.poster ?? new Poster({ client: app.client, store: deps.store, logger, metrics, clock });
  const incidents = new IncidentService({
    store: deps.store,
    announcer: createIncidentAnnouncer(poster),
    investigations: deps.investigations,
    logger,
    clock,
    config: {
      incidentChannelPattern: config.incidentChannelPattern,
      scouts: config.scouts,
      investigation: config.investigation,
    },
    ...(deps.sources ? { sources: deps.sources } : {}),
  });
  const resolutions = new ResolveService({
    store: deps.store,
    recorder: createIncidentRecorder(poster),
    logger,
    clock,
    memory: deps.memory ?? new IncidentMemory(deps.store, config.memory, clock),
  });
  registerListeners(app, {
    incidents,
    resolutions,
    investigations: deps.investigations,
    remediation: deps.remediation,
    poster,
    logger,
    clock,
    store: deps.store,
    metrics,
    pattern: config.incidentChannelPattern,
    queue: work,
    ...(deps.sources ? { sources: deps.sources } : {}),
  });

  let started = false;
  return {
    app,
    poster,
    incidents,
    resolutions,
    metrics,
    work,
    async start(port = slack.port) {
      await app.init();
      if (slack.appToken) {
        await app.start();
        started = true;
        logger.info({ mode: 'socket', healthPort: slack.port }, 'Incident Scout connected over Socket Mode');
        return { port: slack.port };
      }
      const server = (await app.start({ port, host: deps.receiver?.host ?? '0.0.0.0' })) as Server;
      started = true;
      const actual = (server.address() as AddressInfo).port;
      logger.info({ mode: 'http', port: actual }, 'Incident Scout listening for Slack at /slack/events');
      return { port: actual };
    },
    async stop() {
      if (!started) return;
      started = false;
      await app.stop();
      work.close();
    },
  };
}

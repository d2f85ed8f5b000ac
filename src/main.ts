// Composition of the whole process: config -> logger, store, queue, evidence source, Slack client ->
// investigation and remediation services -> Bolt app. `serve` runs it until SIGTERM/SIGINT; the demo
// builds the same runtime against the local Slack fake.
import Anthropic from '@anthropic-ai/sdk';
import type { RetryOptions } from '@slack/web-api';
import { randomBytes } from 'node:crypto';
import { createAlertRoutes } from './alerts';
import { buildApp, createSlackClient, type BuiltApp } from './app';
import type { Config } from './config';
import { ConfigError } from './domain/errors';
import { redactDeep } from './domain/redact';
import { systemClock, type Clock } from './domain/time';
import { createSource, linkSettings } from './evidence/sources';
import type { EvidenceSource } from './evidence/types';
import { IncidentMemory } from './incidents/memory';
import { createInvestigations, type InvestigationService } from './investigation/service';
import type { InvestigationJob } from './investigation/types';
import { createQueue, type JobQueue } from './jobs';
import { createLogger, type Logger } from './logging';
import { createFetch } from './net/fetch';
import { createExecutor } from './remediation/executors';
import { approvalsKey } from './remediation/proposals';
import { createRemediation, type RemediationService } from './remediation/service';
import { ThreadCharts } from './slack/charts/thread-charts';
import { SlackInvestigationNotifier } from './slack/investigation-notifier';
import { EvidenceLabels } from './slack/evidence-labels';
import { createVerificationNotifier } from './slack/verification-notifier';
import { createVerifier, type VerifyJob } from './verification/service';
import { AppMetrics } from './metrics';
import { slackAlertChannels } from './slack/alert-channels';
import { Poster } from './slack/poster';
import { createProposalNotifier } from './slack/proposal-notifier';
import { createStore, type Store } from './store';
import { describeTarget, isRedisCluster, writeFencing } from './store/connection';

export interface RuntimeOptions {
  logger: Logger;
  /** In-process store for the demo and tests; else Redis when REDIS_URL is set, in-process otherwise. */
  store?: Store;
  clock?: Clock;
  /** Interface the HTTP receiver binds; 0.0.0.0 unless given. */
  host?: string;
  retryConfig?: RetryOptions;
  /** Overrides EVIDENCE_DIR (the demo's scenario). */
  evidenceDir?: string;
  fetch?: typeof fetch;
  /** A ready Anthropic client (tests point it at the fake); else built from ANTHROPIC_API_KEY. */
  anthropic?: Anthropic;
  defaultMetrics?: boolean;
  /**
   * Whether proposal cards warn when the catalog names the demo's placeholder approvers (default true).
   * The demo turns it off: its workspace is the one where those ids are real people.
   */
  warnPlaceholderApprovers?: boolean;
}

export interface Runtime {
  built: BuiltApp;
  store: Store;
  /** The configured evidence source (a composite when several backends are configured). */
  source: EvidenceSource;
  queue: JobQueue<InvestigationJob>;
  /** Delayed checks that an approved action worked (src/verification). */
  verifyQueue: JobQueue<VerifyJob>;
  investigations: InvestigationService;
  remediation: RemediationService;
  close(): Promise<void>;
}

/**
 * The model's fetch with every string of a JSON request body redacted: the last door before the model,
 * for evidence that reached a prompt without passing the tool gate (change summaries in the lead's
 * ranking, a quoted line). Evidence ids and tool names never match a secret rule.
 */
export function redactingFetch(inner: typeof fetch): typeof fetch {
  return (input, init) => {
    if (init && typeof init.body === 'string') {
      try {
        return inner(input, { ...init, body: JSON.stringify(redactDeep(JSON.parse(init.body) as unknown)) });
      } catch {
        // Not JSON: send as it is.
      }
    }
    return inner(input, init);
  };
}

/** How often proposals are swept: pending ones expire, and those a stopped process left unfinished are settled. */
const PROPOSAL_SWEEP_MS = 60_000;

/** Builds every service and the Slack app for one process; nothing listens until `built.start()`. */
export function buildRuntime(config: Readonly<Config>, opts: RuntimeOptions): Runtime {
  const { logger } = opts;
  const clock = opts.clock ?? systemClock;
  const fetchFn = opts.fetch ?? createFetch(config.proxy);
  const evidence = opts.evidenceDir ? { ...config.evidence, dir: opts.evidenceDir } : config.evidence;
  const { source, descriptions: sources } = createSource(
    { ...config, evidence },
    { fetch: fetchFn, links: linkSettings(evidence) },
  );

  const store = opts.store ?? createStore({ redisUrl: config.redis.target, prefix: config.redis.prefix, logger });
  const metrics = new AppMetrics({ defaultMetrics: opts.defaultMetrics ?? false });
  const slackClient = createSlackClient(config, logger, {
    ...(opts.retryConfig ? { retryConfig: opts.retryConfig } : {}),
    fetch: fetchFn,
  });
  const poster = new Poster({ client: slackClient, store, logger, metrics, clock });
  const queue = createQueue<InvestigationJob>({
    name: 'investigations',
    redisUrl: config.redis.target,
    prefix: config.redis.prefix,
    logger,
    lockDurationMs: config.jobs.lockMs,
  });

  // Approvals are sealed with a key from the signing secret, which every replica shares; the demo has none
  // and one process, so a key of its own is enough there.
  const approvalsSecret = config.slack.signingSecret ?? config.slack.botToken ?? randomBytes(32).toString('hex');
  const labels = new EvidenceLabels(store);
  // Did the fix work: a delayed job per succeeded action, on its own queue so it never waits behind investigations.
  const verifyQueue = createQueue<VerifyJob>({
    name: 'verifications',
    redisUrl: config.redis.target,
    prefix: config.redis.prefix,
    logger,
    lockDurationMs: config.jobs.lockMs,
  });
  // Charts of the series behind findings, the synthesis and the check after a fix.
  const charts = new ThreadCharts({ poster, logger });
  const verifier = createVerifier({
    store,
    source,
    queue: verifyQueue,
    sourceUntil: (to) =>
      createSource({ ...config, evidence }, { fetch: fetchFn, links: linkSettings(evidence), recordingClock: to })
        .source,
    notifier: createVerificationNotifier(poster, (ctx, check, where) => charts.verification(ctx, check, where)),
    logger,
    clock,
    afterMs: config.verification.afterMs,
  });
  const remediation = createRemediation({
    config,
    store,
    logger,
    clock,
    notifier: createProposalNotifier(
      poster,
      opts.warnPlaceholderApprovers === false ? [] : config.placeholderApprovers,
      labels,
    ),
    directory: poster,
    approvalsKey: approvalsKey(approvalsSecret),
    executor: createExecutor({ env: config.executor.env, workdir: config.executor.workdir }),
    onSucceeded: (p) => verifier.schedule(p),
  });
  const anthropic =
    opts.anthropic ??
    (config.anthropic.apiKey
      ? new Anthropic({
          apiKey: config.anthropic.apiKey,
          maxRetries: config.anthropic.maxRetries,
          timeout: config.anthropic.timeoutMs,
          fetch: redactingFetch(fetchFn),
          ...(config.anthropic.baseUrl ? { baseURL: config.anthropic.baseUrl } : {}),
        })
      : undefined);
  const memory = new IncidentMemory(store, config.memory, clock);
  const investigations = createInvestigations({
    config,
    store,
    queue,
    source,
    logger,
    clock,
    metrics,
    recall: (fingerprint, incidentId) => memory.recall(fingerprint, incidentId),
    notifier: new SlackInvestigationNotifier(poster, clock, charts, labels),
    ...(anthropic ? { anthropic } : {}),
    onSynthesis: async (inv, synthesis, report) => {
      await remediation.proposeFromSynthesis(inv, synthesis, report);
    },
  });
  // The alert routes go to the app; the incident service they use comes out of it (set before start).
  const late: { incidents?: BuiltApp['incidents']; resolutions?: BuiltApp['resolutions'] } = {};
  const routes = createAlertRoutes({
    config,
    store,
    investigations,
    logger,
    clock,
    channels: slackAlertChannels({ client: slackClient, poster, logger }),
    incidents: () => {
      if (!late.incidents) throw new Error('alert received before the app was built');
      return late.incidents;
    },
    resolutions: () => {
      if (!late.resolutions) throw new Error('alert received before the app was built');
      return late.resolutions;
    },
  });
  const built = buildApp(config, {
    logger,
    store,
    investigations,
    remediation,
    clock,
    metrics,
    poster,
    sources,
    routes,
    memory,
    fetch: fetchFn,
    ...(opts.host ? { receiver: { host: opts.host } } : {}),
    ...(opts.retryConfig ? { retryConfig: opts.retryConfig } : {}),
  });
  late.incidents = built.incidents;
  late.resolutions = built.resolutions;
  investigations.startWorker();
  verifier.startWorker();
  const sweep = setInterval(() => {
    remediation.sweep().catch((err: unknown) => logger.warn({ err }, 'proposal sweep failed'));
  }, PROPOSAL_SWEEP_MS);
  sweep.unref();

  return {
    built,
    store,
    source,
    queue,
    verifyQueue,
    investigations,
    remediation,
    async close() {
      clearInterval(sweep);
      await built.stop();
      await queue.close();
      await verifyQueue.close();
      await store.close();
    },
  };
}

/**
 * Redis Cluster is refused: the store's atomic steps (Lua, MULTI/WATCH) span keys of one incident and
 * of the proposal index, which Cluster would put in different slots. Use one primary with replicas
 * behind Sentinel (REDIS_SENTINELS) for high availability.
 */
async function refuseRedisCluster(config: Readonly<Config>): Promise<void> {
  if (!config.redis.target) return;
  if ((await isRedisCluster(config.redis.target)) === true) {
    const name = config.redis.url ? 'REDIS_URL' : 'REDIS_SENTINELS';
    throw new ConfigError([
      `env ${name}: ${describeTarget(config.redis.target)} is a Redis Cluster, which Incident Scout does not support; expected a single primary (with replicas behind Sentinel: REDIS_SENTINELS and REDIS_SENTINEL_NAME)`,
    ]);
  }
}

/** Through Sentinel, a primary without `min-replicas-to-write` can lose acknowledged writes in a failover: say so at start. */
async function warnWithoutWriteFencing(config: Readonly<Config>, logger: Logger): Promise<void> {
  const target = config.redis.target;
  if (!target || typeof target === 'string') return;
  if ((await writeFencing(target)) === 0) {
    logger.warn(
      { redis: describeTarget(target) },
      'the Redis primary has min-replicas-to-write 0: in a failover it can acknowledge writes it then discards (a queued investigation, an action result); set min-replicas-to-write 1 on the primary and replicas',
    );
  }
}

/** `incident-scout serve`: runs until SIGTERM/SIGINT, then drains and exits 0. */
export async function serve(config: Readonly<Config>): Promise<number> {
  const logger = createLogger({ level: config.logLevel });
  // A promise nobody awaited (a bug) must not take the bot down on the worst day: Node 20 would exit,
  // dropping every in-flight ack and job. Log it loudly, with the error, and keep serving.
  process.on('unhandledRejection', (reason: unknown) => {
    logger.error({ err: reason }, 'unhandled promise rejection (a bug); the process keeps serving');
  });
  await refuseRedisCluster(config);
  await warnWithoutWriteFencing(config, logger);
  if (config.placeholderApprovers.length > 0) {
    logger.warn(
      { approvers: config.placeholderApprovers, catalog: config.files.actions },
      `the action catalog names the demo's placeholder approvers (${config.placeholderApprovers.join(', ')}): nobody can approve a proposal until ${config.files.actions} names your team's Slack user or usergroup ids`,
    );
  }
  const runtime = buildRuntime(config, { logger, defaultMetrics: true });
  let port: number;
  try {
    ({ port } = await runtime.built.start(config.slack.port));
  } catch (err) {
    // Nothing serves: release Redis connections and the worker so the process can exit with the error.
    await runtime.close().catch(() => undefined);
    throw err;
  }
  logger.info(
    { port, store: runtime.store.kind, queue: runtime.queue.kind, scouts: config.scouts.map((s) => s.name) },
    'serving',
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      runtime.close().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../domain/errors';
import { parseDuration } from '../domain/time';
import { formatIssues, parseYamlWith } from './format';
import { parseScouts, type ScoutManifest } from './scouts';
import { parseActions, placeholderApprovers, type ActionSpec } from './actions';
import { SCENARIO_EXPECTED, scenarioProblem } from './scenario';
import { evidenceFileSchema, evidenceProblems, evidenceSettings, SOURCE_ENV, type EvidenceSettings } from './sources';

export type { ScoutManifest, ScoutBudget } from './scouts';
export type { ActionSpec, ActionParamSpec, ActionRun } from './actions';
export { DEMO_APPROVER_IDS } from './actions';
export type { BasicAuth, EvidenceSettings } from './sources';

/** Where the project's own files live (manifests/, examples/): the nearest folder above this module with a
 * package.json, so it holds whether run from src/, dist/ or dist-tools/src/. */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

function findPackageRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  return path.resolve(from, '..', '..');
}
export const DEFAULT_SCENARIO = path.join(PACKAGE_ROOT, 'examples', 'scenarios', 'checkout-latency');

export interface Config {
  slack: {
    botToken?: string;
    signingSecret?: string;
    appToken?: string; // Socket Mode when set
    apiUrl: string;
    port: number;
  };
  /**
   * `target` is what the store and queue connect to: REDIS_URL, or the Sentinel set of REDIS_SENTINELS
   * and REDIS_SENTINEL_NAME; unset means in-process state.
   */
  redis: { url?: string; sentinel?: SentinelSettings; target?: string | SentinelSettings; prefix: string };
  anthropic: {
    apiKey?: string;
    baseUrl?: string;
    leadModel: string;
    scoutModel: string;
    maxRetries: number;
    timeoutMs: number;
  };
  incidentChannelPattern: RegExp;
  evidence: EvidenceSettings;
  investigation: { maxSeconds: number; baselineMinutes: number; concurrency: number };
  /** Memory of past incidents: how long a resolved incident is remembered, and how many at most. */
  memory: { retentionDays: number; maxIncidents: number };
  /** Job queue tuning: how long a worker's job lock lives without renewal (a dead worker's job is retried after it). */
  jobs: { lockMs: number };
  /** VERIFY_AFTER: how long after a succeeded action its signals are read again; null = off. */
  verification: { afterMs: number | null };
  /** The change identity: what executors run with. Nothing else of the bot's environment reaches them. */
  executor: { env: Record<string, string>; workdir?: string };
  /** Alert webhooks (src/alerts): each receiver is served only when its secret is set. */
  alerts: {
    webhookToken?: string;
    pagerdutySecret?: string;
    channelTemplate: string;
    invite: string[];
    privateChannels: boolean;
  };
  /** Kubernetes source: on when namespaces are given; KUBECONFIG, else the in-cluster service account. */
  kubernetes?: {
    namespaces: string[];
    kubeconfig?: string;
    context?: string;
    serviceLabel: string;
    inCluster?: { host: string; port: string };
  };
  /** GitHub source: deployments and merged pull requests of the repos mapped to services. */
  github?: { token?: string; apiUrl: string; repos: Record<string, string> };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Outbound HTTP proxy (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, or their lowercase forms) for Slack, Anthropic, Prometheus, Loki. */
  proxy: { http?: string; https?: string; noProxy?: string };
  scouts: ScoutManifest[];
  actions: ActionSpec[];
  /**
   * The demo's placeholder approver ids (U0DEMOLEAD, S0ONCALL) the catalog still names; non-empty means
   * nobody real can approve. `serve` warns at start; the proposal card may say so.
   */
  placeholderApprovers: string[];
  files: { config?: string; scouts: string; actions: string };
}

/** Redis through Sentinel (the same shape as the store's SentinelTarget). */
export interface SentinelSettings {
  sentinels: Array<{ host: string; port: number }>;
  name: string;
  sentinelPassword?: string;
  password?: string;
}

export interface ConfigOptions {
  /** `serve` needs Slack credentials; `demo` and offline commands do not. */
  requireSlack?: boolean;
  /** `serve` needs an evidence source (EVIDENCE_DIR, PROMETHEUS_URL or LOKI_URL); the demo brings its own. */
  requireEvidence?: boolean;
  cwd?: string;
  readFile?: (file: string) => string | null;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const intIn = (min: number, max: number) =>
  z.coerce
    .number({ message: `expected an integer ${min}-${max}` })
    .int(`expected an integer ${min}-${max}`)
    .min(min, `expected an integer ${min}-${max}`)
    .max(max, `expected an integer ${min}-${max}`);

const regex = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'expected a valid regular expression');

const httpUrl = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' });
const redisUrl = z.url({ protocol: /^rediss?$/, message: 'expected a redis:// or rediss:// URL' });
const nonEmpty = z.string().min(1, 'expected a non-empty value');

const envSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'expected a bot token starting with xoxb-')
    .optional(),
  SLACK_SIGNING_SECRET: nonEmpty.optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'expected an app-level token starting with xapp-')
    .optional(),
  SLACK_API_URL: httpUrl.optional(),
  PORT: intIn(1, 65535).optional(),
  REDIS_URL: redisUrl.optional(),
  REDIS_SENTINELS: z
    .string()
    .regex(
      /^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/,
      'expected a comma-separated list of host:port (sentinel1:26379,sentinel2:26379)',
    )
    .optional(),
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected the master name the sentinels monitor (letters, digits, . _ -)')
    .optional(),
  REDIS_SENTINEL_PASSWORD: nonEmpty.optional(),
  REDIS_PASSWORD: nonEmpty.optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,40}$/, 'expected 1-40 letters, digits, :, _ or -')
    .optional(),
  ANTHROPIC_API_KEY: nonEmpty.optional(),
  ANTHROPIC_BASE_URL: httpUrl.optional(),
  ANTHROPIC_LEAD_MODEL: nonEmpty.optional(),
  ANTHROPIC_SCOUT_MODEL: nonEmpty.optional(),
  ANTHROPIC_TIMEOUT_MS: intIn(100, 600_000).optional(),
  ANTHROPIC_MAX_RETRIES: intIn(0, 10).optional(),
  INCIDENT_CHANNEL_PATTERN: regex.optional(),
  ...SOURCE_ENV,
  INVESTIGATION_MAX_SECONDS: intIn(10, 3600).optional(),
  INVESTIGATION_CONCURRENCY: intIn(1, 64).optional(),
  JOBS_LOCK_MS: intIn(1000, 600_000).optional(),
  MEMORY_RETENTION_DAYS: intIn(1, 3650).optional(),
  MEMORY_MAX_INCIDENTS: intIn(1, 10_000).optional(),
  VERIFY_AFTER: z
    .string()
    .refine(
      (v) => v === 'off' || ((parseDuration(v) ?? -1) >= 1_000 && (parseDuration(v) ?? 0) <= 86_400_000),
      'expected a duration from 1s to 24h (30s, 5m, 1h) or off',
    )
    .optional(),
  TRIAGE_CONFIG: nonEmpty.optional(),
  HTTP_PROXY: nonEmpty.optional(),
  http_proxy: nonEmpty.optional(),
  HTTPS_PROXY: nonEmpty.optional(),
  https_proxy: nonEmpty.optional(),
  NO_PROXY: nonEmpty.optional(),
  no_proxy: nonEmpty.optional(),
  ALERT_WEBHOOK_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  PAGERDUTY_WEBHOOK_SECRET: nonEmpty.optional(),
  ALERT_CHANNEL_TEMPLATE: z
    .string()
    .regex(/^[A-Za-z0-9_{}-]{1,80}$/, 'expected letters, digits, -, _ and {placeholders}')
    .optional(),
  ALERT_INVITE: z
    .string()
    .regex(
      /^\s*[USW][A-Z0-9]+(\s*,\s*[USW][A-Z0-9]+)*\s*$/,
      'expected comma-separated Slack user (U…, W…) or usergroup (S…) ids',
    )
    .optional(),
  ALERT_CHANNEL_PRIVATE: z.enum(['true', 'false'], { message: 'expected true or false' }).optional(),
  KUBERNETES_NAMESPACES: z
    .string()
    .regex(/^\s*(\*|[a-z0-9-]+(\s*,\s*[a-z0-9-]+)*)\s*$/, 'expected * or comma-separated namespace names')
    .optional(),
  KUBECONFIG: nonEmpty.optional(),
  KUBERNETES_SERVICE_HOST: nonEmpty.optional(),
  KUBERNETES_SERVICE_PORT: intIn(1, 65535).optional(),
  GITHUB_TOKEN: nonEmpty.optional(),
  GITHUB_API_URL: httpUrl.optional(),
  LOG_LEVEL: z.enum(LEVELS, { message: `expected one of ${LEVELS.join(', ')}` }).optional(),
});

/** incident-scout.yaml: non-secret settings. Environment variables win over it. */
const fileSchema = z
  .object({
    incident_channel_pattern: regex.optional(),
    slack: z
      .object({ api_url: httpUrl.optional(), port: intIn(1, 65535).optional() })
      .strict()
      .optional(),
    redis: z
      .object({
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9:_-]{1,40}$/)
          .optional(),
      })
      .strict()
      .optional(),
    models: z.object({ lead: nonEmpty.optional(), scout: nonEmpty.optional() }).strict().optional(),
    evidence: evidenceFileSchema.optional(),
    investigation: z
      .object({
        max_seconds: intIn(10, 3600).optional(),
        baseline_minutes: intIn(5, 24 * 60).optional(),
        concurrency: intIn(1, 64).optional(),
      })
      .strict()
      .optional(),
    manifests: z.object({ scouts: nonEmpty.optional(), actions: nonEmpty.optional() }).strict().optional(),
    executor: z
      .object({
        env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an env var name'), z.string()).optional(),
        workdir: nonEmpty.optional(),
      })
      .strict()
      .optional(),
    log_level: z.enum(LEVELS).optional(),
    alerts: z
      .object({
        channel_template: z
          .string()
          .regex(/^[A-Za-z0-9_{}-]{1,80}$/)
          .optional(),
        invite: z.array(z.string().regex(/^[USW][A-Z0-9]+$/)).optional(),
        private_channels: z.boolean().optional(),
      })
      .strict()
      .optional(),
    kubernetes: z
      .object({
        namespaces: z.array(z.string().regex(/^(\*|[a-z0-9-]+)$/)).min(1),
        context: nonEmpty.optional(),
        service_label: nonEmpty.optional(),
      })
      .strict()
      .optional(),
    github: z
      .object({
        api_url: httpUrl.optional(),
        repos: z.record(nonEmpty, z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name')),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Variables with this prefix form the executor's environment (prefix stripped): the change identity. */
export const EXECUTOR_ENV_PREFIX = 'SCOUT_EXEC_';

/**
 * Parses env and the optional YAML config and manifests once, into a frozen Config.
 * Throws ConfigError listing every problem, one line each: where, field, expectation.
 */
export function loadConfig(env: Record<string, string | undefined>, opts: ConfigOptions = {}): Readonly<Config> {
  const cwd = opts.cwd ?? process.cwd();
  const read = opts.readFile ?? defaultRead;
  const problems: string[] = [];

  // Each variable is parsed on its own, so one bad value does not hide the others' values.
  const e: Partial<z.infer<typeof envSchema>> = {};
  for (const [name, schema] of Object.entries(envSchema.shape)) {
    const parsed = schema.safeParse(emptyToUndef(env[name]));
    if (parsed.success) Object.assign(e, parsed.data === undefined ? {} : { [name]: parsed.data });
    else
      problems.push(
        ...formatIssues(`env ${name}`, parsed.error)
          .slice(0, 1)
          .map((line) => line.replace(' (root):', ':')),
      );
  }

  let file: z.infer<typeof fileSchema> = {};
  const explicit = e.TRIAGE_CONFIG;
  const configPath = explicit ? path.resolve(cwd, explicit) : path.resolve(cwd, 'incident-scout.yaml');
  const configText = read(configPath);
  if (configText == null && explicit) problems.push(`env TRIAGE_CONFIG: file ${configPath} not found`);
  if (configText != null) {
    const r = parseYamlWith(fileSchema, configText, configPath);
    if ('problems' in r) problems.push(...r.problems);
    else file = r.data;
  }

  // A variable already reported as malformed is not reported again as missing: one message per variable.
  const reported = (name: string) => problems.some((p) => p.startsWith(`env ${name}:`));
  if (opts.requireSlack) {
    if (!e.SLACK_BOT_TOKEN && !reported('SLACK_BOT_TOKEN'))
      problems.push('env SLACK_BOT_TOKEN: required to serve (a bot token starting with xoxb-)');
    if (
      !e.SLACK_APP_TOKEN &&
      !e.SLACK_SIGNING_SECRET &&
      !reported('SLACK_APP_TOKEN') &&
      !reported('SLACK_SIGNING_SECRET')
    ) {
      problems.push('env SLACK_SIGNING_SECRET: required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
    }
  }

  if (e.REDIS_SENTINELS && !e.REDIS_SENTINEL_NAME && !reported('REDIS_SENTINEL_NAME')) {
    problems.push(
      'env REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the master name the sentinels monitor, e.g. mymaster)',
    );
  }
  if (e.REDIS_SENTINEL_NAME && !e.REDIS_SENTINELS && !reported('REDIS_SENTINELS')) {
    problems.push(
      'env REDIS_SENTINELS: required with REDIS_SENTINEL_NAME (a comma-separated list of sentinel host:port)',
    );
  }
  if (e.REDIS_URL && e.REDIS_SENTINELS) {
    problems.push(
      'env REDIS_URL: set either REDIS_URL or REDIS_SENTINELS, not both (Sentinel names the primary itself)',
    );
  }
  const sentinel: SentinelSettings | undefined =
    e.REDIS_SENTINELS && e.REDIS_SENTINEL_NAME
      ? {
          sentinels: e.REDIS_SENTINELS.split(',').map((hp) => {
            const [host, port] = hp.trim().split(':');
            return { host: host ?? '', port: Number(port) };
          }),
          name: e.REDIS_SENTINEL_NAME,
          ...opt('sentinelPassword', e.REDIS_SENTINEL_PASSWORD),
          ...opt('password', e.REDIS_PASSWORD),
        }
      : undefined;

  const scoutsPath = path.resolve(cwd, file.manifests?.scouts ?? path.join(PACKAGE_ROOT, 'manifests', 'scouts.yaml'));
  const actionsPath = path.resolve(
    cwd,
    file.manifests?.actions ?? path.join(PACKAGE_ROOT, 'manifests', 'actions.yaml'),
  );
  const scouts = loadManifest(scoutsPath, read, parseScouts, problems);
  const actions = loadManifest(actionsPath, read, parseActions, problems);

  const evidenceDir = e.EVIDENCE_DIR ?? file.evidence?.dir;
  const kubernetes = Boolean(e.KUBERNETES_NAMESPACES ?? file.kubernetes);
  if (
    opts.requireEvidence &&
    !evidenceDir &&
    !e.PROMETHEUS_URL &&
    !file.evidence?.prometheus_url &&
    !e.LOKI_URL &&
    !file.evidence?.loki_url &&
    !e.TEMPO_URL &&
    !e.JAEGER_URL &&
    !kubernetes
  ) {
    problems.push('env EVIDENCE_DIR: no evidence source configured (set EVIDENCE_DIR, PROMETHEUS_URL or LOKI_URL)');
  }
  problems.push(...evidenceProblems(e));
  if (evidenceDir) {
    const problem = scenarioProblem(path.resolve(cwd, evidenceDir));
    const where = e.EVIDENCE_DIR ? 'env EVIDENCE_DIR' : `${configPath} evidence.dir`;
    if (problem) problems.push(`${where}: ${problem}; ${SCENARIO_EXPECTED}`);
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const executorEnv: Record<string, string> = { ...(file.executor?.env ?? {}) };
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith(EXECUTOR_ENV_PREFIX) && k.length > EXECUTOR_ENV_PREFIX.length && v != null) {
      executorEnv[k.slice(EXECUTOR_ENV_PREFIX.length)] = v;
    }
  }

  const config: Config = {
    slack: {
      ...opt('botToken', e.SLACK_BOT_TOKEN),
      ...opt('signingSecret', e.SLACK_SIGNING_SECRET),
      ...opt('appToken', e.SLACK_APP_TOKEN),
      apiUrl: withSlash(e.SLACK_API_URL ?? file.slack?.api_url ?? 'https://slack.com/api/'),
      port: e.PORT ?? file.slack?.port ?? 3000,
    },
    redis: {
      ...opt('url', e.REDIS_URL),
      ...opt('sentinel', sentinel),
      ...opt('target', e.REDIS_URL ?? sentinel),
      prefix: e.REDIS_PREFIX ?? file.redis?.prefix ?? 'scout:',
    },
    anthropic: {
      ...opt('apiKey', e.ANTHROPIC_API_KEY),
      ...opt('baseUrl', e.ANTHROPIC_BASE_URL),
      leadModel: e.ANTHROPIC_LEAD_MODEL ?? file.models?.lead ?? 'claude-sonnet-5-5',
      scoutModel: e.ANTHROPIC_SCOUT_MODEL ?? file.models?.scout ?? 'claude-haiku-5-5',
      maxRetries: e.ANTHROPIC_MAX_RETRIES ?? 2,
      timeoutMs: e.ANTHROPIC_TIMEOUT_MS ?? 60_000,
    },
    incidentChannelPattern: new RegExp(
      e.INCIDENT_CHANNEL_PATTERN ?? file.incident_channel_pattern ?? '^(inc|incident)[-_]',
    ),
    evidence: evidenceSettings(e, file.evidence, cwd),
    investigation: {
      maxSeconds: e.INVESTIGATION_MAX_SECONDS ?? file.investigation?.max_seconds ?? 360,
      baselineMinutes: file.investigation?.baseline_minutes ?? 60,
      concurrency: e.INVESTIGATION_CONCURRENCY ?? file.investigation?.concurrency ?? 4,
    },
    jobs: { lockMs: e.JOBS_LOCK_MS ?? 30_000 },
    memory: { retentionDays: e.MEMORY_RETENTION_DAYS ?? 180, maxIncidents: e.MEMORY_MAX_INCIDENTS ?? 500 },
    verification: { afterMs: e.VERIFY_AFTER === 'off' ? null : parseDuration(e.VERIFY_AFTER ?? '5m') },
    executor: { env: executorEnv, ...opt('workdir', file.executor?.workdir) },
    alerts: {
      ...opt('webhookToken', e.ALERT_WEBHOOK_TOKEN),
      ...opt('pagerdutySecret', e.PAGERDUTY_WEBHOOK_SECRET),
      channelTemplate: e.ALERT_CHANNEL_TEMPLATE ?? file.alerts?.channel_template ?? 'inc-{date}-{alertname}',
      invite: e.ALERT_INVITE ? e.ALERT_INVITE.split(',').map((s) => s.trim()) : [...(file.alerts?.invite ?? [])],
      privateChannels: e.ALERT_CHANNEL_PRIVATE
        ? e.ALERT_CHANNEL_PRIVATE === 'true'
        : (file.alerts?.private_channels ?? false),
    },
    ...opt(
      'kubernetes',
      kubernetesConfig(
        e.KUBERNETES_NAMESPACES,
        e.KUBECONFIG,
        file.kubernetes,
        e.KUBERNETES_SERVICE_HOST,
        e.KUBERNETES_SERVICE_PORT,
      ),
    ),
    ...opt(
      'github',
      file.github || e.GITHUB_TOKEN
        ? {
            ...opt('token', e.GITHUB_TOKEN),
            apiUrl: e.GITHUB_API_URL ?? file.github?.api_url ?? 'https://api.github.com',
            repos: { ...(file.github?.repos ?? {}) },
          }
        : undefined,
    ),
    logLevel: e.LOG_LEVEL ?? file.log_level ?? 'info',
    proxy: {
      ...opt('http', e.HTTP_PROXY ?? e.http_proxy),
      ...opt('https', e.HTTPS_PROXY ?? e.https_proxy),
      ...opt('noProxy', e.NO_PROXY ?? e.no_proxy),
    },
    scouts: scouts ?? [],
    actions: actions ?? [],
    placeholderApprovers: placeholderApprovers(actions ?? []),
    files: { ...opt('config', configText != null ? configPath : undefined), scouts: scoutsPath, actions: actionsPath },
  };
  return deepFreeze(config);
}

function kubernetesConfig(
  envNamespaces: string | undefined,
  kubeconfig: string | undefined,
  file: z.infer<typeof fileSchema>['kubernetes'],
  host: string | undefined,
  port: number | undefined,
): Config['kubernetes'] {
  const namespaces = envNamespaces ? envNamespaces.split(',').map((s) => s.trim()) : file?.namespaces;
  if (!namespaces) return undefined;
  // In a pod the kubelet sets KUBERNETES_SERVICE_HOST/PORT; KUBECONFIG wins when both are there.
  const inCluster = host ? { host, port: String(port ?? 443) } : undefined;
  return {
    namespaces,
    ...opt('kubeconfig', kubeconfig),
    ...opt('context', file?.context),
    ...opt('inCluster', inCluster),
    serviceLabel: file?.service_label ?? 'app.kubernetes.io/name',
  };
}

function loadManifest<T, K extends string>(
  file: string,
  read: (f: string) => string | null,
  parse: (text: string, file: string) => Record<K, T[]> | { problems: string[] },
  problems: string[],
): T[] | null {
  const text = read(file);
  if (text == null) {
    problems.push(
      `${file}: manifest not found (expected a YAML file; point manifests.scouts or manifests.actions in incident-scout.yaml at it)`,
    );
    return null;
  }
  const result = parse(text, file);
  if ('problems' in result) {
    problems.push(...(result as { problems: string[] }).problems);
    return null;
  }
  return Object.values(result)[0] as T[];
}

function defaultRead(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function emptyToUndef(v: string | undefined): string | undefined {
  return v == null || v.trim() === '' ? undefined : v;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !(o instanceof RegExp)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** The process environment; with loadConfig, the only reader of process.env (the CLI passes it in). */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}

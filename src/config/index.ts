import * as fs from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../domain/errors';
import { kubeconfigTarget } from '../evidence/sources/kubernetes-api';
import { parseDuration } from '../domain/time';
import { formatIssues, parseYamlWith } from './format';
import { parseScouts } from './scouts';
import { parseActions, placeholderApprovers } from './actions';
import { SCENARIO_EXPECTED, scenarioProblem } from './scenario';
import { evidenceProblems, evidenceSettings } from './sources';
import { envSchema } from './env';
import { fileSchema } from './file';
import type { Config, ConfigOptions, SentinelSettings } from './types';

export type { ScoutManifest, ScoutBudget } from './scouts';
export type { ActionSpec, ActionParamSpec, ActionRun } from './actions';
export { DEMO_APPROVER_IDS } from './actions';
export type { BasicAuth, EvidenceSettings } from './sources';
export type { Config, ConfigOptions, SentinelSettings } from './types';

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
    else problems.push(...formatIssues(`env ${name}`, parsed.error).slice(0, 1));
  }

  let file: z.infer<typeof fileSchema> = {};
  const explicit = e.TRIAGE_CONFIG;
  const configPath = explicit ? path.resolve(cwd, explicit) : path.resolve(cwd, 'incident-scout.yaml');
  const configText = read(configPath);
  if (configText == null && explicit)
    problems.push(`env TRIAGE_CONFIG: ${configPath} ${whyUnreadable(configPath)}; expected a YAML config file`);
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
  if (opts.requireEvidence && kubernetes) {
    const problem = kubernetesProblem(e.KUBECONFIG, file.kubernetes?.context, Boolean(e.KUBERNETES_SERVICE_HOST), read);
    if (problem) problems.push(`env KUBECONFIG: ${problem}`);
  }
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
      `${file}: manifest ${whyUnreadable(file)} (expected a YAML file; point manifests.scouts or manifests.actions in incident-scout.yaml at it)`,
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

/**
 * Why the Kubernetes source `serve` opens could not use its credentials, or null: checked at start so a missing or
 * malformed kubeconfig is named with its variable, not reported as an unexpected error once the source opens.
 */
function kubernetesProblem(
  kubeconfig: string | undefined,
  context: string | undefined,
  inPod: boolean,
  read: (file: string) => string | null,
): string | null {
  const expected = 'expected a kubeconfig with a token or client certificate';
  if (!kubeconfig) {
    if (inPod) return null;
    return `required with KUBERNETES_NAMESPACES outside a pod (no KUBERNETES_SERVICE_HOST); ${expected}`;
  }
  const readOrThrow = (file: string): Buffer => {
    const text = read(file);
    if (text == null) throw new Error(`${file} ${whyUnreadable(file)}`);
    return Buffer.from(text, 'utf8');
  };
  try {
    kubeconfigTarget(kubeconfig, context, readOrThrow);
    return null;
  } catch (err) {
    // The source's own error starts "Kubernetes API <file> failed (unreachable): "; the reason is what follows.
    const reason = ((err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '').replace(/:$/, '');
    const detail = reason.replace(/^Kubernetes API .* failed \(unreachable\): /, '');
    return `${detail.startsWith(kubeconfig) ? detail : `${kubeconfig}: ${detail}`}; ${expected}`;
  }
}

/** Why a file could not be read, in words: not found, a directory, or permission denied. */
function whyUnreadable(file: string): string {
  try {
    return fs.statSync(file).isDirectory() ? 'is a directory' : 'cannot be read (permission denied)';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EACCES' ? 'cannot be read (permission denied)' : 'not found';
  }
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

// The environment variables the bot reads, each with its own schema and its expectation in words, and the
// small schemas incident-scout.yaml shares with them.
import { z } from 'zod';
import { parseDuration } from '../domain/time';
import { SOURCE_ENV } from './sources';

export const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const intIn = (min: number, max: number) =>
  z.coerce
    .number({ message: `expected an integer ${min}-${max}` })
    .int(`expected an integer ${min}-${max}`)
    .min(min, `expected an integer ${min}-${max}`)
    .max(max, `expected an integer ${min}-${max}`);

export const regex = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'expected a valid regular expression');

export const httpUrl = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' });
const redisUrl = z.url({ protocol: /^rediss?$/, message: 'expected a redis:// or rediss:// URL' });
// undici's proxy agent takes the proxy's own URL (scheme included) and throws on anything else at the first request.
const proxyUrl = z.url({ protocol: /^https?$/, message: 'expected the http(s) URL of the proxy (http://proxy:3128)' });
export const nonEmpty = z.string().min(1, 'expected a non-empty value');

export const envSchema = z.object({
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
  HTTP_PROXY: proxyUrl.optional(),
  http_proxy: proxyUrl.optional(),
  HTTPS_PROXY: proxyUrl.optional(),
  https_proxy: proxyUrl.optional(),
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

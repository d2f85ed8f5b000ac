// Settings of the files, Prometheus, Loki, Tempo and Jaeger sources and of evidence links: the environment variables
// (secrets and URLs) and the `evidence:` section of incident-scout.yaml. Environment wins.

import * as path from 'node:path';
import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' });
const nonEmpty = z.string().min(1, 'expected a non-empty value');
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a label name (letters, digits, _)');
const timeoutMs = z.coerce
  .number({ message: 'expected an integer 100-600000' })
  .int('expected an integer 100-600000')
  .min(100, 'expected an integer 100-600000')
  .max(600_000, 'expected an integer 100-600000');

/** Environment variables of the evidence sources (merged into the config's env schema). */
export const SOURCE_ENV = {
  EVIDENCE_DIR: nonEmpty.optional(),
  PROMETHEUS_URL: httpUrl.optional(),
  PROMETHEUS_TOKEN: nonEmpty.optional(),
  PROMETHEUS_USERNAME: nonEmpty.optional(),
  PROMETHEUS_PASSWORD: nonEmpty.optional(),
  PROMETHEUS_SERVICE_LABEL: labelName.optional(),
  LOKI_URL: httpUrl.optional(),
  LOKI_TOKEN: nonEmpty.optional(),
  LOKI_USERNAME: nonEmpty.optional(),
  LOKI_PASSWORD: nonEmpty.optional(),
  LOKI_TENANT: nonEmpty.optional(),
  LOKI_SERVICE_LABEL: labelName.optional(),
  TEMPO_URL: httpUrl.optional(),
  TEMPO_TOKEN: nonEmpty.optional(),
  JAEGER_URL: httpUrl.optional(),
  JAEGER_TOKEN: nonEmpty.optional(),
  SOURCE_TIMEOUT_MS: timeoutMs.optional(),
  GRAFANA_URL: httpUrl.optional(),
  GRAFANA_PROMETHEUS_UID: nonEmpty.optional(),
  GRAFANA_LOKI_UID: nonEmpty.optional(),
} as const;

/** The `evidence:` section of incident-scout.yaml (no secrets). */
export const evidenceFileSchema = z
  .object({
    dir: nonEmpty.optional(),
    prometheus_url: httpUrl.optional(),
    prometheus_service_label: labelName.optional(),
    loki_url: httpUrl.optional(),
    loki_service_label: labelName.optional(),
    timeout_ms: timeoutMs.optional(),
    grafana_url: httpUrl.optional(),
    grafana_prometheus_uid: nonEmpty.optional(),
    grafana_loki_uid: nonEmpty.optional(),
  })
  .strict();

export interface BasicAuth {
  username: string;
  password: string;
}

/** Source settings in the Config. */
export interface EvidenceSettings {
  dir?: string;
  prometheusUrl?: string;
  prometheusToken?: string;
  prometheusBasic?: BasicAuth;
  /** Label naming the service on series; unset = the first of service, service_name, job, app that has values. */
  prometheusServiceLabel?: string;
  lokiUrl?: string;
  lokiToken?: string;
  lokiBasic?: BasicAuth;
  lokiTenant?: string;
  lokiServiceLabel?: string;
  /** Traces: Tempo's query frontend and Jaeger's query service, each with an optional bearer token. */
  tempoUrl?: string;
  tempoToken?: string;
  jaegerUrl?: string;
  jaegerToken?: string;
  /** Per-request timeout of every HTTP source. */
  timeoutMs: number;
  grafana?: { url: string; prometheusUid?: string; lokiUid?: string };
}

type Env = { [K in keyof typeof SOURCE_ENV]?: z.infer<(typeof SOURCE_ENV)[K]> };

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Problems of settings that only make sense together (username without password, ...). */
export function evidenceProblems(e: Env): string[] {
  const problems: string[] = [];
  for (const p of ['PROMETHEUS', 'LOKI'] as const) {
    const user = e[`${p}_USERNAME`];
    const pass = e[`${p}_PASSWORD`];
    if (user && !pass) problems.push(`env ${p}_PASSWORD: required with ${p}_USERNAME (basic auth)`);
    if (pass && !user) problems.push(`env ${p}_USERNAME: required with ${p}_PASSWORD (basic auth)`);
    if (e[`${p}_TOKEN`] && (user || pass))
      problems.push(`env ${p}_TOKEN: set either a bearer token or ${p}_USERNAME/${p}_PASSWORD, not both`);
  }
  return problems;
}

/** The evidence settings from env and file, env first; `dir` resolved against cwd. */
export function evidenceSettings(
  e: Env,
  file: z.infer<typeof evidenceFileSchema> | undefined,
  cwd: string,
): EvidenceSettings {
  const dir = e.EVIDENCE_DIR ?? file?.dir;
  const grafanaUrl = e.GRAFANA_URL ?? file?.grafana_url;
  const basic = (user: string | undefined, password: string | undefined): BasicAuth | undefined =>
    user && password ? { username: user, password } : undefined;
  return {
    ...opt('dir', dir ? path.resolve(cwd, dir) : undefined),
    ...opt('prometheusUrl', e.PROMETHEUS_URL ?? file?.prometheus_url),
    ...opt('prometheusToken', e.PROMETHEUS_TOKEN),
    ...opt('prometheusBasic', basic(e.PROMETHEUS_USERNAME, e.PROMETHEUS_PASSWORD)),
    ...opt('prometheusServiceLabel', e.PROMETHEUS_SERVICE_LABEL ?? file?.prometheus_service_label),
    ...opt('lokiUrl', e.LOKI_URL ?? file?.loki_url),
    ...opt('lokiToken', e.LOKI_TOKEN),
    ...opt('lokiBasic', basic(e.LOKI_USERNAME, e.LOKI_PASSWORD)),
    ...opt('lokiTenant', e.LOKI_TENANT),
    ...opt('lokiServiceLabel', e.LOKI_SERVICE_LABEL ?? file?.loki_service_label),
    ...opt('tempoUrl', e.TEMPO_URL),
    ...opt('tempoToken', e.TEMPO_TOKEN),
    ...opt('jaegerUrl', e.JAEGER_URL),
    ...opt('jaegerToken', e.JAEGER_TOKEN),
    timeoutMs: e.SOURCE_TIMEOUT_MS ?? file?.timeout_ms ?? 15_000,
    ...opt(
      'grafana',
      grafanaUrl
        ? {
            url: grafanaUrl,
            ...opt('prometheusUid', e.GRAFANA_PROMETHEUS_UID ?? file?.grafana_prometheus_uid),
            ...opt('lokiUid', e.GRAFANA_LOKI_UID ?? file?.grafana_loki_uid),
          }
        : undefined,
    ),
  };
}

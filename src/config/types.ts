// The shape of the one frozen Config object that loadConfig builds (src/config/index.ts).
import type { ScoutManifest } from './scouts';
import type { ActionSpec } from './actions';
import type { EvidenceSettings } from './sources';

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

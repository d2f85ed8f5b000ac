// Source construction from configuration: files (embedded default), Prometheus, Loki, or a
// composite of them when more than one is configured.

import type { EvidenceSource, Signal } from '../types';
import { CompositeSource } from './composite';
import { openFilesSource } from './files';
import type { FetchFn } from './http';
import { LokiSource } from './loki';
import { PrometheusSource } from './prometheus';
import { inClusterTarget, kubeApi, kubeconfigTarget } from './kubernetes-api';
import { KubernetesSource } from './kubernetes';
import { GitHubSource } from './github';
import { JaegerSource } from './jaeger';
import { TempoSource } from './tempo';
import { UsageError } from '../../domain/errors';

export { CompositeSource } from './composite';
export { FilesSource, openFilesSource } from './files';
export { LokiSource, type LokiSourceOptions } from './loki';
export { PrometheusSource, type PrometheusSourceOptions } from './prometheus';
export { KubernetesSource, type KubernetesSourceOptions } from './kubernetes';
export { GitHubSource, type GitHubSourceOptions } from './github';
export { TempoSource, type TempoSourceOptions } from './tempo';
export { JaegerSource, type JaegerSourceOptions } from './jaeger';
export { TraceQueryError } from './trace-fetch';
export { EvidenceNotFound, LokiQueryError, PrometheusQueryError } from './errors';
export type { FetchFn } from './http';

export interface CreateSourceOptions {
  evidenceDir?: string;
  prometheusUrl?: string;
  /** Bearer token for Prometheus (PROMETHEUS_TOKEN). */
  prometheusToken?: string;
  lokiUrl?: string;
  /** Bearer token for Loki (LOKI_TOKEN). */
  lokiToken?: string;
  /** Tenant for multi-tenant Loki, sent as X-Scope-OrgID (LOKI_TENANT). */
  lokiTenant?: string;
  fetch: FetchFn;
  /** Label naming the service in Prometheus and Loki (default `service`). */
  serviceLabel?: string;
  /** Kubernetes: namespaces to read, and KUBECONFIG (with an optional context) or the in-cluster service account. */
  kubernetes?: { namespaces: readonly string[]; serviceLabel?: string; kubeconfig?: string; context?: string; inCluster?: { host: string; port: string } };
  /** Tempo's query frontend (TEMPO_URL) and its bearer token, for traces. */
  tempoUrl?: string;
  tempoToken?: string;
  /** Jaeger's query service (JAEGER_URL) and a bearer token for a proxy in front of it, for traces. */
  jaegerUrl?: string;
  jaegerToken?: string;
  /** GitHub: deployments and merged pull requests of the repos mapped to services. */
  github?: { apiUrl: string; token?: string; repos: Readonly<Record<string, string>> };
}

/** Builds the configured source; several configured backends become one composite (files first, for the clock). */
export function createSource(opts: CreateSourceOptions): EvidenceSource {
  const sources: EvidenceSource[] = [];
  const label = opts.serviceLabel ? { serviceLabel: opts.serviceLabel } : {};
  // A dedicated backend wins over the files for its signal, so series and lines are not doubled.
  const exclude: Signal[] = [];
  if (opts.prometheusUrl) exclude.push('metrics');
  if (opts.lokiUrl) exclude.push('logs');
  if (opts.tempoUrl || opts.jaegerUrl) exclude.push('traces');
  if (opts.evidenceDir) sources.push(openFilesSource(opts.evidenceDir, { exclude }));
  if (opts.prometheusUrl) {
    sources.push(new PrometheusSource({ url: opts.prometheusUrl, fetch: opts.fetch, ...label, ...(opts.prometheusToken ? { token: opts.prometheusToken } : {}) }));
  }
  if (opts.lokiUrl) {
    const auth = { ...(opts.lokiToken ? { token: opts.lokiToken } : {}), ...(opts.lokiTenant ? { tenant: opts.lokiTenant } : {}) };
    sources.push(new LokiSource({ url: opts.lokiUrl, fetch: opts.fetch, ...label, ...auth }));
  }
  if (opts.tempoUrl) sources.push(new TempoSource({ url: opts.tempoUrl, fetch: opts.fetch, ...(opts.tempoToken ? { token: opts.tempoToken } : {}) }));
  if (opts.jaegerUrl) sources.push(new JaegerSource({ url: opts.jaegerUrl, fetch: opts.fetch, ...(opts.jaegerToken ? { token: opts.jaegerToken } : {}) }));
  if (opts.kubernetes) sources.push(kubernetesSource(opts.kubernetes));
  if (opts.github && Object.keys(opts.github.repos).length > 0) sources.push(new GitHubSource({ ...opts.github, repos: { ...opts.github.repos } }));
  if (sources.length === 0) throw new UsageError('no evidence source configured: give an evidence directory, a Prometheus, Loki, Tempo or Jaeger URL, or Kubernetes namespaces');
  return sources.length === 1 ? (sources[0] as EvidenceSource) : new CompositeSource(sources);
}

function kubernetesSource(k: NonNullable<CreateSourceOptions['kubernetes']>): KubernetesSource {
  const target = k.kubeconfig ? kubeconfigTarget(k.kubeconfig, k.context) : k.inCluster ? inClusterTarget(k.inCluster.host, k.inCluster.port) : null;
  if (!target) throw new UsageError('Kubernetes namespaces are set but there is no KUBECONFIG and this is not a pod (no KUBERNETES_SERVICE_HOST)');
  return new KubernetesSource({ api: kubeApi(target), namespaces: [...k.namespaces], ...(k.serviceLabel ? { serviceLabel: k.serviceLabel } : {}) });
}

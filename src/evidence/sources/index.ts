// Source construction from configuration: files (embedded default), Prometheus, Loki, or a
// composite of them when more than one is configured.

import type { EvidenceSource, Signal } from '../types';
import { CompositeSource } from './composite';
import { openFilesSource } from './files';
import type { FetchFn } from './http';
import { LokiSource } from './loki';
import { PrometheusSource } from './prometheus';
import { UsageError } from '../../domain/errors';

export { CompositeSource } from './composite';
export { FilesSource, openFilesSource } from './files';
export { LokiSource, type LokiSourceOptions } from './loki';
export { PrometheusSource, type PrometheusSourceOptions } from './prometheus';
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
}

/** Builds the configured source; several configured backends become one composite (files first, for the clock). */
export function createSource(opts: CreateSourceOptions): EvidenceSource {
  const sources: EvidenceSource[] = [];
  const label = opts.serviceLabel ? { serviceLabel: opts.serviceLabel } : {};
  // A dedicated backend wins over the files for its signal, so series and lines are not doubled.
  const exclude: Signal[] = [];
  if (opts.prometheusUrl) exclude.push('metrics');
  if (opts.lokiUrl) exclude.push('logs');
  if (opts.evidenceDir) sources.push(openFilesSource(opts.evidenceDir, { exclude }));
  if (opts.prometheusUrl) {
    sources.push(new PrometheusSource({ url: opts.prometheusUrl, fetch: opts.fetch, ...label, ...(opts.prometheusToken ? { token: opts.prometheusToken } : {}) }));
  }
  if (opts.lokiUrl) {
    const auth = { ...(opts.lokiToken ? { token: opts.lokiToken } : {}), ...(opts.lokiTenant ? { tenant: opts.lokiTenant } : {}) };
    sources.push(new LokiSource({ url: opts.lokiUrl, fetch: opts.fetch, ...label, ...auth }));
  }
  if (sources.length === 0) throw new UsageError('no evidence source configured: give an evidence directory, a Prometheus URL or a Loki URL');
  return sources.length === 1 ? (sources[0] as EvidenceSource) : new CompositeSource(sources);
}

// The one list of evidence source kinds, and source construction from configuration: each kind
// configured becomes a source; several become one composite (the fallback files source first, for
// the clock, serving only what no dedicated backend takes over).

import { ConfigError } from '../../domain/errors';
import type { EvidenceSource, Signal } from '../types';
import { CompositeSource } from './composite';
import { filesDefinition } from './files';
import { githubDefinition } from './github';
import { kubernetesDefinition } from './kubernetes';
import { lokiDefinition } from './loki';
import { prometheusDefinition } from './prometheus';
import { jaegerDefinition } from './jaeger';
import { tempoDefinition } from './tempo';
import type { SourceConfig, SourceDefinition, SourceDeps } from './registry';

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
export { linkSettings, type LinkSettings } from './links';
export type { SourceConfig, SourceDefinition, SourceDeps } from './registry';

/** Every kind of evidence source, in the order a composite reads them (the fallback first). */
export const SOURCE_DEFINITIONS: readonly SourceDefinition[] = [
  filesDefinition,
  prometheusDefinition,
  lokiDefinition,
  tempoDefinition,
  jaegerDefinition,
  kubernetesDefinition,
  githubDefinition,
];

export interface CreatedSource {
  /** One source, or a composite of several. */
  source: EvidenceSource;
  /** What the kickoff and `/triage help` name, one per configured source. */
  descriptions: string[];
}

/** Builds the configured sources; throws ConfigError naming the settings when none is configured. */
export function createSource(
  config: SourceConfig,
  deps: SourceDeps,
  definitions: readonly SourceDefinition[] = SOURCE_DEFINITIONS,
): CreatedSource {
  const configured = definitions.flatMap((d) => {
    const c = d.configure(config, deps);
    return c ? [{ definition: d, configured: c }] : [];
  });
  if (configured.length === 0) {
    const names = definitions.map((d) => d.settings[0]).filter((s): s is string => !!s);
    throw new ConfigError([
      `env EVIDENCE_DIR: no evidence source configured (set ${names.slice(0, -1).join(', ')} or ${names[names.length - 1] ?? ''})`,
    ]);
  }
  // A dedicated backend wins over the fallback for its signal, so series and lines are not doubled.
  const takenOver = new Set<Signal>(
    configured.flatMap((c) => (c.definition.fallback ? [] : [...(c.definition.takesOver ?? [])])),
  );
  const sources = configured.map((c) => c.configured.open(c.definition.fallback ? [...takenOver] : []));
  return {
    source: sources.length === 1 ? (sources[0] as EvidenceSource) : new CompositeSource(sources),
    descriptions: configured.map((c) => c.configured.description),
  };
}

/** The kinds for `/triage help` and docs: title, signals and settings of each. */
export function sourceKinds(
  definitions: readonly SourceDefinition[] = SOURCE_DEFINITIONS,
): Array<{ kind: string; title: string; signals: readonly Signal[]; settings: readonly string[] }> {
  return definitions.map((d) => ({ kind: d.kind, title: d.title, signals: d.signals, settings: d.settings }));
}

// Builds sources the way the app does (the registry in src/evidence/sources/index.ts) from a few settings.
import type { EvidenceSettings } from '../../src/config';
import { createSource, linkSettings, type SourceConfig } from '../../src/evidence/sources';
import type { EvidenceSource } from '../../src/evidence/types';

/** A SourceConfig with the given evidence settings (timeout 5 s unless given) and optional Kubernetes/GitHub. */
export function sourceConfig(
  evidence: Partial<EvidenceSettings>,
  rest: Omit<SourceConfig, 'evidence'> = {},
): SourceConfig {
  return { evidence: { timeoutMs: 5_000, ...evidence }, ...rest };
}

/** The configured source (a composite when several), built through the registry with the global fetch. */
export function buildSource(
  evidence: Partial<EvidenceSettings>,
  rest: Omit<SourceConfig, 'evidence'> = {},
): EvidenceSource {
  const config = sourceConfig(evidence, rest);
  return createSource(config, { fetch, links: linkSettings(config.evidence) }).source;
}

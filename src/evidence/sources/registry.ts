// What a kind of evidence source declares so that one list (index.ts) can build it from config, name
// it in the kickoff and `/triage help`, and run it through the contract suite. Adding a source is one
// module exporting a SourceDefinition and one line in SOURCE_DEFINITIONS.

import type { Config } from '../../config';
import type { EvidenceSource, Signal } from '../types';
import type { LinkSettings } from './links';

/** The part of the configuration sources are built from. */
export type SourceConfig = Pick<Config, 'evidence' | 'kubernetes' | 'github'>;

/** What every source may be given besides its own settings: the outbound fetch and the link settings. */
export interface SourceDeps {
  fetch: typeof fetch;
  links: LinkSettings;
  /** Moves a recording's clock (files source): reading a replayed incident after an action, to check the fix. */
  recordingClock?: number;
}

/** One configured source, ready to be opened. */
export interface ConfiguredSource {
  /** How the kickoff names it, e.g. `Prometheus (https://prom.example)` or `files (checkout-latency)`. */
  description: string;
  /** `exclude` lists signals a dedicated backend serves instead (only a fallback source is given any). */
  open(exclude: readonly Signal[]): EvidenceSource;
}

export interface SourceDefinition {
  /** The source's name: in scouts' `scope.sources`, the audit record and evidence items. */
  readonly kind: string;
  /** Human name for `/triage help` and the README. */
  readonly title: string;
  /** The signals this kind can serve; `capabilities().signals` is always a subset. */
  readonly signals: readonly Signal[];
  /** Signals it takes over from a fallback source when both are configured (Prometheus: metrics). */
  readonly takesOver?: readonly Signal[];
  /** A fallback serves only the signals no configured dedicated backend takes over (the files source). */
  readonly fallback?: boolean;
  /** Settings that configure it, for help text and docs. */
  readonly settings: readonly string[];
  /** The source as configured, or null when its settings are absent. */
  configure(config: SourceConfig, deps: SourceDeps): ConfiguredSource | null;
}

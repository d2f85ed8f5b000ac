// Typed errors of the evidence sources, with stable codes.

import { ScoutError } from '../../domain/errors';

/** The evidence directory (or a required file in it) does not exist. */
export class EvidenceNotFound extends ScoutError {
  readonly code = 'evidence_not_found';
}

/** Prometheus answered with `status: "error"` or an unusable response. */
export class PrometheusQueryError extends ScoutError {
  readonly code = 'prometheus_error';
  constructor(
    readonly errorType: string,
    readonly detail: string,
    readonly query: string,
    options?: { cause?: unknown },
  ) {
    super(`Prometheus refused the query (${errorType}): ${detail}`, options);
  }
}

/** Loki answered with an error status or an unusable response. */
export class LokiQueryError extends ScoutError {
  readonly code = 'loki_error';
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly query: string,
    options?: { cause?: unknown },
  ) {
    super(`Loki refused the query (HTTP ${status}): ${detail}`, options);
  }
}

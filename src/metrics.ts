// Prometheus metrics of one app instance. A private Registry (not prom-client's global one), so two
// apps in one process (tests, the demo) never share or double-register series.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Kinds of Slack request, as counted by the Slack layer. */
export type RequestKind = 'event' | 'command' | 'action' | 'other';

/** Counters and histograms other layers increment; exposed at GET /metrics. */
export class AppMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'kind'>;
  readonly duplicates: Counter<'kind'>;
  readonly ackSeconds: Histogram<'kind'>;
  readonly slackApiErrors: Counter<'method' | 'error'>;
  readonly slackApiCalls: Counter<'method'>;
  readonly investigations: Counter<'state'>;
  readonly proposals: Counter<'status'>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'scout_slack_requests_total',
      help: 'Verified Slack requests by kind',
      labelNames: ['kind'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'scout_slack_duplicates_total',
      help: 'Slack retries and repeated clicks dropped by dedupe',
      labelNames: ['kind'],
      registers,
    });
    this.ackSeconds = new Histogram({
      name: 'scout_slack_ack_seconds',
      help: 'Time from a verified request to its ack',
      labelNames: ['kind'],
      registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    });
    this.slackApiCalls = new Counter({
      name: 'scout_slack_api_calls_total',
      help: 'Slack Web API calls by method',
      labelNames: ['method'],
      registers,
    });
    this.slackApiErrors = new Counter({
      name: 'scout_slack_api_errors_total',
      help: 'Slack Web API errors by method and error code',
      labelNames: ['method', 'error'],
      registers,
    });
    this.investigations = new Counter({
      name: 'scout_investigations_total',
      help: 'Investigations by state reached',
      labelNames: ['state'],
      registers,
    });
    this.proposals = new Counter({
      name: 'scout_proposals_total',
      help: 'Proposals by status reached',
      labelNames: ['status'],
      registers,
    });
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'scout_' });
  }

  /** The text exposition format for GET /metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

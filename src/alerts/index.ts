// Composition of the alert receivers: settings checked, use case built, routes returned for the app.
import type { Config } from '../config';
import { ConfigError } from '../domain/errors';
import type { Clock } from '../domain/time';
import type { ResolveService } from '../incidents/resolve';
import type { IncidentService } from '../incidents/service';
import type { Investigations } from '../investigation/port';
import type { Logger } from '../logging';
import type { Store } from '../store/port';
import { channelName } from './channel-name';
import type { AlertChannels } from './port';
import { alertRoutes, type AlertRoute } from './routes';
import { AlertIncidents } from './service';

export { AlertIncidents, type AlertRecord, type AlertOutcome } from './service';
export { alertRoutes, bearerMatches, type AlertRoute } from './routes';
export type { AlertNotice } from './types';
export type { AlertChannels } from './port';
export { ChannelNameTaken } from './port';

/** A channel opened from an alert must be recognised as an incident: the template is checked at start. */
export function checkChannelTemplate(template: string, pattern: RegExp): void {
  const sample = channelName(template, {
    name: 'HighErrorRate',
    labels: { alertname: 'HighErrorRate' },
    startsAt: Date.UTC(2026, 0, 31),
    source: 'alertmanager',
  });
  if (!sample || !pattern.test(sample)) {
    throw new ConfigError([
      `env ALERT_CHANNEL_TEMPLATE: "${template}" gives names like "${sample}", which INCIDENT_CHANNEL_PATTERN ${pattern} does not match`,
    ]);
  }
}

export interface AlertDeps {
  config: Readonly<Config>;
  store: Store;
  channels: AlertChannels;
  /** Resolved per notice: the incident service is built with the app, after the routes. */
  incidents: () => Pick<IncidentService, 'ensure'>;
  /** Resolved per notice like `incidents`: ends the incident when its alert resolves. */
  resolutions?: () => Pick<ResolveService, 'resolve'>;
  investigations: Pick<Investigations, 'start'>;
  logger: Logger;
  clock: Clock;
}

/** The webhook routes for the configured receivers; none (and no checks) when no receiver is configured. */
export function createAlertRoutes(deps: AlertDeps): AlertRoute[] {
  const { alerts, incidentChannelPattern } = deps.config;
  if (!alerts.webhookToken && !alerts.pagerdutySecret) return [];
  checkChannelTemplate(alerts.channelTemplate, incidentChannelPattern);
  const logger = deps.logger.child({ component: 'alerts' });
  const service = new AlertIncidents({
    store: deps.store,
    channels: deps.channels,
    investigations: deps.investigations,
    logger,
    clock: deps.clock,
    incidents: { ensure: (req) => deps.incidents().ensure(req) },
    ...(deps.resolutions
      ? {
          resolve: (req: Parameters<ResolveService['resolve']>[0]) =>
            (deps.resolutions as () => Pick<ResolveService, 'resolve'>)().resolve(req),
        }
      : {}),
    settings: {
      channelTemplate: alerts.channelTemplate,
      invite: [...alerts.invite],
      privateChannels: alerts.privateChannels,
    },
  });
  return alertRoutes({
    ...(alerts.webhookToken ? { webhookToken: alerts.webhookToken } : {}),
    ...(alerts.pagerdutySecret ? { pagerdutySecret: alerts.pagerdutySecret } : {}),
    handle: (n) => service.handle(n),
    logger,
    clock: deps.clock,
  });
}

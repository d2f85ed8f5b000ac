// Alertmanager's webhook payload (version 4), which Grafana alerting's webhook contact point also
// sends (with extra fields we ignore), parsed with zod into one AlertNotice per group.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AlertNotice } from './types';

const Labels = z.record(z.string(), z.string());

const Alert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: Labels,
  annotations: Labels.default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
  // Grafana alerting adds these.
  panelURL: z.string().optional(),
  dashboardURL: z.string().optional(),
});

/** Webhook payload v4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export const AlertmanagerPayload = z.object({
  version: z.string(),
  groupKey: z.string().min(1),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  groupLabels: Labels.default({}),
  commonLabels: Labels.default({}),
  commonAnnotations: Labels.default({}),
  externalURL: z.string().optional(),
  alerts: z.array(Alert).min(1),
});
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayload>;

/** Alertmanager's zero time (`0001-01-01T00:00:00Z`) and unparsable times are not a start. */
function epoch(text: string | undefined): number | null {
  if (!text) return null;
  const t = Date.parse(text);
  return Number.isFinite(t) && t > 0 ? t : null;
}

/** The group's notice: name and summary from the common labels and annotations, else the first alert's. */
export function fromAlertmanager(p: AlertmanagerPayload, now: number): AlertNotice {
  const first = p.alerts[0] as (typeof p.alerts)[number];
  const labels = Object.keys(p.commonLabels).length > 0 ? p.commonLabels : first.labels;
  const annotations = { ...first.annotations, ...p.commonAnnotations };
  const name = labels['alertname'] ?? p.groupLabels['alertname'] ?? first.labels['alertname'] ?? 'alert';
  const summary = annotations['summary'] ?? annotations['description'] ?? annotations['message'] ?? name;
  const firing = p.alerts.filter((a) => a.status === 'firing');
  const starts = p.alerts.map((a) => epoch(a.startsAt)).filter((t): t is number => t !== null);
  const url = first.panelURL ?? first.generatorURL ?? first.dashboardURL ?? p.externalURL;
  const ids = firing.map((a) => a.fingerprint ?? JSON.stringify(Object.entries(a.labels).sort())).sort();
  const digest = createHash('sha256')
    .update(`${p.status}\n${ids.join('\n')}`)
    .digest('hex')
    .slice(0, 16);
  return {
    source: 'alertmanager',
    key: `am:${p.groupKey}`,
    status: p.status,
    name,
    summary,
    labels,
    ...(url ? { url } : {}),
    startsAt: starts.length > 0 ? Math.min(...starts) : now,
    firing: firing.length,
    digest,
  };
}

// What every alert webhook becomes once verified and parsed: one notice about one alert group.

/** One notification about an alert group (Alertmanager group key, PagerDuty incident). */
export interface AlertNotice {
  source: 'alertmanager' | 'pagerduty';
  /** Identity of the group across notifications: the same key never opens a second channel. */
  key: string;
  status: 'firing' | 'resolved';
  /** Alert name (Alertmanager `alertname`, PagerDuty title). */
  name: string;
  /** One line a person reads first (summary/description annotation, PagerDuty title). */
  summary: string;
  /** Labels shared by the group's alerts (commonLabels; PagerDuty service, urgency, priority). */
  labels: Record<string, string>;
  /** Where a person sees the alert (generatorURL, Grafana panel, PagerDuty html_url). */
  url?: string;
  /** When the earliest alert of the group began, epoch ms: the investigation's onset hint. */
  startsAt: number;
  /** How many alerts of the group fire now. */
  firing: number;
  /** Status plus the firing alerts' identities: a resend with the same digest says nothing new. */
  digest: string;
}

/** Labels that name where a problem is, in the order they are tried for an investigation's focus. */
export const FOCUS_LABELS = [
  'service',
  'service_name',
  'app',
  'job',
  'namespace',
  'deployment',
  'container',
  'pod',
] as const;

/** The focus text for an investigation: `label=value` pairs of the labels that locate the problem. */
export function focusOf(notice: AlertNotice): string | undefined {
  const parts = FOCUS_LABELS.flatMap((l) => (notice.labels[l] ? [`${l}=${notice.labels[l]}`] : []));
  return parts.length > 0 ? `alert ${notice.name}: ${parts.join(' ')}` : undefined;
}

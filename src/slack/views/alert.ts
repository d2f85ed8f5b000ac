// The alert message that opens an alert's incident channel, and its follow-ups in the thread.
import type { KnownBlock } from '@slack/types';
import type { AlertNotice } from '../../alerts/types';
import { clip, context, esc, LIMITS, section } from './limits';
import type { Reply } from './help';

const SOURCE: Record<AlertNotice['source'], string> = { alertmanager: 'Alertmanager', pagerduty: 'PagerDuty' };
/** Labels shown on the message; the rest stay in the link. */
const MAX_LABELS = 12;

/** `key=value` labels as inline code, alertname first, at most MAX_LABELS. */
function labelLine(labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) =>
    a === 'alertname' ? -1 : b === 'alertname' ? 1 : a.localeCompare(b),
  );
  const shown = entries.slice(0, MAX_LABELS).map(([k, v]) => `\`${esc(k)}=${esc(clip(v, 80))}\``);
  return shown.join(' ') + (entries.length > MAX_LABELS ? ` (+${entries.length - MAX_LABELS} more)` : '');
}

/** First message: what fired, since when, its labels and a link; replies: what changed since. */
export function renderAlert(n: AlertNotice, followUp: boolean): Reply {
  const icon = n.status === 'resolved' ? ':white_check_mark:' : ':rotating_light:';
  const state =
    n.status === 'resolved'
      ? 'Resolved'
      : followUp
        ? `Still firing (${n.firing} alert${n.firing === 1 ? '' : 's'})`
        : 'Firing';
  // The fallback (a client that cannot localise) reads like the other times the bot writes, not as raw ISO.
  const utc = `${new Date(n.startsAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const since = `<!date^${Math.floor(n.startsAt / 1000)}^{date_short_pretty} {time}|${utc}>`;
  // The link may be a Prometheus graph, a Grafana panel or the incident page: named by its host, not the sender.
  const host = n.url && /^https?:\/\//.test(n.url) ? URL.parse(n.url)?.host : undefined;
  const link = n.url && host ? `<${n.url}|Open on ${esc(host)}>` : '';
  const head = `${icon} *${state}: ${esc(clip(n.name, 200))}* — ${esc(clip(n.summary, 1500))}`;
  const blocks: KnownBlock[] = [
    section(`${head}\nSince ${since} · from ${SOURCE[n.source]}${link ? ` · ${link}` : ''}`),
  ];
  const labels = labelLine(n.labels);
  if (labels) blocks.push(context([labels]));
  const text = clip(`${state}: ${n.name} — ${n.summary}${n.url ? ` ${n.url}` : ''}`, LIMITS.fallbackText);
  return { text, blocks };
}

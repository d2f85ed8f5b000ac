// Incident channel names from ALERT_CHANNEL_TEMPLATE: placeholders filled from the alert, then made
// Slack-safe (lower case, [a-z0-9-_], at most 80 characters).
import type { AlertNotice } from './types';

export const DEFAULT_CHANNEL_TEMPLATE = 'inc-{date}-{alertname}';
export const SLACK_CHANNEL_MAX = 80;

/** Lower-cased, every run of other characters one `-`, no leading/trailing `-`, clipped to `max`. */
export function slackSafe(text: string, max = SLACK_CHANNEL_MAX): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+/, '');
  return s.slice(0, max).replace(/-+$/, '');
}

/**
 * Fills `{date}` (YYYY-MM-DD of the alert's start, UTC), `{alertname}`, `{source}` and `{<label>}`
 * for any of the alert's labels; an unknown placeholder becomes empty.
 */
export function channelName(
  template: string,
  notice: Pick<AlertNotice, 'name' | 'labels' | 'startsAt' | 'source'>,
): string {
  const values: Record<string, string> = {
    ...notice.labels,
    date: new Date(notice.startsAt).toISOString().slice(0, 10),
    alertname: notice.labels['alertname'] ?? notice.name,
    source: notice.source,
  };
  return slackSafe(template.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, k: string) => values[k] ?? ''));
}

/** The n-th alternative when a name is taken: `-2`, `-3`, ... kept within Slack's limit. */
export function withSuffix(name: string, n: number): string {
  const suffix = `-${n}`;
  return `${name.slice(0, SLACK_CHANNEL_MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
}

// What makes two Slack deliveries "the same": Slack retries events it thinks we missed
// (X-Slack-Retry-Num) and people double-click buttons; with two replicas each may receive a copy.
// dispatch.ts claims this identity in the store; the first claim proceeds, the rest are dropped.
import type { RequestKind } from '../metrics';

/** How long an identity is remembered; Slack retries within minutes, so an hour is ample. */
export const DEDUPE_TTL_S = 3600;

function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** What kind of request a body is (for metrics and dedupe). */
export function requestKind(body: unknown): RequestKind {
  const b = rec(body);
  if (!b) return 'other';
  if (b.type === 'event_callback') return 'event';
  if (typeof b.command === 'string') return 'command';
  if (b.type === 'block_actions' || b.type === 'interactive_message') return 'action';
  return 'other';
}

/** The identity that makes two deliveries "the same"; undefined when a body has none we trust. */
export function dedupeKey(body: unknown): string | undefined {
  const b = rec(body);
  if (!b) return undefined;
  switch (requestKind(b)) {
    case 'event': {
      const id = str(b.event_id);
      return id ? `evt:${id}` : undefined;
    }
    case 'action': {
      const action = rec(Array.isArray(b.actions) ? b.actions[0] : undefined);
      const container = rec(b.container);
      const user = str(rec(b.user)?.id);
      const actionId = str(action?.action_id);
      const actionTs = str(action?.action_ts);
      if (actionId && actionTs && user)
        return `act:${str(container?.message_ts) ?? '-'}:${actionId}:${actionTs}:${user}`;
      const trigger = str(b.trigger_id);
      return trigger ? `act:${trigger}` : undefined;
    }
    case 'command': {
      const trigger = str(b.trigger_id);
      return trigger ? `cmd:${trigger}` : undefined;
    }
    default:
      return undefined;
  }
}

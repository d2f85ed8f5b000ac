// Reading a button click: the fields we rely on, validated; anything else is "could not read".
import { z } from 'zod';

const body = z.object({
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }).optional(),
  container: z
    .object({ channel_id: z.string().optional(), message_ts: z.string().optional(), thread_ts: z.string().optional() })
    .optional(),
  actions: z.array(z.object({ action_id: z.string().min(1), value: z.string().max(2000).optional() })).min(1),
});

export interface Click {
  userId: string;
  channelId: string;
  actionId: string;
  value: string;
  messageTs?: string;
  threadTs?: string;
}

/** The click's user, channel, action and value, or null when the payload lacks them. */
export function readClick(raw: unknown): Click | null {
  const p = body.safeParse(raw);
  if (!p.success) return null;
  const b = p.data;
  const channelId = b.channel?.id ?? b.container?.channel_id;
  const action = b.actions[0];
  if (!channelId || !action) return null;
  return {
    userId: b.user.id,
    channelId,
    actionId: action.action_id,
    value: action.value ?? '',
    ...(b.container?.message_ts ? { messageTs: b.container.message_ts } : {}),
    ...(b.container?.thread_ts ? { threadTs: b.container.thread_ts } : {}),
  };
}

export const UNREADABLE = 'I could not read that click. Try again, or use `/triage status`.';

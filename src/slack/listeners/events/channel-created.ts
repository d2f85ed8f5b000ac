// channel_created (name already matched by middleware) -> open the incident.
import { z } from 'zod';
import type { ListenerDeps } from '../deps';

const event = z.object({
  channel: z.object({
    id: z.string().min(1),
    name: z.string().min(1),
    created: z.number().optional(),
    creator: z.string().optional(),
    is_private: z.boolean().optional(),
  }),
});

/** Opens an incident for a newly created incident channel; the incident starts at the channel's creation. */
export function onChannelCreated(deps: Pick<ListenerDeps, 'incidents' | 'logger'>) {
  return async ({ event: raw }: { event: unknown }): Promise<void> => {
    const parsed = event.safeParse(raw);
    if (!parsed.success) {
      deps.logger.warn({ issues: parsed.error.issues.length }, 'channel_created without the fields we need; ignored');
      return;
    }
    const ch = parsed.data.channel;
    await deps.incidents.open({
      channelId: ch.id,
      channelName: ch.name,
      ...(ch.created !== undefined ? { createdAt: ch.created * 1000 } : {}),
      ...(ch.creator ? { userId: ch.creator } : {}),
      ...(ch.is_private ? { isPrivate: true } : {}),
      trigger: 'channel_created',
    });
  };
}

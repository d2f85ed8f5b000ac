// channel_rename into the incident pattern (matched by middleware) -> open the incident.
import { z } from 'zod';
import type { ListenerDeps } from '../deps';

const event = z.object({ channel: z.object({ id: z.string().min(1), name: z.string().min(1) }) });

/** Opens an incident when a channel is renamed to an incident name; it starts now, not at the channel's creation. */
export function onChannelRename(deps: Pick<ListenerDeps, 'incidents' | 'logger' | 'clock'>) {
  return async ({ event: raw }: { event: unknown }): Promise<void> => {
    const parsed = event.safeParse(raw);
    if (!parsed.success) {
      deps.logger.warn('channel_rename without the fields we need; ignored');
      return;
    }
    const ch = parsed.data.channel;
    await deps.incidents.open({
      channelId: ch.id,
      channelName: ch.name,
      createdAt: deps.clock.now().getTime(),
      trigger: 'channel_rename',
    });
  };
}

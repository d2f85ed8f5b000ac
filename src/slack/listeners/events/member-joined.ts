// member_joined_channel for our own bot user (middleware checked that): someone invited us, which is
// the only way into a private channel. The event carries only the channel id, so ask for the name.
import { z } from 'zod';
import type { ListenerDeps } from '../deps';

const event = z.object({
  channel: z.string().min(1),
  channel_type: z.string().optional(),
  inviter: z.string().optional(),
});

/** Opens an incident when the bot is added to a channel whose name matches the pattern. */
export function onMemberJoined(deps: Pick<ListenerDeps, 'incidents' | 'poster' | 'logger' | 'clock'>) {
  return async ({ event: raw }: { event: unknown }): Promise<void> => {
    const parsed = event.safeParse(raw);
    if (!parsed.success) return;
    const info = await deps.poster.channelInfo(parsed.data.channel);
    if (!deps.incidents.matches(info.name)) return;
    await deps.incidents.open({
      channelId: info.id,
      channelName: info.name,
      createdAt: deps.clock.now().getTime(),
      ...(parsed.data.inviter ? { userId: parsed.data.inviter } : {}),
      isPrivate: info.isPrivate || parsed.data.channel_type === 'G',
      trigger: 'member_joined',
    });
  };
}

// Listener middleware: channel events only reach their listener when the channel name matches
// INCIDENT_CHANNEL_PATTERN. Every other channel gets nothing at all: no join, no message.
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { z } from 'zod';

const named = z.object({ channel: z.object({ name: z.string() }) });

/** Passes channel_created / channel_rename events whose channel name matches `pattern`. */
export function incidentChannelName(pattern: RegExp): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const parsed = named.safeParse(args.payload);
    if (parsed.success && pattern.test(parsed.data.channel.name)) await args.next();
  };
}

/** Passes member_joined_channel events only when the member who joined is this app's bot user. */
export function botJoined(): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const user = z.object({ user: z.string() }).safeParse(args.payload);
    if (user.success && args.context.botUserId !== undefined && user.data.user === args.context.botUserId)
      await args.next();
  };
}

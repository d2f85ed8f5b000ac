// @Incident Scout in an incident channel: inside a thread it is a follow-up question for the
// investigation; at the top level it gets a one-line hint. Outside incident channels, and from bots: nothing.
import { z } from 'zod';
import type { ListenerDeps } from '../deps';

const event = z.object({
  channel: z.string().min(1),
  user: z.string().min(1),
  text: z.string(),
  ts: z.string(),
  thread_ts: z.string().optional(),
  bot_id: z.string().optional(),
  subtype: z.string().optional(),
});

/** Removes `<@U…>` mention tokens and surrounding space from a message. */
export function stripMentions(text: string): string {
  return text
    .replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Routes a mention in an incident channel to investigations.followUp (threads) or a usage hint. */
export function onAppMention(deps: Pick<ListenerDeps, 'incidents' | 'investigations' | 'poster' | 'logger'>) {
  return async ({ event: raw }: { event: unknown }): Promise<void> => {
    const parsed = event.safeParse(raw);
    if (!parsed.success) return;
    const e = parsed.data;
    // Another bot (or this one) mentioning us is not a person asking: its text must not start a follow-up.
    if (e.bot_id !== undefined || e.subtype === 'bot_message') {
      deps.logger.debug({ channel: e.channel, botId: e.bot_id }, 'ignoring a mention by a bot');
      return;
    }
    const incident = await deps.incidents.find(e.channel);
    if (!incident) return;
    const question = stripMentions(e.text);
    if (!e.thread_ts || !question) {
      await deps.poster.ephemeral({
        channel: e.channel,
        user: e.user,
        ...(e.thread_ts ? { threadTs: e.thread_ts } : {}),
        text: 'Ask me inside an investigation thread: `@Incident Scout <question>`. For commands, try `/triage help`.',
      });
      return;
    }
    await deps.investigations.followUp({ incidentId: incident.id, threadTs: e.thread_ts, question, userId: e.user });
  };
}

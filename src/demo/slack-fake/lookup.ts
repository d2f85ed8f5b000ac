// Lookups and JSON shapes shared by the Slack fake's methods.
import { reqStr, type Args } from './args';
import { SlackApiError, type SlackFake } from './fake';
import type { FakeChannel, FakeMessage } from './types';

/** Resolves `channel` (id, `#name` or name) to a channel the bot can see. */
export function channelArg(fake: SlackFake, args: Args, key = 'channel'): FakeChannel {
  const ref = reqStr(args, key, 'channel_not_found');
  const ch = fake.channels.get(ref) ?? fake.findChannelByName(ref);
  // Private channels are invisible to a bot that is not a member, exactly as Slack answers.
  if (!ch || (ch.isPrivate && !ch.botIsMember)) throw new SlackApiError('channel_not_found');
  return ch;
}

export function requireMember(ch: FakeChannel): void {
  if (ch.isArchived) throw new SlackApiError('is_archived');
  if (!ch.botIsMember) throw new SlackApiError('not_in_channel');
}

/** The thread root for a `thread_ts`, or `thread_not_found`. */
export function threadRoot(fake: SlackFake, channel: string, threadTs: string | undefined): string | undefined {
  if (threadTs === undefined) return undefined;
  const m = fake.message(channel, threadTs);
  if (!m) throw new SlackApiError('thread_not_found');
  return m.threadTs ?? m.ts;
}

export function channelJson(fake: SlackFake, ch: FakeChannel): Record<string, unknown> {
  return {
    id: ch.id,
    name: ch.name,
    is_channel: !ch.isPrivate,
    is_group: false,
    is_im: false,
    is_private: ch.isPrivate,
    is_member: ch.botIsMember,
    is_archived: ch.isArchived,
    created: ch.created,
    creator: fake.botUserId,
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
  };
}

export function messageJson(fake: SlackFake, m: FakeMessage): Record<string, unknown> {
  return {
    type: 'message',
    ts: m.ts,
    user: m.user,
    text: m.text,
    team: fake.teamId,
    ...(m.botId ? { bot_id: m.botId, app_id: 'A0FAKEAPP1' } : {}),
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.metadata ? { metadata: m.metadata } : {}),
    ...(m.edited ? { edited: m.edited } : {}),
    ...(m.files.length ? { upload: true, files: m.files.map((id) => fileJson(fake, id)) } : {}),
  };
}

/** A shared file as a listed message carries it: Slack's file object, trimmed to the fields the fake knows. */
function fileJson(fake: SlackFake, id: string): Record<string, unknown> {
  const f = fake.fileIndex.get(id);
  return {
    id,
    name: f?.filename,
    title: f?.title,
    mimetype: f?.mimetype,
    size: f?.length,
    user: fake.botUserId,
    ...(f?.altText !== undefined ? { alt_txt: f.altText } : {}),
  };
}

// Web API methods of the Slack fake, with the errors the real API returns for the same mistakes.
import { blocksArg, metadataArg, optBool, optStr, reqStr, type Args } from './args';
import { SlackApiError, type SlackFake } from './fake';
import { MAX_BLOCK_TEXT, blocksTextLength } from './blocks';
import { filesCompleteUploadExternal, filesGetUploadURLExternal } from './files';
import { channelArg, channelJson, messageJson, requireMember, threadRoot } from './lookup';
import type { FakeChannel, FakeMessage } from './types';

export type Method = (fake: SlackFake, args: Args) => Record<string, unknown>;

/** Messages newest first as Slack lists them, after `oldest`; metadata only with include_all_metadata. */
function listed(fake: SlackFake, list: FakeMessage[], args: Args): Record<string, unknown> {
  const oldest = Number(optStr(args, 'oldest') ?? '0');
  const limit = Math.min(Math.max(Number(optStr(args, 'limit') ?? '100') || 100, 1), 1000);
  const withMeta = optBool(args, 'include_all_metadata') === true;
  const after = list.filter((m) => Number(m.ts) > oldest).sort((a, b) => Number(b.ts) - Number(a.ts));
  const page = after.slice(0, limit).map((m) => {
    const json = messageJson(fake, m);
    if (!withMeta) delete json.metadata;
    return json;
  });
  return { messages: page, has_more: after.length > limit };
}

// conversations.history / .replies: needs channels:history (groups:history for private channels).
// The app reads only its own messages, to find a post whose confirmation a crash lost.
const history: Method = (fake, args) => {
  const ch = channelArg(fake, args);
  requireMember(ch);
  return listed(fake, fake.messages(ch.id), args);
};

const replies: Method = (fake, args) => {
  const ch = channelArg(fake, args);
  requireMember(ch);
  const ts = reqStr(args, 'ts', 'thread_not_found');
  const parent = fake.messages(ch.id).find((m) => m.ts === ts);
  if (!parent) throw new SlackApiError('thread_not_found');
  return listed(fake, [parent, ...parent.replies], args);
};

/** Text and blocks checks shared by postMessage, update and postEphemeral. */
function content(args: Args): { text: string; blocks: unknown[] | undefined } {
  const blocks = blocksArg(args);
  const text = optStr(args, 'text') ?? '';
  if (text === '' && (!blocks || blocks.length === 0) && optStr(args, 'attachments') === undefined)
    throw new SlackApiError('no_text');
  if (text.length > 40000) throw new SlackApiError('msg_too_long');
  if (blocks && blocksTextLength(blocks) > MAX_BLOCK_TEXT) throw new SlackApiError('msg_blocks_too_long');
  return { text, blocks };
}

const postMessage: Method = (fake, args) => {
  const ch = channelArg(fake, args);
  requireMember(ch);
  const { text, blocks } = content(args);
  const metadata = metadataArg(args);
  const root = threadRoot(fake, ch.id, optStr(args, 'thread_ts'));
  const ts = fake.nextTs();
  const msg: FakeMessage = {
    channel: ch.id,
    ts,
    threadTs: root,
    user: fake.botUserId,
    botId: fake.botId,
    text,
    blocks,
    metadata,
    reactions: [],
    files: [],
  };
  fake.messageIndex.set(`${ch.id}/${ts}`, msg);
  return { channel: ch.id, ts, message: messageJson(fake, msg) };
};

const update: Method = (fake, args) => {
  const ch = channelArg(fake, args);
  requireMember(ch);
  const ts = reqStr(args, 'ts', 'message_not_found');
  const msg = fake.message(ch.id, ts);
  if (!msg) throw new SlackApiError('message_not_found');
  if (msg.user !== fake.botUserId) throw new SlackApiError('cant_update_message');
  const { text, blocks } = content(args);
  const metadata = metadataArg(args);
  msg.text = text;
  if (blocks !== undefined) msg.blocks = blocks;
  if (metadata !== undefined) msg.metadata = metadata;
  msg.edited = { user: fake.botUserId, ts: fake.nextTs() };
  return { channel: ch.id, ts, text, message: messageJson(fake, msg) };
};

const postEphemeral: Method = (fake, args) => {
  const ch = channelArg(fake, args);
  requireMember(ch);
  const user = reqStr(args, 'user', 'user_not_in_channel');
  if (!fake.users.has(user)) throw new SlackApiError('user_not_in_channel');
  const { text, blocks } = content(args);
  const threadTs = optStr(args, 'thread_ts');
  const ts = fake.nextTs();
  fake.ephemeralLog.push({ channel: ch.id, user, ts, threadTs, text, blocks, source: 'chat.postEphemeral' });
  return { message_ts: ts };
};

const getPermalink: Method = (fake, args) => {
  const ch = channelArg(fake, args);
  const ts = reqStr(args, 'message_ts', 'message_not_found');
  if (!fake.message(ch.id, ts)) throw new SlackApiError('message_not_found');
  return { channel: ch.id, permalink: `https://fake-workspace.slack.com/archives/${ch.id}/p${ts.replace('.', '')}` };
};

const join: Method = (fake, args) => {
  const ref = reqStr(args, 'channel', 'channel_not_found');
  const ch = fake.channels.get(ref);
  if (!ch) throw new SlackApiError('channel_not_found');
  // A bot cannot join a private channel itself; once a human invited it, join is a harmless no-op.
  if (ch.isPrivate && !ch.botIsMember) throw new SlackApiError('method_not_supported_for_channel_type');
  if (ch.isArchived) throw new SlackApiError('is_archived');
  const already = ch.botIsMember;
  ch.botIsMember = true;
  return {
    channel: channelJson(fake, ch),
    ...(already ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } } : {}),
  };
};

const info: Method = (fake, args) => ({ channel: channelJson(fake, channelArg(fake, args)) });

// conversations.create: Slack's name rules (lower case, no spaces or periods, at most 80 characters).
const create: Method = (fake, args) => {
  const name = reqStr(args, 'name', 'invalid_name_required');
  if (name.length > 80) throw new SlackApiError('invalid_name_maxlength');
  if (/^[-_]+$/.test(name)) throw new SlackApiError('invalid_name_punctuation');
  if (!/^[a-z0-9_-]+$/.test(name)) throw new SlackApiError('invalid_name_specials');
  if (fake.findChannelByName(name)) throw new SlackApiError('name_taken');
  const id = fake.addChannel({ name, isPrivate: optBool(args, 'is_private'), botIsMember: true });
  const ch = fake.channels.get(id) as FakeChannel;
  return { channel: channelJson(fake, ch) };
};

// conversations.invite: up to 1000 comma-separated ids; without `force` one bad id invites nobody.
const invite: Method = (fake, args) => {
  const ch = channelArg(fake, args);
  requireMember(ch);
  const ids = (optStr(args, 'users') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new SlackApiError('no_user');
  if (ids.length > 1000) throw new SlackApiError('too_many_users');
  const errors: Array<{ user: string; ok: false; error: string }> = [];
  const valid: string[] = [];
  for (const user of ids) {
    const error =
      user === fake.botUserId
        ? 'cant_invite_self'
        : !fake.users.has(user)
          ? 'user_not_found'
          : (ch.members ?? []).includes(user)
            ? 'already_in_channel'
            : null;
    if (error) errors.push({ user, ok: false, error });
    else valid.push(user);
  }
  const force = optBool(args, 'force') === true;
  if (errors.length > 0 && (!force || valid.length === 0))
    throw new SlackApiError((errors[0] as { error: string }).error, { errors });
  ch.members = [...(ch.members ?? []), ...valid];
  return { channel: channelJson(fake, ch), ...(errors.length > 0 ? { errors } : {}) };
};

const usersInfo: Method = (fake, args) => {
  const u = fake.users.get(reqStr(args, 'user', 'user_not_found'));
  if (!u) throw new SlackApiError('user_not_found');
  return {
    user: {
      id: u.id,
      team_id: fake.teamId,
      name: u.name,
      real_name: u.realName,
      deleted: false,
      is_bot: u.isBot,
      is_admin: false,
      tz: 'Etc/UTC',
      profile: { real_name: u.realName, display_name: u.name },
    },
  };
};

const usergroupUsers: Method = (fake, args) => {
  const g = fake.usergroups.get(reqStr(args, 'usergroup', 'no_such_subteam'));
  if (!g) throw new SlackApiError('no_such_subteam');
  return { users: [...g.users] };
};

const reactionsAdd: Method = (fake, args) => {
  const ch = channelArg(fake, args);
  requireMember(ch);
  const name = reqStr(args, 'name', 'invalid_name').replace(/^:|:$/g, '');
  if (!/^[a-z0-9_+'-]+$/.test(name)) throw new SlackApiError('invalid_name');
  const msg = fake.message(ch.id, reqStr(args, 'timestamp', 'no_item_specified'));
  if (!msg) throw new SlackApiError('message_not_found');
  const r = msg.reactions.find((x) => x.name === name);
  if (r?.users.includes(fake.botUserId)) throw new SlackApiError('already_reacted');
  if (r) r.users.push(fake.botUserId);
  else msg.reactions.push({ name, users: [fake.botUserId] });
  return {};
};

const authTest: Method = (fake) => ({
  url: 'https://fake-workspace.slack.com/',
  team: 'Fake Workspace',
  user: fake.botName,
  team_id: fake.teamId,
  user_id: fake.botUserId,
  bot_id: fake.botId,
  is_enterprise_install: false,
});

/** Every method the fake implements; anything else is `unknown_method`. */
export const METHODS: Record<string, Method> = {
  'auth.test': authTest,
  'conversations.join': join,
  'conversations.info': info,
  'conversations.create': create,
  'conversations.invite': invite,
  'conversations.history': history,
  'conversations.replies': replies,
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'chat.getPermalink': getPermalink,
  'users.info': usersInfo,
  'usergroups.users.list': usergroupUsers,
  'reactions.add': reactionsAdd,
  'files.getUploadURLExternal': filesGetUploadURLExternal,
  'files.completeUploadExternal': filesCompleteUploadExternal,
};

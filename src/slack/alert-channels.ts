// The Slack side of the alert use case: conversations.create / .invite and the alert messages.
import type { WebClient } from '@slack/web-api';
import { webApi } from '@slack/bolt';
import { ChannelNameTaken, type AlertChannels } from '../alerts/port';
import { SlackApiError } from '../domain/errors';
import type { Logger } from '../logging';
import type { Poster } from './poster';
import { renderAlert } from './views/alert';

/** conversations.invite takes at most 1000 users per call. */
const INVITE_BATCH = 1000;
/** Invite errors that leave nothing to do: the person is there, is the bot, or no longer exists. */
const HARMLESS_INVITE = new Set(['already_in_channel', 'cant_invite_self', 'user_not_found', 'user_is_restricted']);

function platformError(err: unknown): string | undefined {
  return err instanceof webApi.WebAPIPlatformError ? err.data.error : undefined;
}

/** AlertChannels over the Web API (creating and inviting) and the Poster (messages, idempotent by key). */
export function slackAlertChannels(deps: {
  client: WebClient;
  poster: Pick<Poster, 'post' | 'usergroupMembers'>;
  logger: Logger;
}): AlertChannels {
  const { client, poster, logger } = deps;
  return {
    async create(name, isPrivate) {
      try {
        const res = await client.conversations.create({ name, is_private: isPrivate });
        const ch = res.channel;
        if (!ch?.id) throw new SlackApiError('conversations.create', 'no_channel_in_response');
        return { id: ch.id, name: ch.name ?? name };
      } catch (err) {
        const code = platformError(err);
        if (code === 'name_taken') throw new ChannelNameTaken(name);
        if (code) throw new SlackApiError('conversations.create', code, { cause: err });
        throw err;
      }
    },
    async invite(channelId, userIds) {
      for (let i = 0; i < userIds.length; i += INVITE_BATCH) {
        const users = userIds.slice(i, i + INVITE_BATCH);
        try {
          // force: the valid ids are invited even when some in the list are not.
          await client.conversations.invite({ channel: channelId, users: users.join(','), force: true });
        } catch (err) {
          const code = platformError(err);
          if (code && HARMLESS_INVITE.has(code)) {
            logger.info({ channelId, error: code }, 'alert invite: some people were not invited');
            continue;
          }
          if (code) throw new SlackApiError('conversations.invite', code, { cause: err });
          throw err;
        }
      }
    },
    usergroupMembers: (groupId) => poster.usergroupMembers(groupId),
    async postAlert({ channelId, notice, threadTs, key }) {
      const view = renderAlert(notice, threadTs !== undefined);
      return poster.post({
        channel: channelId,
        text: view.text,
        blocks: view.blocks,
        key,
        ...(threadTs ? { threadTs } : {}),
      });
    },
  };
}

// What the alert use case needs from Slack, as a narrow port (adapter: src/slack/alert-channels.ts).
import { ScoutError } from '../domain/errors';
import type { AlertNotice } from './types';

/** conversations.create answered `name_taken`: the caller tries the next name. */
export class ChannelNameTaken extends ScoutError {
  readonly code = 'channel_name_taken';
  constructor(readonly channelName: string) {
    super(`a channel named #${channelName} exists`);
  }
}

export interface AlertChannels {
  /** Creates a channel the bot is a member of; throws ChannelNameTaken when the name is in use. */
  create(name: string, isPrivate: boolean): Promise<{ id: string; name: string }>;
  /** Invites users; users already there or unknown are skipped (and logged), never fatal. */
  invite(channelId: string, userIds: string[]): Promise<void>;
  /** Members of a usergroup (S…). */
  usergroupMembers(groupId: string): Promise<string[]>;
  /** Posts the alert (top level, or a reply when threadTs is given) once per key; returns its ts. */
  postAlert(req: {
    channelId: string;
    notice: AlertNotice;
    threadTs?: string;
    key: string;
    update?: boolean;
  }): Promise<string>;
}

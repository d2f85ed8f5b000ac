// State shapes of the Slack fake, readable by tests and by the transcript renderer.

export interface FakeChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  botIsMember: boolean;
  isArchived: boolean;
  created: number;
  /** People invited with conversations.invite (the bot's membership is botIsMember). */
  members?: string[];
}

export interface FakeUser {
  id: string;
  name: string;
  realName: string;
  isBot: boolean;
}

export interface FakeUsergroup {
  id: string;
  handle: string;
  users: string[];
}

export interface FakeReaction {
  name: string;
  users: string[];
}

export interface FakeMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  /** Set on replies: the ts of the thread's parent. */
  threadTs?: string | undefined;
  user: string;
  /** Set when a bot (our app) posted it. */
  botId?: string | undefined;
  text: string;
  blocks?: unknown[] | undefined;
  metadata?: FakeMetadata | undefined;
  edited?: { user: string; ts: string } | undefined;
  reactions: FakeReaction[];
  files: string[];
}

/** A top-level message with its thread replies, oldest first. */
export interface FakeThread extends FakeMessage {
  replies: FakeMessage[];
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  ts: string;
  threadTs?: string | undefined;
  text: string;
  blocks?: unknown[] | undefined;
  source: 'chat.postEphemeral' | 'response_url';
}

export interface FakeFile {
  id: string;
  filename: string;
  title?: string | undefined;
  length: number;
  content?: Buffer | undefined;
  /** What Slack sniffed from the bytes: `image/png` for a PNG, else text. */
  mimetype?: string | undefined;
  /** The image's alt text (files.getUploadURLExternal `alt_text`). */
  altText?: string | undefined;
  channel?: string | undefined;
  threadTs?: string | undefined;
  completed: boolean;
}

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  status: number;
  ok: boolean;
  error?: string | undefined;
}

/** What a response_url points back at. */
export interface ResponseTarget {
  id: string;
  channel: string;
  user: string;
  messageTs?: string | undefined;
  threadTs?: string | undefined;
  uses: number;
}

export type SlackFault = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 } | { error: string };

/** Everything the transcript renderer needs for one channel; plain data. */
export interface ChannelSnapshot {
  channel: FakeChannel;
  threads: FakeThread[];
  ephemerals: FakeEphemeral[];
  users: FakeUser[];
  files: FakeFile[];
}

// The one way the app talks to Slack's Web API. Rate limits and 5xx bursts are retried by the
// WebClient itself (see SLACK_RETRY_CONFIG); this class adds what the client cannot know:
// per-channel ordering, idempotent posts, join-on-not_in_channel and typed, logged errors.
import type { KnownBlock } from '@slack/types';
import type {
  ChatPostMessageArguments,
  ChatUpdateArguments,
  FilesUploadV2Arguments,
  RetryOptions,
  WebClient,
} from '@slack/web-api';
import { SlackApiError } from '../domain/errors';
import { systemClock, type Clock } from '../domain/time';
import type { Logger } from '../logging';
import type { Store } from '../store/port';
import type { AppMetrics } from '../metrics';
import { groupDocs, userDocs, type UserDoc } from './poster-docs';
import { makeOnce, type OnceDeps } from './poster-once';
import { fitted, isPostOf, redactOutgoing, slackErrorCode, withKey } from './poster-support';
import { SerialQueues } from './serial-queues';
import { fitMessage } from './views/limits';

export { slackErrorCode } from './poster-support';

/**
 * Retries for the WebClient: with `rejectRateLimitedCalls: false` it sleeps for Retry-After on a
 * 429 (pausing its whole request queue) and retries; 5xx and network errors are retried with
 * backoff. Five attempts within roughly half a minute, instead of the default's thirty minutes,
 * because a finding that arrives half an hour late is worse than a logged failure.
 */
export const SLACK_RETRY_CONFIG: RetryOptions = {
  retries: 4,
  factor: 2,
  minTimeout: 500,
  maxTimeout: 8_000,
  randomize: true,
};

export interface PostArgs {
  channel: string;
  threadTs?: string;
  text: string;
  blocks?: KnownBlock[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** idempotency key: a second post with the same key returns the first ts and posts nothing */
  key?: string;
}

/** An upload: `key` makes it at most once, as for posts. */
export interface UploadArgs {
  channel: string;
  threadTs?: string;
  filename: string;
  title: string;
  altText?: string;
  comment?: string;
  key?: string;
}

/** What the Poster reads of a listed message when it looks for its own post or file. */
interface ListedFile {
  id?: string;
  name?: string;
  title?: string;
}
type ListedMessage = {
  ts?: string;
  bot_id?: string;
  metadata?: { event_type?: string; event_payload?: unknown };
  files?: ListedFile[];
};

const USER_TTL_S = 24 * 3600;
/**
 * How long a usergroup's member list is trusted. usergroups.users.list is a Tier 2 method (about 20
 * calls a minute), so asking on every Approve click would be throttled exactly when people click
 * most; a `subteam_members_changed` event ends the minute early (forgetUsergroup).
 */
const GROUP_FRESH_MS = 60_000;
const GROUP_TTL_S = 24 * 3600;
/** Worth another try: throttling, HTTP 5xx, transport failures. Not internal_error: Slack may have acted already. */
const TRANSIENT = /^(ratelimited|request_failed|http_5\d\d)$/;
/** How long one call may keep retrying transient failures in all, and the pauses between tries. */
const TRANSIENT_RETRY_MS = 120_000;
const TRANSIENT_FIRST_PAUSE_MS = 1_000;
const TRANSIENT_MAX_PAUSE_MS = 8_000;

// The SDK's argument types are unions keyed on which optional fields are present, which
// conditional spreads cannot satisfy under exactOptionalPropertyTypes; the objects below are
// built from typed PostArgs, so the casts only pick the union member.

/** Posts, updates and looks up through one WebClient; see the file comment for what it guarantees. */
export class Poster {
  private readonly client: WebClient;
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly metrics: AppMetrics | undefined;
  private readonly clock: Clock;
  private readonly queues = new SerialQueues();
  private readonly groupFetches = new Map<string, Promise<string[]>>();

  constructor(deps: { client: WebClient; store: Store; logger: Logger; metrics?: AppMetrics; clock?: Clock }) {
    this.client = deps.client;
    this.store = deps.store;
    this.logger = deps.logger;
    this.metrics = deps.metrics;
    this.clock = deps.clock ?? systemClock;
  }

  /** Posts a message (or thread reply) and returns its ts; with `key`, at most once per key. */
  post(raw: PostArgs): Promise<string> {
    const args = redactOutgoing(raw);
    // Within Slack's limits by construction: what does not fit one message continues in the thread.
    const [first, ...more] = fitMessage(args, { split: true, inThread: args.threadTs !== undefined });
    return this.queues.run(args.channel, async () => {
      const head = { ...args, ...fitted(first) };
      const ts = args.key ? await this.postOnce(head, args.key) : await this.postNow(head);
      for (const [i, m] of more.entries()) {
        const cont: PostArgs = { channel: args.channel, threadTs: args.threadTs ?? ts, ...fitted(m) };
        if (args.key) await this.postOnce(cont, `${args.key}:more${i + 1}`);
        else await this.postNow(cont);
      }
      return ts;
    });
  }

  /** Replaces a message's text, blocks and metadata in place. */
  update(raw: {
    channel: string;
    ts: string;
    text: string;
    blocks?: KnownBlock[];
    metadata?: PostArgs['metadata'];
  }): Promise<void> {
    const redacted = redactOutgoing(raw);
    // An edit cannot add messages: what does not fit is trimmed, with a line saying so.
    const [fit] = fitMessage(redacted, { split: false, inThread: true });
    const { blocks: _blocks, ...rest } = redacted;
    const args = { ...rest, ...fitted(fit) };
    return this.queues.run(args.channel, async () => {
      await this.call('chat.update', args.channel, () =>
        this.client.chat.update({
          channel: args.channel,
          ts: args.ts,
          text: args.text,
          ...(args.blocks ? { blocks: args.blocks } : {}),
          ...(args.metadata ? { metadata: args.metadata } : {}),
        } as ChatUpdateArguments),
      );
    });
  }

  /** A message only `user` sees. */
  ephemeral(raw: {
    channel: string;
    user: string;
    text: string;
    blocks?: KnownBlock[];
    threadTs?: string;
  }): Promise<void> {
    const redacted = redactOutgoing(raw);
    const [fit] = fitMessage(redacted, { split: false, inThread: true });
    const { blocks: _blocks, ...rest } = redacted;
    const args = { ...rest, ...fitted(fit) };
    return this.queues.run(args.channel, async () => {
      await this.call('chat.postEphemeral', args.channel, () =>
        this.client.chat.postEphemeral({
          channel: args.channel,
          user: args.user,
          text: args.text,
          ...(args.blocks ? { blocks: args.blocks } : {}),
          ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
        }),
      );
    });
  }

  /** Joins a public channel (a no-op when already a member). */
  async join(channel: string): Promise<void> {
    await this.call('conversations.join', channel, () => this.client.conversations.join({ channel }), false);
  }

  /** Adds a reaction; a reaction that is already there counts as done. */
  react(channel: string, ts: string, name: string): Promise<void> {
    return this.queues.run(channel, async () => {
      try {
        await this.call('reactions.add', channel, () => this.client.reactions.add({ channel, timestamp: ts, name }));
      } catch (err) {
        if (err instanceof SlackApiError && err.slackError === 'already_reacted') return;
        throw err;
      }
    });
  }

  /** Uploads text as a file into the channel (or thread); with `key`, at most once per key. */
  uploadText(raw: UploadArgs & { content: string }): Promise<void> {
    return this.upload(raw);
  }

  /**
   * Uploads bytes (a chart PNG) into the channel (or thread); `altText` is what screen readers and
   * notifications say the picture shows. With `key`, at most once per key.
   */
  uploadFile(raw: UploadArgs & { data: Buffer }): Promise<void> {
    const { data, ...meta } = raw;
    return this.upload(meta, data);
  }

  /** files.uploadV2 of `content` or `file`; with a key, claimed, made and recorded like a keyed post. */
  private upload(raw: UploadArgs & { content?: string }, file?: Buffer): Promise<void> {
    const args = redactOutgoing(raw);
    const uploadNow = async (): Promise<string> => {
      const res = await this.call('files.uploadV2', args.channel, () =>
        this.client.files.uploadV2({
          channel_id: args.channel,
          filename: args.filename,
          title: args.title,
          ...(file ? { file } : { content: args.content ?? '' }),
          ...(args.altText ? { alt_text: args.altText } : {}),
          ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
          ...(args.comment ? { initial_comment: args.comment } : {}),
        } as FilesUploadV2Arguments),
      );
      // uploadV2 answers with each files.completeUploadExternal response.
      const done = res as { files?: Array<{ files?: Array<{ id?: string }> }> };
      return done.files?.[0]?.files?.[0]?.id ?? '';
    };
    return this.queues.run(args.channel, async () => {
      if (!args.key) {
        await uploadNow();
        return;
      }
      const once = { key: `upload:${args.key}`, channel: args.channel, method: 'files.uploadV2' };
      await makeOnce(this.onceDeps(), once, { find: (since) => this.findUploaded(args, since), make: uploadNow });
    });
  }

  /** A person's display name (real name, else handle), cached in the store for a day. */
  async userName(userId: string): Promise<string> {
    return (await this.user(userId)).name;
  }

  /** Whether Slack says the user is a bot (cached with the name). */
  async isBot(userId: string): Promise<boolean> {
    return (await this.user(userId)).isBot;
  }

  /**
   * Member user ids of a user group: Slack's list from the last minute, unless Slack has since said
   * the members changed. Concurrent checks of one group in this process share one call.
   */
  async usergroupMembers(groupId: string): Promise<string[]> {
    const cached = await groupDocs.in(this.store).get(groupId);
    const now = this.clock.now().getTime();
    if (cached && cached.fetchedAt > cached.changedAt && now - cached.fetchedAt < GROUP_FRESH_MS) return cached.users;
    let pending = this.groupFetches.get(groupId);
    if (!pending) {
      pending = this.fetchUsergroup(groupId).finally(() => this.groupFetches.delete(groupId));
      this.groupFetches.set(groupId, pending);
    }
    return pending;
  }

  /** Slack reported a membership change (subteam_members_changed): the next check asks Slack again. */
  async forgetUsergroup(groupId: string): Promise<void> {
    const now = this.clock.now().getTime();
    this.groupFetches.delete(groupId);
    await groupDocs
      .in(this.store)
      .update(
        groupId,
        (cur) => ({ users: cur?.users ?? [], fetchedAt: cur?.fetchedAt ?? 0, changedAt: now }),
        GROUP_TTL_S,
      );
  }

  private async fetchUsergroup(groupId: string): Promise<string[]> {
    const started = this.clock.now().getTime();
    const res = await this.call('usergroups.users.list', undefined, () =>
      this.client.usergroups.users.list({ usergroup: groupId }),
    );
    const users = res.users ?? [];
    // A change reported while the call was out may not be in its answer: then the list is used once, not kept.
    await groupDocs
      .in(this.store)
      .update(
        groupId,
        (cur) =>
          cur && cur.changedAt >= started ? undefined : { users, fetchedAt: started, changedAt: cur?.changedAt ?? 0 },
        GROUP_TTL_S,
      );
    return users;
  }

  /** Channel name and privacy, for events that carry only the id. */
  async channelInfo(channel: string): Promise<{ id: string; name: string; isPrivate: boolean }> {
    const res = await this.call(
      'conversations.info',
      channel,
      () => this.client.conversations.info({ channel }),
      false,
    );
    return {
      id: res.channel?.id ?? channel,
      name: res.channel?.name ?? '',
      isPrivate: res.channel?.is_private === true,
    };
  }

  private async user(userId: string): Promise<UserDoc> {
    const cached = await userDocs.in(this.store).get(userId);
    if (cached) return cached;
    const res = await this.call('users.info', undefined, () => this.client.users.info({ user: userId }));
    const u = res.user;
    const doc: UserDoc = {
      name: u?.real_name || u?.profile?.real_name || u?.name || userId,
      isBot: u?.is_bot === true,
    };
    await userDocs.in(this.store).put(userId, doc, USER_TTL_S);
    return doc;
  }

  private async postNow(args: PostArgs): Promise<string> {
    const res = await this.call('chat.postMessage', args.channel, () =>
      this.client.chat.postMessage({
        channel: args.channel,
        text: args.text,
        ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
        ...(args.blocks ? { blocks: args.blocks } : {}),
        ...(args.metadata ? { metadata: args.metadata } : {}),
      } as ChatPostMessageArguments),
    );
    if (!res.ts) throw new SlackApiError('chat.postMessage', 'no_ts_in_response');
    return res.ts;
  }

  private onceDeps(): OnceDeps {
    return { store: this.store, logger: this.logger, clock: this.clock };
  }

  private postOnce(args: PostArgs, key: string): Promise<string> {
    return makeOnce(
      this.onceDeps(),
      { key, channel: args.channel, method: 'chat.postMessage' },
      {
        find: (since) => this.findPosted(args, key, since),
        make: () => this.postNow(withKey(args, key)),
      },
    );
  }

  /** Our keyed message in the channel (or thread) posted since `sinceMs`, by the key in its metadata. */
  private async findPosted(args: PostArgs, key: string, sinceMs: number): Promise<string | null> {
    const listed = await this.listSince(args, sinceMs, key);
    return listed.find((m) => isPostOf(m, args, key))?.ts ?? null;
  }

  /**
   * Our file in the channel (or thread) shared since `sinceMs`, by its name and title (a file carries no
   * metadata; the callers' names are stable per key: the chart of a scout's round, the incident's draft).
   * A file whose upload was never completed was never shared, so it is not found and is uploaded again.
   */
  private async findUploaded(args: UploadArgs, sinceMs: number): Promise<string | null> {
    const listed = await this.listSince(args, sinceMs, args.key ?? '');
    const ours = (f: ListedFile): boolean => f.name === args.filename && f.title === args.title;
    return listed.flatMap((m) => (m.bot_id ? (m.files ?? []) : [])).find(ours)?.id ?? null;
  }

  /**
   * The messages of a channel (or thread) since `sinceMs`, to find what a dead process made. Reads only with
   * channels:history / groups:history; a failed look-up lists nothing (so the post or upload is made).
   */
  private async listSince(
    where: { channel: string; threadTs?: string },
    sinceMs: number,
    key: string,
  ): Promise<ListedMessage[]> {
    const oldest = String(Math.floor(sinceMs / 1000) - 1);
    const page = { channel: where.channel, oldest, include_all_metadata: true, limit: 200 };
    try {
      const res = where.threadTs
        ? await this.call('conversations.replies', where.channel, () =>
            this.client.conversations.replies({ ...page, ts: where.threadTs as string }),
          )
        : await this.call('conversations.history', where.channel, () => this.client.conversations.history(page));
      return (res.messages ?? []) as ListedMessage[];
    } catch (err) {
      this.logger.warn({ err, key, channel: where.channel }, 'could not look for an earlier post; posting');
      return [];
    }
  }

  /**
   * Runs one API call: counts it, joins and retries once on not_in_channel, keeps retrying through a
   * throttling storm or a 5xx burst (TRANSIENT_RETRY_MS in all), turns failures into SlackApiError.
   */
  private async call<T>(
    method: string,
    channel: string | undefined,
    fn: () => Promise<T>,
    joinOnNotInChannel = true,
  ): Promise<T> {
    const deadline = Date.now() + TRANSIENT_RETRY_MS;
    for (let pause = TRANSIENT_FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, TRANSIENT_MAX_PAUSE_MS)) {
      try {
        return await this.callOnce(method, channel, fn, joinOnNotInChannel);
      } catch (err) {
        // The WebClient has already waited out Retry-After and retried a few times; a storm can outlast
        // that. A finding or a kickoff that is dropped is worse than one that is late, so keep going.
        if (!(err instanceof SlackApiError) || !TRANSIENT.test(err.slackError) || Date.now() + pause > deadline)
          throw err;
        this.logger.info(
          { method, channel, error: err.slackError, pauseMs: pause },
          'slack still throttling or failing; retrying',
        );
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  private async callOnce<T>(
    method: string,
    channel: string | undefined,
    fn: () => Promise<T>,
    joinOnNotInChannel: boolean,
  ): Promise<T> {
    this.metrics?.slackApiCalls.inc({ method });
    try {
      return await fn();
    } catch (err) {
      const code = slackErrorCode(err);
      if (code === 'not_in_channel' && channel && joinOnNotInChannel) {
        this.logger.info({ method, channel }, 'not in channel; joining and retrying once');
        const joined = await this.join(channel).then(
          () => true,
          () => false, // e.g. a private channel: only an invitation gets us in; report the original refusal
        );
        if (joined) return this.callOnce(method, channel, fn, false);
      }
      this.metrics?.slackApiErrors.inc({ method, error: code });
      this.logger.warn({ method, channel, error: code }, 'slack api call failed');
      throw new SlackApiError(method, code, { cause: err });
    }
  }
}

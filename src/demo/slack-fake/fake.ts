// In-process state of the Slack fake plus the inspection API tests and the demo use.
import { systemClock, type Clock } from '../../domain/time';
import { SocketModeServer } from './socket-mode';
import type {
  ApiCall,
  ChannelSnapshot,
  FakeChannel,
  FakeEphemeral,
  FakeFile,
  FakeMessage,
  FakeReaction,
  FakeThread,
  FakeUser,
  FakeUsergroup,
  ResponseTarget,
  SlackFault,
} from './types';

export interface SlackFakeOptions {
  botToken?: string;
  /** The app-level token (xapp-) that may open Socket Mode connections. */
  appToken?: string;
  botUserId?: string;
  botId?: string;
  botName?: string;
  teamId?: string;
  clock?: Clock;
}

/** Thrown by method implementations; becomes `{ok:false, error, ...extra}` with HTTP 200. */
export class SlackApiError extends Error {
  constructor(
    public readonly code: string,
    public readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

interface PendingFault {
  method: string;
  fault: SlackFault;
  remaining: number;
}

/** The fake workspace: channels, users, messages, files and every API call made against it. */
export class SlackFake {
  readonly botToken: string;
  readonly appToken: string;
  /** Socket Mode: connections opened with apps.connections.open, and the envelopes sent over them. */
  readonly socketMode = new SocketModeServer();
  readonly botUserId: string;
  readonly botId: string;
  readonly botName: string;
  readonly teamId: string;
  readonly clock: Clock;
  /** Set by the server once it listens; used to build upload and response URLs. */
  origin = 'http://127.0.0.1:0';

  readonly channels = new Map<string, FakeChannel>();
  readonly users = new Map<string, FakeUser>();
  readonly usergroups = new Map<string, FakeUsergroup>();
  /** Every message (top-level and replies) keyed by `${channel}/${ts}`. */
  readonly messageIndex = new Map<string, FakeMessage>();
  readonly ephemeralLog: FakeEphemeral[] = [];
  readonly fileIndex = new Map<string, FakeFile>();
  readonly responseTargets = new Map<string, ResponseTarget>();
  readonly callLog: ApiCall[] = [];
  readonly tokens = new Set<string>();
  private readonly faults: PendingFault[] = [];
  private lastMicros = 0;
  private seq = 0;

  constructor(opts: SlackFakeOptions = {}) {
    this.botToken = opts.botToken ?? 'xoxb-fake-bot-token';
    this.appToken = opts.appToken ?? 'xapp-1-A0FAKEAPP1-fake-app-token';
    this.botUserId = opts.botUserId ?? 'U0BOT00001';
    this.botId = opts.botId ?? 'B0BOT00001';
    this.botName = opts.botName ?? 'incident-scout';
    this.teamId = opts.teamId ?? 'T0FAKE0001';
    this.clock = opts.clock ?? systemClock;
    this.tokens.add(this.botToken);
    this.addUser({ id: this.botUserId, name: this.botName, realName: 'Incident Scout', isBot: true });
  }

  /** A unique id with Slack's prefix letter, e.g. `C0F00000003`. */
  newId(prefix: string): string {
    this.seq += 1;
    return `${prefix}0F${String(this.seq).padStart(8, '0')}`;
  }

  /** Next message ts: derived from the clock, strictly increasing, `"1700000000.000100"` shaped. */
  nextTs(): string {
    const micros = Math.max(this.clock.now().getTime() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    const sec = Math.floor(micros / 1e6);
    return `${sec}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  /** Creates a channel; returns its id. */
  addChannel(spec: { name: string; isPrivate?: boolean; botIsMember?: boolean }): string {
    const id = this.newId('C');
    this.channels.set(id, {
      id,
      name: spec.name,
      isPrivate: spec.isPrivate ?? false,
      botIsMember: spec.botIsMember ?? false,
      isArchived: false,
      created: Math.floor(this.clock.now().getTime() / 1000),
      members: [],
    });
    return id;
  }

  /** Adds the bot to a channel, as a human inviting it would (works for private channels too). */
  inviteBot(channelId: string): void {
    const ch = this.channels.get(channelId);
    if (!ch) throw new Error(`no channel ${channelId}`);
    ch.botIsMember = true;
  }

  addUser(u: { id: string; name: string; realName?: string; isBot?: boolean }): void {
    this.users.set(u.id, { id: u.id, name: u.name, realName: u.realName ?? u.name, isBot: u.isBot ?? false });
  }

  addUsergroup(g: { id: string; handle: string; users: string[] }): void {
    this.usergroups.set(g.id, { id: g.id, handle: g.handle, users: [...g.users] });
  }

  /** Puts a message from a human into a channel (what Slack stores before it sends the event); returns its ts. */
  postAsUser(m: { channel: string; user: string; text: string; threadTs?: string }): string {
    const ts = this.nextTs();
    const root = m.threadTs ? this.messageIndex.get(`${m.channel}/${m.threadTs}`) : undefined;
    this.messageIndex.set(`${m.channel}/${ts}`, {
      channel: m.channel,
      ts,
      user: m.user,
      text: m.text,
      reactions: [],
      files: [],
      threadTs: root ? (root.threadTs ?? root.ts) : undefined,
    });
    return ts;
  }

  /** Queues a fault for the next `times` calls of a method (or '*' for any method). */
  failNext(method: string, fault: SlackFault, times = 1): void {
    this.faults.push({ method, fault, remaining: times });
  }

  /** Takes the next queued fault matching a method, if any. */
  takeFault(method: string): SlackFault | undefined {
    const f = this.faults.find((x) => x.remaining > 0 && (x.method === method || x.method === '*'));
    if (!f) return undefined;
    f.remaining -= 1;
    return f.fault;
  }

  /** A response_url that records what the app sends to it as Slack would show it. */
  createResponseUrl(t: { channel: string; user: string; messageTs?: string; threadTs?: string }): string {
    const id = this.newId('R');
    this.responseTargets.set(id, {
      id,
      channel: t.channel,
      user: t.user,
      messageTs: t.messageTs,
      threadTs: t.threadTs,
      uses: 0,
    });
    return `${this.origin}/response/${id}`;
  }

  // ---- inspection ----

  /** Every recorded API call, optionally of one method. */
  calls(method?: string): ApiCall[] {
    return method ? this.callLog.filter((c) => c.method === method) : [...this.callLog];
  }

  /** Top-level messages of a channel with their replies, oldest first. */
  messages(channel: string): FakeThread[] {
    const all = [...this.messageIndex.values()].filter((m) => m.channel === channel).sort((a, b) => cmpTs(a.ts, b.ts));
    return all.filter((m) => !m.threadTs).map((m) => ({ ...m, replies: all.filter((r) => r.threadTs === m.ts) }));
  }

  /** Replies in one thread, oldest first. */
  replies(channel: string, threadTs: string): FakeMessage[] {
    return this.messages(channel).find((m) => m.ts === threadTs)?.replies ?? [];
  }

  /** One message (top-level or reply) by ts. */
  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messageIndex.get(`${channel}/${ts}`);
  }

  /** Ephemeral messages, optionally filtered by channel and user. */
  ephemerals(channel?: string, user?: string): FakeEphemeral[] {
    return this.ephemeralLog.filter((e) => (!channel || e.channel === channel) && (!user || e.user === user));
  }

  /** Reactions on one message. */
  reactions(channel: string, ts: string): FakeReaction[] {
    return this.message(channel, ts)?.reactions ?? [];
  }

  files(): FakeFile[] {
    return [...this.fileIndex.values()];
  }

  findChannelByName(name: string): FakeChannel | undefined {
    return [...this.channels.values()].find((c) => c.name === name.replace(/^#/, ''));
  }

  /** Plain-data view of a channel for the transcript renderer. */
  snapshot(channel: string): ChannelSnapshot {
    const ch = this.channels.get(channel);
    if (!ch) throw new Error(`no channel ${channel}`);
    return {
      channel: { ...ch },
      threads: this.messages(channel),
      ephemerals: this.ephemerals(channel),
      users: [...this.users.values()],
      files: this.files().filter((f) => f.channel === channel),
    };
  }

  /** Polls until `predicate` returns a truthy value (returned) or rejects after `timeoutMs`. */
  async waitFor<T>(
    predicate: (fake: SlackFake) => T | undefined | null | false,
    timeoutMs = 5000,
    what = 'condition',
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = predicate(this);
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`SlackFake.waitFor: ${what} not met within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** Orders two Slack ts strings numerically. */
export function cmpTs(a: string, b: string): number {
  const [as = '0', af = '0'] = a.split('.');
  const [bs = '0', bf = '0'] = b.split('.');
  return Number(as) - Number(bs) || Number(af.padEnd(6, '0')) - Number(bf.padEnd(6, '0'));
}

// Sentinel mode: a write counts only once every replica the primary had a moment ago has it.
//
// Why: Sentinel fails over by detaching the replica it promotes first and repointing the other
// replicas later (a second or more). In between, the old primary still has a replica, so
// `min-replicas-to-write` lets it acknowledge writes that the promoted replica never receives and that
// are discarded when the others resync from the new primary: an investigation, its job, a post's
// idempotency record. Nothing on the old primary tells that gap from a replica that simply died, so
// the fence treats both alike: after a replica leaves, writes wait until the connection has moved to
// a new primary or the window has passed, and each write is confirmed with WAIT by as many replicas
// as the primary had within the window.
import type Redis from 'ioredis';
import { StoreUnavailable } from './errors';

export interface WriteFenceOptions {
  /** How long a replica that left still counts (covers Sentinel's promote-then-repoint gap). */
  windowMs?: number;
  /** How often the primary is asked for its replicas (ROLE). */
  sampleMs?: number;
  /** How long WAIT may take for the replicas to acknowledge a write. */
  waitMs?: number;
  now?: () => number;
}

interface Sample {
  at: number;
  replicas: number;
}

const DEFAULT_WINDOW_MS = 10_000;
const DEFAULT_SAMPLE_MS = 250;
const DEFAULT_WAIT_MS = 500;
/** How many times a repeatable write is made again after the connection moved under it. */
const MAX_REPEATS = 3;

/** Confirms a client's writes with WAIT against the replicas its primary had within the window. */
export class WriteFence {
  /** ROLE samples per server address, newest last, none older than the window. */
  private readonly samples = new Map<string, Sample[]>();
  /** Changes on every (re)connect and disconnect: a WAIT on another connection confirms nothing. */
  private epoch = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly windowMs: number;
  private readonly sampleMs: number;
  private readonly waitMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: Redis,
    options: WriteFenceOptions = {},
  ) {
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.sampleMs = options.sampleMs ?? DEFAULT_SAMPLE_MS;
    this.waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
    this.now = options.now ?? Date.now;
    client.on('ready', () => {
      this.epoch += 1;
      void this.sample();
    });
    client.on('close', () => {
      this.epoch += 1;
    });
    this.timer = setInterval(() => void this.sample(), this.sampleMs);
    this.timer.unref();
    client.once('end', () => clearInterval(this.timer));
    if (client.status === 'ready') void this.sample();
  }

  /**
   * Runs `write` and resolves once every replica the primary had within the window acknowledges it.
   * While a replica is missing (it left within the window) writes wait: in a failover the connection
   * soon moves to the new primary; a replica that died stops counting when the window has passed.
   * When the connection moves before the write is confirmed, a failover may have discarded it: a
   * `repeatable` write (the same effect whether it landed once or twice: a put, a compare-and-set) is
   * made again on the new primary; any other throws StoreUnavailable, and the caller must not count on it.
   */
  async write<R>(op: string, write: () => Promise<R>, opts: { repeatable?: boolean } = {}): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const confirmed = await this.once(write);
      if (confirmed.ok) return confirmed.result;
      const expected = confirmed.expected;
      if (!opts.repeatable || attempt >= MAX_REPEATS || !(await this.untilReady()))
        throw new StoreUnavailable(
          `The state store (Redis) failed over before ${expected} replica(s) confirmed a write (${op}); it may be lost.`,
        );
    }
  }

  /** One write and its confirmation; not ok when the connection moved before the replicas confirmed it. */
  private async once<R>(write: () => Promise<R>): Promise<{ ok: true; result: R } | { ok: false; expected: number }> {
    await this.untilSettled();
    const result = await write();
    // The connection the reply came on: WAIT must run on the same one to speak for this write.
    const epoch = this.epoch;
    const where = this.address();
    const deadline = this.now() + this.windowMs + this.waitMs;
    for (;;) {
      const expected = this.replicasNow(where)?.expected ?? 0;
      if (expected === 0) return { ok: true, result };
      const acked = await this.client.wait(expected, this.waitMs);
      if (this.epoch !== epoch) return { ok: false, expected };
      if (acked >= expected || this.now() > deadline) return { ok: true, result };
      await sleep(this.sampleMs);
    }
  }

  /** Resolves true once the client is connected again (within the window), false if it is not. */
  private async untilReady(): Promise<boolean> {
    const deadline = this.now() + this.windowMs;
    while (this.client.status !== 'ready') {
      if (this.now() > deadline || this.client.status === 'end') return false;
      await sleep(this.sampleMs);
    }
    return true;
  }

  /** Waits (at most the window) while the current primary has fewer replicas than it had within it. */
  private async untilSettled(): Promise<void> {
    const deadline = this.now() + this.windowMs + this.waitMs;
    for (;;) {
      const replicas = this.replicasNow(this.address());
      if (!replicas || replicas.latest >= replicas.expected || this.now() > deadline) return;
      await sleep(this.sampleMs);
    }
  }

  /** The replicas of the primary at `where`: the latest count and the most within the window. */
  private replicasNow(where: string | undefined): { latest: number; expected: number } | undefined {
    const list = where === undefined ? undefined : this.samples.get(where);
    if (!list) return undefined;
    const since = this.now() - this.windowMs;
    while (list.length > 1 && (list[0] as Sample).at < since) list.shift();
    const latest = (list[list.length - 1] as Sample).replicas;
    return { latest, expected: Math.max(...list.map((s) => s.replicas)) };
  }

  private address(): string | undefined {
    const stream = this.client.stream as { remoteAddress?: string; remotePort?: number } | undefined;
    return stream?.remoteAddress === undefined ? undefined : `${stream.remoteAddress}:${stream.remotePort}`;
  }

  /** Asks the primary which replicas are online (ROLE lists only those) and records the count. */
  private async sample(): Promise<void> {
    if (this.client.status !== 'ready') return;
    const where = this.address();
    try {
      const role = (await this.client.call('ROLE')) as unknown[];
      if (where === undefined || role[0] !== 'master' || where !== this.address()) return;
      const replicas = Array.isArray(role[2]) ? role[2].length : 0;
      const list = this.samples.get(where) ?? [];
      list.push({ at: this.now(), replicas });
      this.samples.set(where, list);
    } catch {
      // Not answered (reconnecting): the next sample tries again.
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

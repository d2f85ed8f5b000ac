// The live status card: scout statuses held in memory for the round, written to the store and to Slack
// at most once per `intervalMs`; the last state is always written (flush).
import type { Investigation, ScoutStatus } from '../domain/types';
import type { Clock } from '../domain/time';
import type { Logger } from '../logging';
import type { Store } from '../store/port';
import type { InvestigationNotifier } from './port';
import { investigationDocs } from '../store/kinds';

export class StatusBoard {
  private timer: NodeJS.Timeout | undefined;
  private lastWrite = 0;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly investigationId: string,
    readonly scouts: Map<string, ScoutStatus>,
    private readonly deps: {
      store: Store;
      notifier: InvestigationNotifier;
      clock: Clock;
      logger: Logger;
      intervalMs?: number;
    },
  ) {}

  /** Changes one scout's status and schedules a (throttled) write. */
  set(name: string, patch: Partial<ScoutStatus>): void {
    const cur = this.scouts.get(name);
    if (!cur) return;
    this.scouts.set(name, { ...cur, ...patch });
    this.poke();
  }

  /** Schedules a write: now when the last one is older than the interval, else at the end of it. */
  poke(): void {
    this.dirty = true;
    if (this.timer) return;
    const wait = Math.max(0, this.lastWrite + (this.deps.intervalMs ?? 1000) - this.deps.clock.now().getTime());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, wait);
    this.timer.unref?.();
  }

  /** Writes the current state now (the last state of a round is never lost to the throttle). */
  async flush(patch?: (inv: Investigation) => Investigation): Promise<Investigation | null> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = true;
    await this.writing;
    return this.writeNow(patch);
  }

  /** A throttled write never rejects: a failed one (e.g. Redis restarting) is logged and retried on the next flush. */
  private write(): Promise<void> {
    this.writing = this.writing.then(async () => {
      try {
        await this.writeNow();
      } catch (err) {
        this.dirty = true;
        this.deps.logger.warn({ err, investigationId: this.investigationId }, 'status card write failed; will retry');
      }
    });
    return this.writing;
  }

  private async writeNow(patch?: (inv: Investigation) => Investigation): Promise<Investigation | null> {
    if (!this.dirty) return null;
    this.dirty = false;
    this.lastWrite = this.deps.clock.now().getTime();
    const scouts = [...this.scouts.values()];
    const now = this.deps.clock.now().toISOString();
    const { value } = await investigationDocs.in(this.deps.store).update(this.investigationId, (cur) => {
      if (!cur) return undefined;
      const next = { ...cur, scouts, updatedAt: now };
      return patch ? patch(next) : next;
    });
    if (value?.threadTs) {
      try {
        await this.deps.notifier.updateCard(value);
      } catch (err) {
        // A missed card edit is cosmetic; the next write (or the final flush) repaints it.
        this.deps.logger.warn({ err, investigationId: this.investigationId }, 'status card update failed');
      }
    }
    return value;
  }
}

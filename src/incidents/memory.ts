// The memory of past incidents: what each resolved incident looked like (its fingerprint), what caused
// it and what fixed it, kept in the store so a later investigation of the same kind can say "Seen before".
// One document holds the list, changed in one atomic step (store.update), so two replicas resolving at
// once both land. Bounded: at most `maxIncidents` (the oldest go first), and nothing older than the
// retention (MEMORY_RETENTION_DAYS), dropped on every write and ignored on every read; the document
// itself expires after the retention when nothing is resolved any more.
import { z } from 'zod';
import { rankPast, type Fingerprint, type PastIncident, type PastMatch } from '../domain/memory';
import { systemClock, type Clock } from '../domain/time';
import { pastIncidentSchema } from '../store/kinds';
import type { Store } from '../store/port';
import { defineKind } from '../store/repository';

const DOC_ID = 'past-incidents';
const DAY_MS = 24 * 3600_000;

export interface MemorySettings {
  /** How long a resolved incident is remembered. */
  retentionDays: number;
  /** How many resolved incidents are kept at most. */
  maxIncidents: number;
  /** How alike (0..1) a past incident must be to be named. */
  threshold?: number;
  /** How many past incidents a synthesis names at most. */
  limit?: number;
}

/** One document holds the list; its entries are checked one by one (see readDoc). */
const memoryDocs = defineKind('memory', z.object({ incidents: z.array(z.unknown()) }));

/** The stored list, keeping the entries that are well-formed (an unreadable one is dropped, not fatal). */
function readDoc(doc: { incidents: unknown[] } | null): PastIncident[] {
  return (doc?.incidents ?? []).flatMap((entry) => {
    const parsed = pastIncidentSchema.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Default likeness for "Seen before": more than half of what was seen is shared. */
export const DEFAULT_THRESHOLD = 0.5;
const DEFAULT_LIMIT = 3;

/** Remembers resolved incidents and finds the ones a fingerprint resembles. */
export class IncidentMemory {
  private readonly clock: Clock;

  constructor(
    private readonly store: Store,
    private readonly settings: MemorySettings,
    clock?: Clock,
  ) {
    this.clock = clock ?? systemClock;
  }

  /** Adds (or replaces, by incident id) a resolved incident; trims to the retention and the bound. */
  async remember(past: PastIncident): Promise<void> {
    const ttl = this.settings.retentionDays * 24 * 3600;
    await memoryDocs.in(this.store).update(
      DOC_ID,
      (cur) => {
        const others = this.live(readDoc(cur)).filter((p) => p.incidentId !== past.incidentId);
        const incidents = [...others, past]
          .sort((a, b) => a.resolvedAt.localeCompare(b.resolvedAt))
          .slice(-this.settings.maxIncidents);
        return { incidents };
      },
      ttl,
    );
  }

  /** Resolved incidents (other than `incidentId` itself) resembling `fingerprint`, most alike first. */
  async recall(fingerprint: Fingerprint, incidentId: string): Promise<PastMatch[]> {
    const doc = await memoryDocs.in(this.store).get(DOC_ID);
    return rankPast(fingerprint, this.live(readDoc(doc)), {
      threshold: this.settings.threshold ?? DEFAULT_THRESHOLD,
      limit: this.settings.limit ?? DEFAULT_LIMIT,
      excludeIncidentId: incidentId,
    });
  }

  /** Every remembered incident within the retention, oldest first. */
  async all(): Promise<PastIncident[]> {
    return this.live(readDoc(await memoryDocs.in(this.store).get(DOC_ID)));
  }

  private live(incidents: PastIncident[]): PastIncident[] {
    const oldest = this.clock.now().getTime() - this.settings.retentionDays * DAY_MS;
    return incidents.filter((p) => Date.parse(p.resolvedAt) >= oldest);
  }
}

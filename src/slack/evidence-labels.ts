// Evidence ids as a reader meets them: E1, E2, E3 ... in the order they first appear in the thread.
// The tool gate's ids (issued in the order tools ran, across scouts in parallel) stay in the audit trail
// and the store; the thread shows these labels, kept per investigation in the store so every message of
// it, from any replica, numbers alike.
import type { Store } from '../store/port';

interface LabelDoc {
  next: number;
  map: Record<string, number>;
}

/** Maps a gate evidence id to the label shown in Slack (unknown ids are shown as they are). */
export type EvidenceLabel = (id: string) => string;

export const sameLabel: EvidenceLabel = (id) => id;

/** The store document id of an investigation's labels (beside its evidence counter). */
export function labelsId(investigationId: string): string {
  return `${investigationId}:evidence-labels`;
}

/** Numbers evidence in order of first appearance, per investigation. */
export class EvidenceLabels {
  constructor(private readonly store: Pick<Store, 'update'>) {}

  /** Gives the ids not yet shown the next numbers, in the order given; returns the labeller. */
  async assign(investigationId: string, ids: readonly string[]): Promise<EvidenceLabel> {
    const { value } = await this.store.update<LabelDoc>('investigation', labelsId(investigationId), (cur) => {
      const map = { ...(cur?.map ?? {}) };
      let next = cur?.next ?? 1;
      for (const id of ids) if (map[id] === undefined) map[id] = next++;
      return next === (cur?.next ?? 1) ? undefined : { next, map };
    });
    const map = value?.map ?? {};
    return (id) => (map[id] !== undefined ? `E${map[id]}` : id);
  }
}

/** Every id once, in order of first appearance. */
export function inOrder(lists: ReadonlyArray<readonly string[]>): string[] {
  return [...new Set(lists.flat())];
}

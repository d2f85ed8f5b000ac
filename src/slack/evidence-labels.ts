// Evidence ids as a reader meets them: E1, E2, E3 ... in the order they first appear in the thread.
// The tool gate's ids (issued in the order tools ran, across scouts in parallel) stay in the audit trail
// and the store; the thread shows these labels, kept per investigation in the store so every message of
// it, from any replica, numbers alike.
import { evidenceCounterDocs, evidenceLabelDocs } from '../store/kinds';
import type { Store } from '../store/port';

/** Maps a gate evidence id to the label shown in Slack (unknown ids are shown as they are). */
export type EvidenceLabel = (id: string) => string;

export const sameLabel: EvidenceLabel = (id) => id;

/** Numbers evidence in order of first appearance, per investigation. */
export class EvidenceLabels {
  constructor(private readonly store: Store) {}

  /**
   * Gives the ids not yet shown the next numbers, in the order given; returns the labeller. Only ids the
   * tool gate issued get a label: a cited id no tool issued (E999) stays as it is, so what it is called
   * matches the note that says it was never issued.
   */
  async assign(investigationId: string, ids: readonly string[]): Promise<EvidenceLabel> {
    const issued = (await evidenceCounterDocs.in(this.store).get(investigationId))?.n ?? 0;
    const real = ids.filter((id) => {
      const m = /^E(\d{1,9})$/.exec(id);
      return m !== null && Number(m[1]) >= 1 && Number(m[1]) <= issued;
    });
    const { value } = await evidenceLabelDocs.in(this.store).update(investigationId, (cur) => {
      const map = { ...(cur?.map ?? {}) };
      let next = cur?.next ?? 1;
      for (const id of real) if (map[id] === undefined) map[id] = next++;
      return next === (cur?.next ?? 1) ? undefined : { next, map };
    });
    const map = value?.map ?? {};
    return (id) => (map[id] !== undefined ? `E${map[id]}` : id);
  }
}

const ID = /\bE\d{1,9}\b/g;

/** Evidence ids named in free text (a model's claim, a citation note), in order. */
export function idsIn(text: string): string[] {
  return text.match(ID) ?? [];
}

/** The text with every evidence id it names shown by its label. */
export function relabel(text: string, label: EvidenceLabel): string {
  return text.replace(ID, (id) => label(id));
}

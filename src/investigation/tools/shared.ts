// Small pieces the tools share: input fields, item text, paging, mapping evidence back to what it shows.
import { z } from 'zod';
import type { Evidence } from '../../domain/types';
import type { EvidenceSource, LinkTarget } from '../../evidence/types';
import type { GateResult } from '../gate';
import { clipLine, clipWords } from '../../domain/text';

export const service = z.string().min(1).max(80).describe('A service name, e.g. "payments"');
export const limit = z.number().int().min(1).max(30).optional().describe('How many items at most (default 10)');

const LINE = 220;

/** One line of item text, cut at a word within `n` characters. */
export const clip = (s: string, n = LINE): string => clipWords(s.replace(/\s+/g, ' ').trim(), n);

export const range = (from: number, to: number): { from: string; to: string } => ({
  from: new Date(from).toISOString(),
  to: new Date(to).toISOString(),
});

/** The first `n` (default 10) of a list, and a footer saying how many were left out. */
export function take<T>(list: T[], n: number | undefined, def = 10): { shown: T[]; footer?: string } {
  const k = n ?? def;
  const shown = list.slice(0, k);
  return list.length > k ? { shown, footer: `${list.length - k} more not shown` } : { shown };
}

export const matchesService = (want: string | undefined, s: string): boolean => want === undefined || want === s;

/** Evidence of a gate result by the ref of the item behind it. */
export function byRef(r: GateResult): Map<string, Evidence> {
  const m = new Map<string, Evidence>();
  r.evidence.forEach((e, i) => {
    const ref = r.refs?.[i];
    if (ref !== undefined) m.set(ref, e);
  });
  return m;
}

/** `{ link }` when the source can show the target to a person (a URL or a command). */
export function linkTo(source: EvidenceSource, target: LinkTarget): { link?: string } {
  const link = source.link?.(target);
  return link ? { link } : {};
}

/** A quoted name inside a claim: one line, at most `n` characters. */
export function quote(s: string, n = 80): string {
  return clipLine(s, n);
}

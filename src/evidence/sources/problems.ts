// Parse problems: counted per (origin, problem) and reported, never fatal.

import type { ParseProblem } from '../types';

/** Collects parse problems, keeping the first line number and a count per (origin, problem). */
export class ProblemLog {
  private readonly items = new Map<string, ParseProblem>();

  /** Counts one more occurrence. */
  add(origin: string, problem: string, line?: number): void {
    const key = `${origin}\u0000${problem}`;
    const prev = this.items.get(key);
    if (prev) {
      prev.count++;
      return;
    }
    const p: ParseProblem = { origin, problem, count: 1 };
    if (line !== undefined) p.line = line;
    this.items.set(key, p);
  }

  /** Replaces the count (for re-readable streams, where a second pass must not double it). */
  set(origin: string, problem: string, count: number, line?: number): void {
    const key = `${origin}\u0000${problem}`;
    if (count <= 0) {
      this.items.delete(key);
      return;
    }
    const p: ParseProblem = { origin, problem, count };
    if (line !== undefined) p.line = line;
    this.items.set(key, p);
  }

  list(): ParseProblem[] {
    return [...this.items.values()].map((p) => ({ ...p }));
  }
}

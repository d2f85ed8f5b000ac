// The ceiling of a scenario set: in how many scenarios the root-cause service's own series show the fault
// at all in the data the product may read (up to the incident clock, incident.yaml started_at). A ranker
// cannot be asked to name a cause whose own signals have not moved yet; this separates "the data does not
// show it" from "the ranker got it wrong".
//
// Definition (stated in EVALUATION.md): with the true onset from truth.json, the product's own anomaly
// detector (src/evidence/analyzers/metrics.ts detectAnomalies: robust score >= 3 against the baseline's own
// spread, material for its kind of signal, in the direction that hurts users) runs over
// [onset - baseline, clock], the baseline as long as the product's window rule makes it (>= 1 h and
// >= 24 samples). The root is "visible" when at least one of its own series has such a bad move. Only the
// tools read truth.json; the product never does.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectAnomalies, isBadMove, samplingStep } from '../../src/evidence/analyzers/metrics';
import { describeAnomaly } from '../../src/evidence/analyzers/ranking';
import { openFilesSource } from '../../src/evidence/sources/files';

export interface Visibility {
  /** The root's own series moved materially, in a harmful direction, between the onset and the clock. */
  visible: boolean;
  /** The root's strongest such move, in the product's words (empty when none). */
  evidence: string;
}

const norm = (s: string): string => s.trim().toLowerCase();

/** Visibility of the root cause of one scenario directory; null when it has no truth.json with a root and onset. */
export async function rootVisibility(dir: string): Promise<Visibility | null> {
  let truth: { root_cause_service?: unknown; onset?: unknown };
  try {
    truth = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8')) as typeof truth;
  } catch {
    return null;
  }
  const root = typeof truth.root_cause_service === 'string' ? truth.root_cause_service : '';
  const onset = typeof truth.onset === 'string' ? Date.parse(truth.onset) : Number.NaN;
  if (!root || !Number.isFinite(onset)) return null;
  const source = openFilesSource(dir);
  const clock = await source.clock();
  if (clock === null || !Number.isFinite(clock) || clock < onset) return { visible: false, evidence: '' };
  const all = await source.metrics({ from: onset - 24 * 3_600_000, to: clock });
  const baselineMs = Math.max(3_600_000, 24 * samplingStep(all));
  const mine = all.filter((s) => norm(s.service) === norm(root));
  const moves = detectAnomalies(mine, { from: onset - baselineMs, onset, to: clock }).filter((a) => isBadMove(a));
  const top = moves[0];
  return { visible: top !== undefined, evidence: top ? describeAnomaly(top) : '' };
}

/** Visibility of every scenario under a set directory, by scenario name (null entries: no truth to judge). */
export async function visibilityOfSet(setDir: string, names: readonly string[]): Promise<Map<string, boolean | null>> {
  const out = new Map<string, boolean | null>();
  for (const name of names) {
    try {
      out.set(name, (await rootVisibility(path.join(setDir, name)))?.visible ?? null);
    } catch {
      out.set(name, null);
    }
  }
  return out;
}

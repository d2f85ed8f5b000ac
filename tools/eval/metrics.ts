// Pure arithmetic of the evaluation: per-scenario rows (as score.mjs writes them with --out),
// their aggregation per dataset and fault class, confidence calibration, and log grouping accuracy.
// No I/O here, so that the unit tests can check every figure against hand-computed data.

import { z } from 'zod';

/** One scenario as score.mjs's `--out results.json` lists it (fields we use). */
export const ScoredScenario = z.object({
  name: z.string(),
  cls: z.string(),
  dataset: z.string().optional(),
  root: z.string().nullable().optional(),
  ok: z.boolean(),
  error: z.string().nullable().optional(),
  secs: z.number(),
  rank: z.number().nullable(),
  ac: z.array(z.number()).length(5),
  rh1: z.number(),
  /** 1/0: suspect #1 names the root-cause change; null when the truth has no change. */
  chg: z.number().nullable().optional(),
  onsetErrMin: z.number().nullable().optional(),
});
export type ScoredScenario = z.infer<typeof ScoredScenario>;

export const ScoreResults = z.object({ scenarios: z.array(ScoredScenario) });

/** A suspect as `analyze --json` prints it; confidence is optional (older builds lack it). */
export const Suspect = z
  .object({ service: z.string().nullable().optional(), confidence: z.number().nullable().optional() })
  .passthrough();
export const AnalyzeOutput = z.object({ suspects: z.array(Suspect) }).passthrough();
export type AnalyzeOutput = z.infer<typeof AnalyzeOutput>;

/** The bar a shown suspect must reach to count in the calibration figure. */
export const CALIBRATION_THRESHOLD = 0.7;

export interface Calibration {
  /** Scenarios whose output carried any suspect confidence. */
  withConfidence: number;
  /** Suspects shown with confidence >= the threshold (one per service). */
  shown: number;
  /** Of those, how many name the root-cause service. */
  right: number;
}

const norm = (s: string | null | undefined): string =>
  String(s ?? '')
    .trim()
    .toLowerCase();

/** Calibration counts of one scenario: suspects de-duplicated by service (first rank kept), as the scorer does. */
export function calibrationOf(out: AnalyzeOutput | null, root: string | null | undefined): Calibration {
  const res: Calibration = { withConfidence: 0, shown: 0, right: 0 };
  if (!out) return res;
  const seen = new Set<string>();
  let any = false;
  for (const s of out.suspects) {
    const svc = norm(s.service);
    if (!svc || seen.has(svc)) continue;
    seen.add(svc);
    if (s.confidence === undefined || s.confidence === null) continue;
    any = true;
    if (s.confidence >= CALIBRATION_THRESHOLD) {
      res.shown++;
      if (svc === norm(root)) res.right++;
    }
  }
  res.withConfidence = any ? 1 : 0;
  return res;
}

export function addCalibration(a: Calibration, b: Calibration): Calibration {
  return { withConfidence: a.withConfidence + b.withConfidence, shown: a.shown + b.shown, right: a.right + b.right };
}

/** A scored scenario with its calibration counts attached. */
export interface Row extends ScoredScenario {
  calibration: Calibration;
  /** Whether the root's own series moved before the clock (tools/eval/visible.ts); null or absent: not judged. */
  visible?: boolean | null;
}

export interface Aggregate {
  n: number;
  ac1: number;
  ac3: number;
  avg5: number;
  rh1: number;
  /** Share of the scenarios with a root-cause change whose suspect #1 names it; null when none has one. */
  chg: number | null;
  /** Median |onset - truth| in minutes over the scenarios that gave an onset; null when none did. */
  onsetErrMin: number | null;
  crashes: number;
  calibration: Calibration;
  /** Mean seconds per run. */
  secs: number;
}

/** Median of the lower middle for even counts, exactly as score.mjs reports it. */
export function lowerMedian(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export function aggregate(rows: Row[]): Aggregate {
  const n = rows.length;
  const mean = (f: (r: Row) => number): number => (n ? rows.reduce((s, r) => s + f(r), 0) / n : 0);
  const withChange = rows.filter((r) => typeof r.chg === 'number');
  const onsets = rows.map((r) => r.onsetErrMin).filter((x): x is number => typeof x === 'number');
  return {
    n,
    ac1: mean((r) => r.ac[0] ?? 0),
    ac3: mean((r) => r.ac[2] ?? 0),
    avg5: mean((r) => r.ac.reduce((a, b) => a + b, 0) / 5),
    rh1: mean((r) => r.rh1),
    chg: withChange.length ? withChange.reduce((s, r) => s + (r.chg ?? 0), 0) / withChange.length : null,
    onsetErrMin: lowerMedian(onsets),
    crashes: rows.filter((r) => !r.ok).length,
    calibration: rows.reduce((c, r) => addCalibration(c, r.calibration), { withConfidence: 0, shown: 0, right: 0 }),
    secs: mean((r) => r.secs),
  };
}

export interface VisibilitySummary {
  /** Scenarios judged (those with a truth to judge by). */
  judged: number;
  /** Of those, how many show the root's own move before the clock. */
  visible: number;
  /** AC@1 among the visible ones, and among the rest (null when there are none). */
  ac1Visible: number | null;
  ac1Hidden: number | null;
}

/** How much of a set's AC@1 gap is the data: AC@1 split by whether the root had visibly moved by the clock. */
export function visibilitySummary(rows: readonly Row[]): VisibilitySummary {
  const judged = rows.filter((r) => typeof r.visible === 'boolean');
  const ac1 = (xs: Row[]): number | null => (xs.length ? xs.reduce((s, r) => s + (r.ac[0] ?? 0), 0) / xs.length : null);
  const vis = judged.filter((r) => r.visible);
  return {
    judged: judged.length,
    visible: vis.length,
    ac1Visible: ac1(vis),
    ac1Hidden: ac1(judged.filter((r) => !r.visible)),
  };
}

/** Rows grouped by fault class (sorted), plus an "all" group when there is more than one class. */
export function byFaultClass(rows: Row[]): Array<[string, Aggregate]> {
  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(r.cls, [...(groups.get(r.cls) ?? []), r]);
  const out: Array<[string, Aggregate]> = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([cls, rs]) => [cls, aggregate(rs)]);
  if (groups.size > 1) out.push(['all', aggregate(rows)]);
  return out;
}

/**
 * Grouping accuracy: a line is correct when the set of lines in its predicted group is exactly
 * the set of lines sharing its true label; GA = correct lines / all lines.
 * `predicted[i] === null` means the line got no group: it is then a group of its own.
 */
export function groupingAccuracy(predicted: ReadonlyArray<string | number | null>, truth: readonly string[]): number {
  if (predicted.length !== truth.length)
    throw new Error(`grouping accuracy: ${predicted.length} predictions for ${truth.length} labels`);
  if (!truth.length) return 0;
  const trueSize = new Map<string, number>();
  for (const t of truth) trueSize.set(t, (trueSize.get(t) ?? 0) + 1);
  const groups = new Map<string, number[]>();
  predicted.forEach((p, i) => {
    const key = p === null ? `\u0000line:${i}` : `g:${String(p)}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  let correct = 0;
  for (const members of groups.values()) {
    const label = truth[members[0] as number] as string;
    if (members.every((i) => truth[i] === label) && trueSize.get(label) === members.length) correct += members.length;
  }
  return correct / truth.length;
}

/** RFC 4180 CSV rows: quotes, doubled quotes, embedded newlines; CRLF tolerated. */
export function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** The EventId column of a Loghub `*_structured*.csv`, one label per log line in order. */
export function eventIds(csvText: string): string[] {
  const rows = csvRows(csvText.replace(/^\uFEFF/, ''));
  const header = rows[0] ?? [];
  const col = header.indexOf('EventId');
  if (col < 0) throw new Error('no EventId column in the structured CSV');
  return rows
    .slice(1)
    .filter((r) => r.length > col)
    .map((r) => r[col] as string);
}

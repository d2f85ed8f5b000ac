// EVALUATION.md from the harness's results: pure formatting, no I/O.

import { byFaultClass, CALIBRATION_THRESHOLD, visibilitySummary, type Aggregate, type Row } from './metrics';
import { PUBLISHED_DRAIN, type LogResult } from './loghub';

export interface ScenarioSetResult {
  name: string;
  path: string;
  product: Row[];
  reference: Row[];
  /** Wall seconds of the product's pass and the reference's pass. */
  wall: { product: number; reference: number };
  /** Where the set comes from: the first paragraph of its README.md, when it has one. */
  source?: string;
}

export interface ReportInput {
  date: string;
  commit: string;
  machine: string;
  command: string;
  reproduce: string[];
  scenarioSets: ScenarioSetResult[];
  logs: LogResult[];
  /** Where each labelled log set comes from: the first paragraph of its README.md, when it has one. */
  logSources: Array<{ set: string; source: string }>;
  notMeasured: string[];
}

const f3 = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : x.toFixed(3));
const f1 = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : x.toFixed(1));
const pair = (a: string, b: string): string => `${a} / ${b}`;

export function calibrationCell(a: Aggregate): string {
  const c = a.calibration;
  if (!c.withConfidence) return 'no confidence';
  if (!c.shown) return `0 shown`;
  return `${c.right}/${c.shown} (${(c.right / c.shown).toFixed(2)})`;
}

function scenarioTable(set: ScenarioSetResult): string[] {
  const ref = new Map(byFaultClass(set.reference));
  const out = [
    `### ${set.name} (${set.product.length} scenarios; wall ${set.wall.product.toFixed(0)} s analyze, ${set.wall.reference.toFixed(0)} s reference)`,
    '',
    ...(set.source ? [`Source: ${set.source}`, ''] : []),
    'Each cell: `analyze / reference ranker`.',
    '',
    `| fault class | n | AC@1 | AC@3 | Avg@5 | RH@1 | CHG | onset error, min (median) | right of shown ≥ ${CALIBRATION_THRESHOLD.toFixed(2)} | crashes | s per run |`,
    '|---|---:|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [cls, a] of byFaultClass(set.product)) {
    const r = ref.get(cls);
    const cell = (f: (x: Aggregate) => string): string => pair(f(a), r ? f(r) : '–');
    out.push(
      `| ${cls === 'all' ? '**all**' : cls} | ${a.n} | ${cell((x) => f3(x.ac1))} | ${cell((x) => f3(x.ac3))} | ${cell((x) => f3(x.avg5))} | ${cell((x) => f3(x.rh1))} | ${cell((x) => f3(x.chg))} | ${cell((x) => f1(x.onsetErrMin))} | ${calibrationCell(a)} | ${cell((x) => String(x.crashes))} | ${cell((x) => x.secs.toFixed(2))} |`,
    );
  }
  out.push(...visibilityLines(set));
  const fails = set.product.filter((r) => !r.ok);
  if (fails.length) {
    out.push('', 'Crashes of analyze:', '');
    for (const f of fails) out.push(`- ${f.name}: ${f.error ?? 'failed'}`);
  }
  return [...out, ''];
}

/** The set's ceiling: in how many scenarios the root had visibly moved by the clock, and AC@1 on each side. */
export function visibilityLines(set: ScenarioSetResult): string[] {
  const p = visibilitySummary(set.product);
  if (!p.judged) return [];
  const r = visibilitySummary(set.reference);
  const ac = (a: number | null, b: number | null): string => pair(f3(a), f3(b));
  return [
    '',
    `Root visible before the clock: **${p.visible} of ${p.judged}**; AC@1 among those ${ac(p.ac1Visible, r.ac1Visible)}, ` +
      `among the other ${p.judged - p.visible} ${ac(p.ac1Hidden, r.ac1Hidden)} (analyze / reference).`,
  ];
}

function logTable(logs: LogResult[]): string[] {
  const out = [
    '| set | system | lines | miner GA | Drain, zero-config | Drain, published (hand-tuned) |',
    '|---|---|---:|---|---|---|',
  ];
  const sets = [...new Set(logs.map((l) => l.set))];
  for (const set of sets) {
    const rows = logs.filter((l) => l.set === set);
    for (const l of rows) {
      const pub = PUBLISHED_DRAIN[l.system];
      out.push(
        `| ${set} | ${l.system} | ${l.lines} | ${l.ga === null ? `failed: ${l.error ?? '?'}` : f3(l.ga)} | ${f3(l.drainGa)} | ${pub === undefined ? '–' : f3(pub)} |`,
      );
    }
    const avg = (xs: Array<number | null>): number | null =>
      xs.some((x) => x === null) || !xs.length ? null : (xs as number[]).reduce((a, b) => a + b, 0) / xs.length;
    const below = rows.filter((l) => l.ga !== null && l.ga < 0.5).length;
    out.push(
      `| ${set} | **average** (${below} below 0.50) | | ${f3(avg(rows.map((l) => l.ga)))} | ${f3(avg(rows.map((l) => l.drainGa)))} | |`,
    );
  }
  return [...out, ''];
}

export function renderReport(r: ReportInput): string {
  const lines = [
    '# Evaluation',
    '',
    'Produced by `npm run eval`; do not edit by hand. Datasets and converted scenarios are not in the repo.',
    '',
    `- date: ${r.date}`,
    `- commit: ${r.commit}`,
    `- machine: ${r.machine}`,
    `- command: \`${r.command}\``,
    '',
    'To reproduce from the public sources (snapshots brought with the `fetch` tool):',
    '',
    '```sh',
    ...r.reproduce,
    '```',
    '',
    'Metrics (`../shared/eval/score.mjs`): AC@k = root-cause service within the first k suspects; Avg@5 = mean of AC@1..AC@5;',
    'RH@1 = a red herring ranked first; CHG = suspect #1 names the root-cause change (scenarios that have one); onset error = median |onset − truth| over runs that gave one; a crash, timeout or',
    `bad JSON counts as a miss. Calibration: of the suspects shown with \`confidence\` ≥ ${CALIBRATION_THRESHOLD.toFixed(2)} (one per service),`,
    'how many are the root cause. The reference ranker (tools/eval/reference-ranker.ts) is a robust z-score per metric',
    'series (median/MAD before a common onset vs after), services ranked by their max |z|; it reads no logs, traces,',
    'changes or topology.',
    '',
    '"Root visible before the clock": with the true onset (truth.json, read by the harness only), the product\'s own anomaly',
    "detector (robust score ≥ 3 against the baseline's spread, material for its kind of signal, in the direction that hurts",
    "users) finds a move in at least one of the root service's own series, on data up to the clock (baseline ≥ 1 h and",
    '≥ 24 samples before the onset). Where it does not, no ranker reading only the past can be expected to name the root;',
    'the split shows how much of a gap is the data rather than the ranker (tools/eval/visible.ts).',
    '',
    '## Root-cause ranking',
    '',
  ];
  if (!r.scenarioSets.length) lines.push('Not measured (no scenario sets given).', '');
  for (const s of r.scenarioSets) lines.push(...scenarioTable(s));
  lines.push(
    '## Log template grouping',
    '',
    'Grouping accuracy (GA): a line is right when its predicted group holds exactly the lines of its true group.',
    'The miner runs through `incident-scout templates <file> --json` with no configuration; the zero-config Drain is',
    "logpai's Drain with its defaults (depth 4, similarity 0.4) on whole lines. Published Drain figures are for the",
    'original Loghub labels with a per-system format and regexes.',
    '',
  );
  if (!r.logs.length) lines.push('Not measured (no labelled log sets given).', '');
  else lines.push(...logTable(r.logs));
  if (r.logSources.length)
    lines.push(
      "Where the log sets come from (each set's README.md):",
      '',
      ...r.logSources.map((l) => `- **${l.set}**: ${l.source}`),
      '',
    );
  if (r.notMeasured.length) lines.push('## Not measured', '', ...r.notMeasured.map((n) => `- ${n}`), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

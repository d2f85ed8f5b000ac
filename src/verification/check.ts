// Did the fix work? Pure: the series as the evidence source holds them, the incident's window and the
// time the action finished in; out comes, for the signals that had moved badly by then, their level
// before the incident, during it and after the action, and one verdict.
import { anomalyStrength, detectAnomalies, isBadMove } from '../evidence/analyzers/metrics';
import { median } from '../evidence/analyzers/robust';
import { deriveSignals } from '../evidence/analyzers/signals';
import { signalSeries, type ChartSeries } from '../evidence/charts/spec';
import type { MetricSeries, SeriesAnomaly } from '../evidence/types';

export type Verdict = 'recovered' | 'not_recovered' | 'no_data';

export interface SignalCheck {
  service: string;
  metric: string;
  unit?: string;
  /** Median before the onset (the baseline). */
  before: number;
  /** Median from the onset until the action. */
  during: number;
  /** Median after the action; null when the source holds no point after it. */
  after: number | null;
  recovered: boolean | null;
  /** Its points from the window's start to the end of what was read, downsampled: what a chart draws. */
  series?: ChartSeries;
}

export interface RecoveryCheck {
  verdict: Verdict;
  signals: SignalCheck[];
  /** Incident-clock times (epoch ms) of the action and of the end of what was read. */
  actionAt: number;
  readTo: number;
  /** The investigation window's start and onset (epoch ms): the baseline the signals are judged against. */
  window: { from: number; onset: number };
}

export interface CheckInput {
  series: MetricSeries[];
  window: { from: number; onset: number };
  /** When the action finished, on the incident's clock. */
  actionAt: number;
  /** End of what is read (action + the configured delay, on the incident's clock). */
  readTo: number;
  /** The service the action was about (its signals come first), when known. */
  service?: string;
  /** How many signals to judge (default 3). */
  max?: number;
}

/**
 * A signal is back when its level after the action has come at least this share of the way from the
 * incident's level back to the baseline (a latency of 2.5 s returning to 300 ms from a 200 ms baseline).
 */
const BACK_SHARE = 0.7;

/** Judges whether the signals that moved at the incident came back after the action (see file comment). */
export function checkRecovery(input: CheckInput): RecoveryCheck {
  const max = input.max ?? 3;
  const { from, onset } = input.window;
  // The moves as they stood when the action ran: nothing after it decides which signals matter.
  const moved = detectAnomalies(input.series, { from, onset, to: input.actionAt }).filter((a) => isBadMove(a));
  const chosen = pick(moved, input.service, max);
  const signals = new Map(deriveSignals(input.series).map((s) => [s.key, s]));
  const checks: SignalCheck[] = chosen.map((a) => {
    const sig = signals.get(a.key);
    const pts = sig?.points ?? [];
    const after = pts.filter((p) => p[0] > input.actionAt && p[0] <= input.readTo).map((p) => p[1]);
    const level = after.length ? median(after) : null;
    return {
      service: a.service,
      metric: a.metric,
      ...(a.unit ? { unit: a.unit } : {}),
      before: a.baseline,
      during: a.current,
      after: level,
      recovered: level === null ? null : isBack(a.baseline, a.current, level),
      ...(sig ? { series: signalSeries(sig, { from, to: input.readTo }, a.changeAt) } : {}),
    };
  });
  const known = checks.filter((c) => c.recovered !== null);
  const verdict: Verdict =
    known.length === 0 ? 'no_data' : known.every((c) => c.recovered) ? 'recovered' : 'not_recovered';
  return { verdict, signals: checks, actionAt: input.actionAt, readTo: input.readTo, window: { from, onset } };
}

/** Whether `after` came back from `during` towards `before` by at least BACK_SHARE of the move. */
export function isBack(before: number, during: number, after: number): boolean {
  const move = during - before;
  if (move === 0) return true;
  return (during - after) / move >= BACK_SHARE;
}

/** The action's service's strongest moves first, then the strongest elsewhere (what users felt). */
function pick(moved: SeriesAnomaly[], service: string | undefined, max: number): SeriesAnomaly[] {
  const byStrength = [...moved].sort((x, y) => anomalyStrength(y) - anomalyStrength(x) || x.key.localeCompare(y.key));
  const own = service ? byStrength.filter((a) => a.service === service).slice(0, Math.max(1, max - 1)) : [];
  const rest = byStrength.filter((a) => !own.includes(a));
  return [...own, ...rest].slice(0, max);
}

// A chart as data: what to draw, not how. Built from the series a metrics scout read (kept compact on
// the evidence), rendered to SVG by ./svg and to PNG by src/slack/charts. Pure: no I/O.
import type { EvidenceSeries } from '../../domain/types';
import { formatClock, formatValue } from '../analyzers/format';
import { median } from '../analyzers/robust';
import type { Signal } from '../analyzers/signals';

/** A metric series as evidence carries it: downsampled points in the investigation window. */
export type ChartSeries = EvidenceSeries;

export interface ChartRule {
  at: number;
  label: string;
  kind: 'onset' | 'change';
}

/** One panel: series that share a unit, on one y axis. */
export interface ChartPanel {
  unit?: string;
  series: Array<ChartSeries & { highlight: boolean }>;
}

export interface ChartSpec {
  title: string;
  /** Baseline [from, onset) is shaded; the x axis spans [from, to]. */
  window: { from: number; onset: number; to: number };
  panels: ChartPanel[];
  rules: ChartRule[];
}

export const MAX_POINTS = 60;
const MAX_PANELS = 3;
const MAX_PER_PANEL = 3;
const MIN_BASELINE_SHOWN_MS = 15 * 60_000;

/**
 * Keeps at most `max` points of a series in [from, to]: the mean of each of `max` equal time buckets,
 * except that a bucket's extreme is kept when it strays far from the mean (a spike must stay visible).
 */
export function downsample(points: ReadonlyArray<readonly [number, number]>, from: number, to: number, max = MAX_POINTS): Array<[number, number]> {
  const inRange = points.filter((p) => p[0] >= from && p[0] <= to && Number.isFinite(p[1]));
  if (inRange.length <= max) return inRange.map((p) => [p[0], round(p[1])]);
  const width = (to - from) / max;
  const buckets: Array<Array<readonly [number, number]>> = Array.from({ length: max }, () => []);
  for (const p of inRange) buckets[Math.min(max - 1, Math.floor((p[0] - from) / width))]?.push(p);
  const out: Array<[number, number]> = [];
  for (const b of buckets) {
    if (b.length === 0) continue;
    const mean = b.reduce((s, p) => s + p[1], 0) / b.length;
    const far = b.reduce((m, p) => (Math.abs(p[1] - mean) > Math.abs(m[1] - mean) ? p : m), b[0] as readonly [number, number]);
    const t = b.reduce((s, p) => s + p[0], 0) / b.length;
    out.push([Math.round(t), round(Math.abs(far[1] - mean) > 0.5 * Math.abs(mean) ? far[1] : mean)]);
  }
  return out;
}

/** A signal's points in the window, downsampled, as evidence carries them for a chart. */
export function signalSeries(sig: Signal, window: { from: number; to: number }, changeAt: number | null): ChartSeries {
  return {
    label: `${sig.service} ${sig.metric}`, service: sig.service, points: downsample(sig.points, window.from, window.to),
    ...(sig.unit ? { unit: sig.unit } : {}), ...(changeAt !== null ? { changeAt } : {}),
  };
}

function round(v: number): number {
  return Number(v.toPrecision(4));
}

/**
 * The spec for a set of series: grouped by unit into at most three panels of at most three series,
 * the highlighted service's series first and coloured; the others grey for context.
 */
export function chartSpec(input: {
  title: string;
  window: { from: number; onset: number; to: number };
  series: readonly ChartSeries[];
  highlight?: string;
  changes?: ReadonlyArray<{ at: number; label: string }>;
}): ChartSpec | null {
  const usable = input.series.filter((s) => s.points.length >= 2);
  if (usable.length === 0) return null;
  const byUnit = new Map<string, ChartSeries[]>();
  // Highlighted service first, so its unit gets the first panel.
  const ordered = [...usable].sort((a, b) => Number(b.service === input.highlight) - Number(a.service === input.highlight));
  for (const s of ordered) byUnit.set(s.unit ?? '', [...(byUnit.get(s.unit ?? '') ?? []), s]);
  const allPanels: ChartPanel[] = [...byUnit.entries()].slice(0, MAX_PANELS).map(([unit, list]) => ({
    ...(unit ? { unit } : {}),
    series: list.slice(0, MAX_PER_PANEL).map((s) => ({ ...s, highlight: input.highlight === undefined ? s === list[0] : s.service === input.highlight })),
  }));
  const { to, onset } = input.window;
  // Enough baseline to see the normal level, not so much that the incident is squeezed to the edge.
  const from = Math.max(input.window.from, onset - Math.max(3 * (to - onset), MIN_BASELINE_SHOWN_MS));
  const panels = allPanels.map((p) => ({ ...p, series: p.series.map((s) => ({ ...s, points: s.points.filter((x) => x[0] >= from) })) }));
  const rules: ChartRule[] = [{ at: onset, label: `onset ${formatClock(onset).slice(0, 5)}`, kind: 'onset' }];
  for (const c of input.changes ?? []) if (c.at >= from && c.at <= to) rules.push({ at: c.at, label: c.label, kind: 'change' });
  return { title: input.title, window: { from, onset, to }, panels, rules };
}

/** What the picture shows, in words: each series from its baseline to its incident level, the marks. */
export function describeChart(spec: ChartSpec): string {
  const { onset, from, to } = spec.window;
  const lines = spec.panels.flatMap((p) =>
    p.series.map((s) => {
      const before = median(s.points.filter((x) => x[0] < onset).map((x) => x[1]));
      const after = median(s.points.filter((x) => x[0] >= onset).map((x) => x[1]));
      const move = Number.isFinite(before) && Number.isFinite(after) ? ` from ${formatValue(before, s.unit)} to ${formatValue(after, s.unit)}` : '';
      return `${s.label}${move}${s.highlight ? ' (highlighted)' : ''}`;
    }),
  );
  const changes = spec.rules.filter((r) => r.kind === 'change').map((r) => `${r.label} at ${formatClock(r.at).slice(0, 5)}`);
  return (
    `Line chart, ${formatClock(from).slice(0, 5)}–${formatClock(to).slice(0, 5)} UTC, baseline before the onset at ${formatClock(onset).slice(0, 5)} shaded: ` +
    `${lines.join('; ')}${changes.length ? `. Marked: ${changes.join(', ')}` : ''}.`
  );
}

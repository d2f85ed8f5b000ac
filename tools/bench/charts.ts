// Chart rendering (run by tools/bench/index.ts via `npm run bench`): spec → SVG → PNG with resvg, for
// the largest chart the thread posts (three panels of three series) from full-resolution series.
import { chartSpec, downsample, type ChartSeries } from '../../src/evidence/charts/spec';
import { renderChartPng } from '../../src/slack/charts/png';
import { Rng } from '../scenario/prng';

const STEP = 15_000;
const T0 = Date.parse('2026-11-27T02:00:00Z');
const POINTS = 2_000;

function series(rng: Rng, label: string, unit: string, shift: number): ChartSeries {
  const onsetAt = Math.floor(POINTS * 0.8);
  const pts: Array<[number, number]> = [];
  for (let i = 0; i < POINTS; i++) pts.push([T0 + i * STEP, (i >= onsetAt ? shift : 1) * (1 + 0.1 * rng.normal())]);
  return { label, service: label.split(' ')[0] as string, unit, points: downsample(pts, T0, T0 + (POINTS - 1) * STEP) };
}

const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
};

/** Renders the largest chart 40 times (after the first, timed apart as the cold start); median, p95 and max. */
export async function benchCharts(): Promise<Record<string, string | number>> {
  const rng = new Rng(7);
  const window = { from: T0, onset: T0 + Math.floor(POINTS * 0.8) * STEP, to: T0 + (POINTS - 1) * STEP };
  const all = ['s', '%', 'req/s'].flatMap((unit) =>
    ['checkout', 'payments', 'web'].map((svc, k) => series(rng, `${svc} ${unit} series`, unit, k === 0 ? 8 : 1.2)),
  );
  const build = () =>
    chartSpec({
      title: 'Scout metrics: what moved at the onset',
      window,
      series: all,
      highlight: 'checkout',
      changes: [{ at: window.onset - 120_000, label: 'deploy checkout' }],
    });
  let t = performance.now();
  const first = build();
  if (!first) throw new Error('no chart spec');
  const png = renderChartPng(first);
  const coldMs = performance.now() - t;
  const times: number[] = [];
  for (let i = 0; i < 40; i++) {
    t = performance.now();
    const spec = build();
    if (spec) renderChartPng(spec);
    times.push(performance.now() - t);
  }
  return {
    'charts.cold_ms': Math.round(coldMs * 10) / 10,
    'charts.median_ms': Math.round(pct(times, 0.5) * 10) / 10,
    'charts.p95_ms': Math.round(pct(times, 0.95) * 10) / 10,
    'charts.max_ms': Math.round(Math.max(...times) * 10) / 10,
    'charts.png_bytes': png.length,
    'charts.panels_x_series': '3 x 3',
  };
}

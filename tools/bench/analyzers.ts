// Benchmarks of the metric analyzers and the offline pipeline (run by tools/bench/index.ts via `npm run bench`).

import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/config';
import { analyze } from '../../src/evidence/analyze';
import { detectAnomalies, estimateOnset } from '../../src/evidence/analyzers/metrics';
import { FilesSource } from '../../src/evidence/sources/files';
import type { MetricSeries } from '../../src/evidence/types';
import { Rng } from '../scenario/prng';

const STEP = 15_000;
const T0 = Date.parse('2026-11-27T00:00:00Z');

/** `n` series of `points` points: gauges, counters and 5xx counters; one in ten shifts at 80% of the span. */
export function syntheticSeries(n: number, points: number, seed = 1): MetricSeries[] {
  const rng = new Rng(seed);
  const shiftAt = Math.floor(points * 0.8);
  const out: MetricSeries[] = [];
  for (let s = 0; s < n; s++) {
    const service = `svc-${s % 50}`;
    const shifts = s % 10 === 0;
    const kind = s % 3;
    const pts: Array<[number, number]> = [];
    let acc = 0;
    for (let i = 0; i < points; i++) {
      const level = (shifts && i >= shiftAt ? 5 : 1) * (1 + 0.05 * rng.normal());
      if (kind === 0) pts.push([T0 + i * STEP, level]);
      else {
        acc += level * 15;
        pts.push([T0 + i * STEP, acc]);
      }
    }
    const name = kind === 0 ? `queue_depth_${s}` : 'http_requests_total';
    const labels: Record<string, string> =
      kind === 0 ? { service } : { service, route: `/r${s}`, status: kind === 2 ? '500' : '200' };
    out.push({
      name,
      family: name.replace(/_total$/, ''),
      type: kind === 0 ? 'gauge' : 'counter',
      service,
      labels,
      points: pts,
    });
  }
  return out;
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Metric analysis on 2,000 series x 720 points, and `analyze` on the example scenario (median of 5). */
export async function benchAnalyzers(): Promise<Record<string, string | number>> {
  const series = syntheticSeries(2000, 720);
  const end = T0 + 719 * STEP;
  const onset = T0 + Math.floor(720 * 0.8) * STEP;
  let t = performance.now();
  const anomalies = detectAnomalies(series, { from: T0, onset, to: end });
  const detectMs = performance.now() - t;
  t = performance.now();
  const est = estimateOnset(series, T0, end);
  const onsetMs = performance.now() - t;
  const dir = join(PACKAGE_ROOT, 'examples/scenarios/checkout-latency');
  const runs: number[] = [];
  let top = '';
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    const r = await analyze(new FilesSource(dir));
    runs.push(performance.now() - t);
    top = r.suspects[0]?.service ?? '';
  }
  return {
    'metrics.detectAnomalies 2000x720 ms': Math.round(detectMs),
    'metrics.estimateOnset 2000x720 ms': Math.round(onsetMs),
    // 200 of the 2,000 series shift; counters of one service and status class are summed into one signal.
    'metrics anomalies found': anomalies.length,
    'metrics onset error s': est ? Math.round((est.onset - onset) / 1000) : 'none',
    'analyze example median of 5 ms': Math.round(medianOf(runs)),
    'analyze example top suspect': top,
  };
}

if (require.main === module) {
  void benchAnalyzers().then((r) => {
    for (const [k, v] of Object.entries(r)) console.log(`${k}: ${v}`);
  });
}

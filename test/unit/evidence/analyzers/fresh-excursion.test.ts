import { detectAnomalies, excursionStart } from '../../../../src/evidence/analyzers/metrics';
import type { AnalysisWindow, MetricSeries } from '../../../../src/evidence/types';

const STEP = 300_000; // 5-minute aggregates, as CloudWatch reports them
const T0 = Date.parse('2026-11-27T00:00:00Z');
const wiggle = (i: number): number => Math.sin(i * 1.7) * 0.5 + Math.sin(i * 0.37) * 0.5;
const gauge = (service: string, f: (i: number) => number, n: number, step = STEP): MetricSeries => ({
  name: 'request_latency_seconds',
  family: 'request_latency_seconds',
  type: 'gauge',
  service,
  labels: { service },
  points: Array.from({ length: n }, (_, i) => [T0 + i * step, f(i)] as [number, number]),
});

describe('a move in the newest coarse samples', () => {
  // 30 quiet samples, the onset at sample 26, and only the last sample (29) slow: the alert fired on it.
  const window: AnalysisWindow = { from: T0, onset: T0 + 26 * STEP, to: T0 + 29 * STEP };
  const lastOnly = (i: number): number => (i === 29 ? 1.0 : 0.04 + 0.002 * wiggle(i));

  it('is the current state and is dated at its first sample', () => {
    const [a] = detectAnomalies([gauge('search', lastOnly, 30)], window);
    expect(a?.service).toBe('search');
    expect(a?.current).toBeCloseTo(1.0, 5);
    expect(a?.changeAt).toBe(T0 + 29 * STEP);
  });

  it('is not taken from one sample of fine-grained data (a single 15 s spike is noise there)', () => {
    const fine = 15_000;
    const w: AnalysisWindow = { from: T0, onset: T0 + 200 * fine, to: T0 + 239 * fine };
    const spike = (i: number): number => (i === 239 ? 1.0 : 0.04 + 0.002 * wiggle(i));
    expect(detectAnomalies([gauge('search', spike, 240, fine)], w)).toHaveLength(0);
  });

  it('starts where the samples beyond three spreads begin, and not at all when the last one is normal', () => {
    const pts: Array<[number, number]> = [
      [1, 1],
      [2, 1],
      [3, 5],
      [4, 6],
      [5, 7],
    ];
    expect(excursionStart(pts, 1, 0.5, 1)).toBe(3);
    expect(excursionStart([...pts, [6, 1]], 1, 0.5, 1)).toBeNull();
  });

  it('counts a success rate falling in the newest sample, judged on its failing share', () => {
    // 100 % for two hours, the last sample at 98.5 %: 1.5 % of requests failing where none did.
    const availability: MetricSeries = {
      ...gauge('orders', (i) => (i === 29 ? 98.5 : 100), 30),
      name: 'availability_percent',
      family: 'availability_percent',
    };
    const window: AnalysisWindow = { from: T0, onset: T0 + 15 * STEP, to: T0 + 29 * STEP };
    const [a] = detectAnomalies([availability], window);
    expect(a?.service).toBe('orders');
    expect(a?.direction).toBe('down');
    expect(a?.current).toBeCloseTo(98.5, 5);
    expect(a?.changeAt).toBe(T0 + 29 * STEP);
  });
});

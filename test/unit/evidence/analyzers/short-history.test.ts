import { detectAnomalies, metricOnsetCandidates } from '../../../../src/evidence/analyzers/metrics';
import { rankServices } from '../../../../src/evidence/analyzers/ranking';
import { describeAnomaly } from '../../../../src/evidence/analyzers/suspect';
import type { AnalysisWindow, MetricSeries } from '../../../../src/evidence/types';

// Monitoring that began minutes ago: five one-minute samples, the last two after the move.
const STEP = 60_000;
const T0 = Date.parse('2026-12-07T03:51:00Z');
const cpu = (values: number[]): MetricSeries => ({
  name: 'container_cpu_usage_percent',
  family: 'container_cpu_usage_percent',
  type: 'gauge',
  service: 'frontend',
  labels: { service: 'frontend' },
  points: values.map((v, i) => [T0 + i * STEP, v] as [number, number]),
});
const NOW = T0 + 4 * STEP;

describe('a series with only a few samples of history', () => {
  const jump = cpu([26.7, 28.6, 25.7, 80.5, 81.3]);

  it('dates the move where it began instead of finding nothing', () => {
    const [c] = metricOnsetCandidates([jump], T0 - 3_600_000, NOW);
    expect(c?.service).toBe('frontend');
    expect(c?.at).toBe(T0 + 3 * STEP);
  });

  it('reports the move and says how little history it was judged against', () => {
    const window: AnalysisWindow = { from: T0 - 3_600_000, onset: T0 + 3 * STEP, to: NOW };
    const [a] = detectAnomalies([jump], window);
    expect(a?.service).toBe('frontend');
    expect(a?.direction).toBe('up');
    expect(a?.shortBaseline).toBe(3);
    expect(describeAnomaly(a!)).toContain('only 3 samples of history before it');
  });

  it('holds a wobble to a stricter bar than a long history would (twice the relative move)', () => {
    // +30 % on a steady 40 %: material against a long baseline, not against three samples.
    const wobble = cpu([40, 40.5, 39.8, 52, 52.5]);
    const window: AnalysisWindow = { from: T0 - 3_600_000, onset: T0 + 3 * STEP, to: NOW };
    expect(detectAnomalies([wobble], window)).toHaveLength(0);
    expect(metricOnsetCandidates([wobble], T0 - 3_600_000, NOW)).toHaveLength(0);
  });

  it('does not judge a move after only two samples', () => {
    const window: AnalysisWindow = { from: T0 - 3_600_000, onset: T0 + 2 * STEP, to: NOW };
    const twoBefore = cpu([26.7, 28.6, 80.5, 81.3, 80.9]);
    expect(detectAnomalies([twoBefore], window)).toHaveLength(0);
    expect(metricOnsetCandidates([twoBefore], T0 - 3_600_000, NOW)).toHaveLength(0);
  });
});

describe('a suspect whose move was judged against a few samples of history', () => {
  it('is at most "possible", however far it moved', () => {
    const window: AnalysisWindow = { from: T0 - 3_600_000, onset: T0 + 3 * STEP, to: NOW };
    const slow: MetricSeries = {
      ...cpu([0.16, 0.17, 0.16, 1.4, 1.39]),
      name: 'request_latency_seconds',
      family: 'request_latency_seconds',
    };
    // CPU saturated and requests slower: two kinds of evidence agreeing, which alone would read "likely".
    const moves = detectAnomalies([cpu([26.7, 28.6, 25.7, 80.5, 81.3]), slow], window);
    expect(moves).toHaveLength(2);
    const topology = { services: [{ name: 'frontend', kind: 'edge' as const, calls: [] }] };
    const [top] = rankServices({ anomalies: moves, templates: [], changes: [], topology }).suspects;
    expect(top?.service).toBe('frontend');
    expect(top?.confidence).toBeLessThan(0.7);
    expect(top?.likelihood).toBe('possible');
  });
});

import { detectAnomalies, estimateOnset, isMaterial } from '../../../../src/evidence/analyzers/metrics';
import { clusterOnset, logOnsetCandidates, type OnsetCandidate } from '../../../../src/evidence/analyzers/onset';
import { classify, polarity } from '../../../../src/evidence/analyzers/signals';
import type { MetricSeries } from '../../../../src/evidence/types';

const S = 15_000;
const T0 = Date.parse('2026-11-27T01:00:00Z');
const wiggle = (i: number): number => Math.sin(i * 1.7) * 0.5 + Math.sin(i * 0.37) * 0.5;
const gauge = (
  service: string,
  name: string,
  f: (i: number) => number,
  n = 480,
  labels: Record<string, string> = {},
  start = 0,
): MetricSeries => ({
  name,
  family: name,
  type: 'gauge',
  service,
  labels: { service, ...labels },
  points: Array.from({ length: n - start }, (_, k) => [T0 + (k + start) * S, f(k + start)] as [number, number]),
});
const cand = (key: string, service: string, at: number, strength: number): OnsetCandidate => ({
  key,
  service,
  at,
  strength,
  origin: 'metrics',
});

describe('the onset', () => {
  it('is the start of the main anomaly cluster, not an early wiggle an hour before', () => {
    const early = T0 + 10 * 60_000;
    const main = T0 + 100 * 60_000;
    const est = clusterOnset(
      [
        cand('cpu', 'web', early, 0.6),
        cand('lat', 'api', main, 2),
        cand('err', 'api', main + 30_000, 2.5),
        cand('lat2', 'db', main + 15_000, 1.8),
      ],
      { stepMs: S, to: main + 600_000 },
    );
    expect(est?.onset).toBe(main);
    expect(est?.lo).toBeLessThan(main);
    expect(est?.hi).toBeGreaterThanOrEqual(main);
  });

  it('survives candidates that straddle a gap or carry invalid times', () => {
    const est = clusterOnset([cand('a', 'x', Number.NaN, 1), cand('b', 'y', Infinity, 2), cand('c', 'z', T0, 1)], {
      stepMs: Number.NaN,
      to: T0 + 3_600_000,
    });
    expect(est?.onset).toBe(T0);
    expect(clusterOnset([], { stepMs: S, to: T0 })).toBeNull();
  });

  it('ignores a CPU drift of a few points (not material) and dates an error-ratio jump', () => {
    const drift = gauge('web', 'cpu_usage_percent', (i) => (i < 200 ? 14 : 17) + 0.2 * wiggle(i));
    const errors = gauge('api', 'error_ratio', (i) => (i < 400 ? 0.001 : 0.05) + 0.0005 * wiggle(i));
    expect(estimateOnset([drift, errors], T0, T0 + 479 * S)?.onset).toBe(T0 + 400 * S);
  });

  it('is not anchored by an earlier episode that recovered before the clock', () => {
    // An error ratio that spiked and came back 40 minutes ago, then rose again 5 minutes ago.
    const errors = gauge(
      'api',
      'error_ratio',
      (i) => (i >= 200 && i < 240 ? 0.2 : i >= 460 ? 0.05 : 0.001) + 0.0005 * wiggle(i),
    );
    expect(estimateOnset([errors], T0, T0 + 479 * S)?.onset).toBe(T0 + 460 * S);
    // A stronger spike on another series, over for 40 minutes, does not outweigh what is still moving.
    const over = gauge('db', 'error_ratio', (i) => (i >= 200 && i < 240 ? 0.5 : 0.001) + 0.0005 * wiggle(i));
    const now = gauge('api', 'error_ratio', (i) => (i >= 460 ? 0.05 : 0.001) + 0.0005 * wiggle(i));
    expect(estimateOnset([over, now], T0, T0 + 479 * S)?.onset).toBe(T0 + 460 * S);
  });

  it('sets aside an error-log burst that ended before the clock and dates one still going', () => {
    const M = 60_000;
    const rates = new Map([
      ['old', new Map(Array.from({ length: 30 }, (_, k) => [T0 + (20 + k) * M, 30] as [number, number]))],
      ['now', new Map(Array.from({ length: 6 }, (_, k) => [T0 + (54 + k) * M, 30] as [number, number]))],
    ]);
    const cands = logOnsetCandidates(rates, T0, T0 + 59 * M);
    expect(cands.map((c) => [c.service, c.at, c.recovered ?? false])).toEqual([
      ['old', T0 + 20 * M, true],
      ['now', T0 + 54 * M, false],
    ]);
    expect(clusterOnset(cands, { stepMs: M, to: T0 + 59 * M })?.onset).toBe(T0 + 54 * M);
  });

  it('dates a crash loop at its first crash, not the latest one after a restart back-off', () => {
    const M = 60_000;
    // A container dies out of memory at minute 45, waits out a 4-minute back-off, dies again at 50 and 55.
    const crashes = new Map([45, 50, 55].map((m) => [T0 + m * M, 4] as [number, number]));
    const [c] = logOnsetCandidates(new Map([['api', crashes]]), T0, T0 + 56 * M);
    expect(c).toMatchObject({ service: 'api', at: T0 + 45 * M });
    expect(c?.recovered).toBeUndefined();
  });
});

describe('signal semantics', () => {
  it('reads success rates and availability as bad when they go down', () => {
    expect(classify('checkout_success_rate', {})).toBe('errors');
    expect(polarity('availability_percent', classify('availability_percent', {}))).toBe('down');
    expect(polarity('http_request_duration_seconds', 'latency')).toBe('up');
    const onset = T0 + 400 * S;
    const [a] = detectAnomalies([gauge('api', 'success_ratio', (i) => (i < 400 ? 0.999 : 0.9) + 0.0002 * wiggle(i))], {
      from: T0,
      onset,
      to: T0 + 479 * S,
    });
    expect(a).toMatchObject({ kind: 'errors', direction: 'down', bad: 'down' });
  });

  it('holds each kind to an absolute floor: CPU +5 points is nothing, an error ratio 0 → 5 % is a lot', () => {
    expect(isMaterial({ kind: 'saturation', unit: '%' }, 14, 19, 0.2)).toBe(false);
    expect(isMaterial({ kind: 'saturation', unit: '%' }, 14, 60, 0.2)).toBe(true);
    expect(isMaterial({ kind: 'errors', unit: 'ratio' }, 0, 0.05, 0.2)).toBe(true);
    expect(isMaterial({ kind: 'errors', unit: 'ratio' }, 0.001, 0.003, 0.2)).toBe(false);
  });

  it('compares a new instance with no history against its siblings instead of skipping it', () => {
    const onset = T0 + 400 * S;
    const old = gauge('cart', 'request_latency_seconds', (i) => 0.1 + 0.005 * wiggle(i), 480, { pod: 'cart-1' });
    const canary = gauge(
      'cart',
      'request_latency_seconds',
      (i) => 0.9 + 0.005 * wiggle(i),
      480,
      { pod: 'cart-canary' },
      405,
    );
    const found = detectAnomalies([old, canary], { from: T0, onset, to: T0 + 479 * S });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ service: 'cart', vsSiblings: true, direction: 'up' });
  });
});

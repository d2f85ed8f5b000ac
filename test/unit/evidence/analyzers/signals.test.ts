import { classify, deriveSignals } from '../../../../src/evidence/analyzers/signals';
import { counterRate, histogramQuantile } from '../../../../src/evidence/analyzers/series-math';
import type { MetricSeries } from '../../../../src/evidence/types';

const S = 15_000;

function series(
  name: string,
  type: MetricSeries['type'],
  labels: Record<string, string>,
  values: number[],
  family = name,
): MetricSeries {
  return { name, family, type, service: labels.service ?? 'svc', labels, points: values.map((v, i) => [i * S, v]) };
}

describe('counter rates', () => {
  it('turns a counter into per-second rates', () => {
    expect(
      counterRate([
        [0, 0],
        [15_000, 30],
        [30_000, 60],
      ]),
    ).toEqual([
      [15_000, 2],
      [30_000, 2],
    ]);
  });

  it('treats a drop as a reset, not a negative rate', () => {
    // 90 -> 15 after a restart: 15 new requests in 15 s
    expect(
      counterRate([
        [0, 60],
        [15_000, 90],
        [30_000, 15],
      ]),
    ).toEqual([
      [15_000, 2],
      [30_000, 1],
    ]);
  });

  it('skips NaN points and spans gaps with the elapsed time', () => {
    expect(
      counterRate([
        [0, 0],
        [15_000, Number.NaN],
        [30_000, 60],
      ]),
    ).toEqual([[30_000, 2]]);
  });
});

describe('histogram_quantile', () => {
  it('interpolates inside the bucket holding the rank, like Prometheus', () => {
    // 100 observations: 50 <= 0.1, 90 <= 0.5, 100 <= 1
    const b: Array<[number, number]> = [
      [0.1, 50],
      [0.5, 90],
      [1, 100],
      [Infinity, 100],
    ];
    expect(histogramQuantile(0.5, b)).toBeCloseTo(0.1, 9);
    // rank 99 falls in (0.5, 1]: 9 of its 10 -> 0.5 + 0.5 * 0.9
    expect(histogramQuantile(0.99, b)).toBeCloseTo(0.95, 9);
  });

  it('returns the highest finite bound when the rank lands in +Inf', () => {
    expect(
      histogramQuantile(0.99, [
        [1, 10],
        [Infinity, 100],
      ]),
    ).toBe(1);
  });

  it('is NaN when there were no observations', () => {
    expect(
      histogramQuantile(0.99, [
        [1, 0],
        [Infinity, 0],
      ]),
    ).toBeNaN();
  });
});

describe('deriveSignals', () => {
  it('computes p99 from bucket rates per label set, ignoring le', () => {
    const n = 10;
    const cum = (perStep: number): number[] => Array.from({ length: n }, (_, i) => perStep * i);
    const buckets = [
      series('lat_seconds_bucket', 'histogram', { service: 'a', le: '0.1' }, cum(90), 'lat_seconds'),
      series('lat_seconds_bucket', 'histogram', { service: 'a', le: '1' }, cum(100), 'lat_seconds'),
      series('lat_seconds_bucket', 'histogram', { service: 'a', le: '+Inf' }, cum(100), 'lat_seconds'),
    ];
    const sigs = deriveSignals(buckets);
    const p99 = sigs.find((s) => s.metric.startsWith('p99'));
    expect(p99?.kind).toBe('latency');
    expect(p99?.unit).toBe('s');
    // rank 99 of 100 lies in (0.1, 1]: 9 of its 10 -> 0.1 + 0.9 * 0.9
    expect(p99?.points[0]?.[1]).toBeCloseTo(0.91, 9);
    expect(p99?.points).toHaveLength(n - 1);
  });

  it('prefers the 0.99 quantile of a summary', () => {
    const sigs = deriveSignals([
      series('q_seconds', 'summary', { service: 'a', quantile: '0.5' }, [1, 1, 1, 1, 1]),
      series('q_seconds', 'summary', { service: 'a', quantile: '0.99' }, [9, 9, 9, 9, 9]),
    ]);
    expect(sigs).toHaveLength(1);
    expect(sigs[0]?.metric).toBe('p99 q');
    expect(sigs[0]?.points[0]?.[1]).toBe(9);
  });

  it('turns 5xx counters of a service into one error ratio, keeping the rest as traffic', () => {
    const sigs = deriveSignals([
      series('http_requests_total', 'counter', { service: 'a', status: '500' }, [0, 15, 30], 'http_requests'),
      series('http_requests_total', 'counter', { service: 'a', status: '503' }, [0, 15, 30], 'http_requests'),
      series('http_requests_total', 'counter', { service: 'a', status: '200' }, [0, 150, 300], 'http_requests'),
    ]);
    const errs = sigs.filter((s) => s.kind === 'errors');
    expect(errs.map((s) => s.metric)).toEqual(['error ratio of requests']);
    expect(errs[0]?.points).toEqual([
      [15_000, 2 / 12],
      [30_000, 2 / 12],
    ]);
    expect(sigs.find((s) => s.kind === 'traffic')?.points[0]?.[1]).toBe(10);
  });

  it('classifies by name and labels', () => {
    expect(classify('process_cpu_seconds_total', {})).toBe('saturation');
    expect(classify('db_pool_connections_in_use', {})).toBe('saturation');
    expect(classify('http_requests_total', { status: '502' })).toBe('errors');
    expect(classify('payment_errors_total', {})).toBe('errors');
    expect(classify('http_request_duration_seconds', {})).toBe('latency');
    expect(classify('http_requests_total', { status: '200' })).toBe('traffic');
  });
});

// Signals read by meaning in the conventions other exporters use: status-code counters, histogram means,
// milliseconds, and cAdvisor's usage beside its limits.
import { deriveSignals } from '../../../../src/evidence/analyzers/signals';
import type { MetricSeries } from '../../../../src/evidence/types';

const S = 15_000;

function series(
  name: string,
  type: MetricSeries['type'],
  labels: Record<string, string>,
  values: number[],
  family = name.replace(/_(total|bucket|sum|count)$/, ''),
): MetricSeries {
  return { name, family, type, service: 'a', labels, points: values.map((v, i) => [i * S, v]) };
}

describe('signals in other exporters conventions', () => {
  it('turns request counters by status code into the share of requests that failed', () => {
    const sigs = deriveSignals([
      series('http_requests_total', 'counter', { code: '200' }, [0, 150, 300, 435]),
      // The 500 series appears at the first failure, as Prometheus clients create it.
      {
        ...series('http_requests_total', 'counter', { code: '500' }, []),
        points: [
          [2 * S, 0],
          [3 * S, 15],
        ],
      },
    ]);
    const ratio = sigs.find((s) => s.unit === 'ratio');
    expect(ratio).toMatchObject({ kind: 'errors', bad: 'up', metric: 'error ratio of requests' });
    expect(ratio?.points).toEqual([
      [S, 0],
      [2 * S, 0],
      [3 * S, 0.1],
    ]);
  });

  it('reads OTel status labels and named error statuses', () => {
    const sigs = deriveSignals([
      series('calls_total', 'counter', { status_code: 'STATUS_CODE_UNSET' }, [0, 90]),
      series('calls_total', 'counter', { status_code: 'STATUS_CODE_ERROR' }, [0, 10]),
      series('http_server_requests_total', 'counter', { http_response_status_code: '503' }, [0, 30]),
    ]);
    expect(sigs.filter((s) => s.unit === 'ratio').map((s) => [s.metric, Number(s.points[0]?.[1].toFixed(9))])).toEqual([
      ['error ratio of calls', 0.1],
      ['error ratio of server requests', 1],
    ]);
  });

  it('gives a histogram or summary its mean latency from _sum over _count', () => {
    const sigs = deriveSignals([
      series('rpc_duration_seconds_sum', 'summary', {}, [0, 2, 4, 10]),
      series('rpc_duration_seconds_count', 'summary', {}, [0, 20, 40, 60]),
    ]);
    const mean = sigs.find((s) => s.metric === 'mean rpc duration');
    expect(mean).toMatchObject({ kind: 'latency', unit: 's', bad: 'up' });
    expect(mean?.points.map((p) => Number(p[1].toFixed(9)))).toEqual([0.1, 0.1, 0.3]);
  });

  it('gives no mean where buckets or quantiles already give the distribution', () => {
    const sigs = deriveSignals([
      series('rpc_duration_seconds', 'summary', { quantile: '0.99' }, [0.2, 0.2, 0.9]),
      series('rpc_duration_seconds_sum', 'summary', {}, [0, 2, 4, 10]),
      series('rpc_duration_seconds_count', 'summary', {}, [0, 20, 40, 60]),
    ]);
    expect(sigs.map((s) => s.metric)).toEqual(['p99 rpc duration']);
  });

  it('reads a histogram in milliseconds in seconds', () => {
    const cum = (per: number): number[] => [0, per, 2 * per];
    const fam = 'istio_request_duration_milliseconds';
    const sigs = deriveSignals([
      series(`${fam}_bucket`, 'histogram', { le: '10' }, cum(50)),
      series(`${fam}_bucket`, 'histogram', { le: '100' }, cum(100)),
      series(`${fam}_bucket`, 'histogram', { le: '+Inf' }, cum(100)),
    ]);
    const p50 = sigs.find((s) => s.metric.startsWith('p50'));
    expect(p50?.unit).toBe('s');
    expect(p50?.points[0]?.[1]).toBeCloseTo(0.01, 9);
  });

  it('adds CPU and memory as a share of the container limit cAdvisor exports', () => {
    const c = { namespace: 'p', pod: 'a-7c9f8d6b5d-x2k4q', container: 'main' };
    const sigs = deriveSignals([
      // 0.05 cores used under a quota of 10 ms per 100 ms period (0.1 cores): 50 %.
      series('container_cpu_usage_seconds_total', 'counter', c, [0, 0.75, 1.5]),
      series('container_spec_cpu_quota', 'gauge', c, [10000, 10000, 10000]),
      series('container_spec_cpu_period', 'gauge', c, [100000, 100000, 100000]),
      series('container_memory_working_set_bytes', 'gauge', c, [100, 200, 300]),
      series('container_spec_memory_limit_bytes', 'gauge', c, [400, 400, 400]),
    ]);
    const cpu = sigs.find((s) => s.metric === 'cpu of its limit');
    expect(cpu).toMatchObject({ kind: 'saturation', unit: '%' });
    expect(cpu?.points.map((p) => p[1])).toEqual([50, 50]);
    expect(sigs.find((s) => s.metric === 'memory of its limit')?.points.map((p) => p[1])).toEqual([25, 50, 75]);
  });

  it('adds no share where no limit is set', () => {
    const c = { namespace: 'p', pod: 'a-7c9f8d6b5d-x2k4q', container: 'main' };
    const sigs = deriveSignals([
      series('container_cpu_usage_seconds_total', 'counter', c, [0, 0.75, 1.5]),
      series('container_spec_cpu_quota', 'gauge', c, [-1, -1, -1]),
      series('container_spec_cpu_period', 'gauge', c, [100000, 100000, 100000]),
    ]);
    expect(sigs.some((s) => s.unit === '%')).toBe(false);
  });
});

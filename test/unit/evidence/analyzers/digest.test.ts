import { digestAnomaly, digestReport, truncateWords } from '../../../../src/evidence/analyzers/digest';
import { formatValue } from '../../../../src/evidence/analyzers/format';
import { downsample, sparkline } from '../../../../src/evidence/analyzers/sparkline';
import type { SeriesAnomaly, TriageReport } from '../../../../src/evidence/types';

const AT = Date.parse('2026-11-27T03:02:10Z');
const a: SeriesAnomaly = {
  key: 'k',
  service: 'checkout',
  metric: 'p99 latency',
  family: 'http_request_duration_seconds',
  kind: 'latency',
  unit: 's',
  changeAt: AT,
  baseline: 0.118,
  current: 2.31,
  score: 19.2,
  direction: 'up',
  sparkline: '▁▁█',
};

describe('digestAnomaly', () => {
  it('reads like a sentence with units, the factor, the time and the nearest change', () => {
    const change = { id: 'c1', time: AT - 15_000, service: 'checkout', kind: 'deploy', summary: 'checkout v2.3.1' };
    expect(digestAnomaly(a, change)).toBe(
      'checkout p99 latency from 118ms to 2.31s (20×), starting 03:02:10 UTC, 15s after deploy checkout v2.3.1',
    );
    expect(digestAnomaly({ ...a, changeAt: null })).toBe('checkout p99 latency from 118ms to 2.31s (20×)');
  });
});

describe('formatValue', () => {
  it('formats each unit the way an engineer writes it', () => {
    expect(formatValue(0.0042, 's')).toBe('4.2ms');
    expect(formatValue(12.5, 's')).toBe('12.5s');
    expect(formatValue(0.034, 'ratio')).toBe('3.4%');
    expect(formatValue(1536, 'bytes')).toBe('1.5KB');
    expect(formatValue(3 * 1024 ** 3, 'bytes')).toBe('3GB');
    expect(formatValue(33.94, 'req/s')).toBe('33.9 req/s');
    expect(formatValue(Number.NaN, 's')).toBe('n/a');
  });
});

describe('sparkline', () => {
  it('maps the lowest value to ▁ and the highest to █', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
  });

  it('downsamples to the width by averaging', () => {
    expect(downsample([1, 3, 5, 7], 2)).toEqual([2, 6]);
    expect(
      sparkline(
        Array.from({ length: 1000 }, (_, i) => (i < 900 ? 1 : 10)),
        10,
      ),
    ).toBe('▁▁▁▁▁▁▁▁▁█');
  });

  it('shows gaps as spaces and a flat series as a floor', () => {
    expect(sparkline([1, Number.NaN, 3])).toBe('▁ █');
    expect(sparkline([5, 5, 5])).toBe('▁▁▁');
  });
});

describe('digestReport', () => {
  const suspect = (service: string, i: number) => ({
    service,
    score: 9 - i,
    reason: `${service}: p99 latency went up a lot during the incident window`,
    change: i === 0 ? 'chg-1044' : null,
    evidence: [`${service} evidence line one with several words`, `${service} evidence line two`],
    against: [],
  });
  const report: Omit<TriageReport, 'digest'> = {
    onset: '2026-11-27T03:02:10.000Z',
    window: { from: '2026-11-27T02:02:10.000Z', onset: '2026-11-27T03:02:10.000Z', to: '2026-11-27T03:09:00.000Z' },
    suspects: ['payments', 'postgres', 'checkout', 'api', 'web'].map(suspect),
    red_herrings: [
      {
        kind: 'steady_error',
        service: 'inventory',
        what: 'inventory failed to refresh token',
        why: 'already frequent before onset',
      },
    ],
    templates: [],
    anomalies: [{ ...a, service: 'payments' }],
    changes: [],
    problems: [],
  };

  it('fits every budget and keeps the top suspect longest', () => {
    const full = digestReport(report, 100_000);
    expect(full).toContain('5. web');
    for (const budget of [1200, 600, 300, 150]) {
      const text = digestReport(report, budget);
      expect(text.length).toBeLessThanOrEqual(budget);
      expect(text).toContain('1. payments');
    }
    const mid = digestReport(report, 600);
    expect(mid).not.toContain('5. web');
  });

  it('says which file and line a problem is in and what it is, the most frequent first', () => {
    const text = digestReport(
      {
        ...report,
        problems: [
          { origin: 'incident.yaml', problem: 'invalid YAML: unexpected end of flow sequence', count: 1 },
          { origin: 'metrics/db.prom', problem: 'malformed sample value', count: 12, line: 40 },
          ...['a', 'b', 'c', 'd', 'e'].map((s) => ({ origin: `logs/${s}.log`, problem: 'no timestamp', count: 1 })),
        ],
      },
      100_000,
    );
    const section = text.slice(text.indexOf('Problems:'));
    expect(section.split('\n').slice(0, 3)).toEqual([
      'Problems:',
      '- metrics/db.prom line 40: malformed sample value (12×)',
      '- incident.yaml: invalid YAML: unexpected end of flow sequence',
    ]);
    expect(section).toContain('- and 2 more');
  });

  it('never cuts mid-word', () => {
    const text = digestReport(report, 60);
    expect(text.length).toBeLessThanOrEqual(60);
    const words = full().split(/\s+/);
    const last = text.replace(/…$/, '').split(/\s+/).pop() as string;
    expect(words).toContain(last);
    function full(): string {
      return digestReport(report, 100_000);
    }
  });

  it('truncates plain text at a word boundary', () => {
    expect(truncateWords('alpha beta gamma', 12)).toBe('alpha beta…');
    expect(truncateWords('short', 12)).toBe('short');
  });
});

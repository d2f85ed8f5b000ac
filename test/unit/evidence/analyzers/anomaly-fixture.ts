// Shared fixtures of the ranking tests: a latency anomaly at a 5-minute scrape step.

import type { SeriesAnomaly } from '../../../../src/evidence/types';

export const STEP = 300_000;
export const T = Date.parse('2026-11-27T03:20:00Z');

export function latency(
  service: string,
  score: number,
  changeAt: number | null,
  baseline = 0.05,
  current = 0.5,
): SeriesAnomaly {
  return {
    key: `latency{service="${service}"}`,
    service,
    metric: 'p99 latency',
    family: 'latency',
    kind: 'latency',
    unit: 's',
    changeAt,
    baseline,
    current,
    score,
    direction: 'up',
    sparkline: '▁▁█',
  };
}

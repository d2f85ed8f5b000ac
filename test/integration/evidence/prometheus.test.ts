// The Prometheus source against a real Prometheus built from OpenMetrics files returns the same
// series (names, labels, family, type, points) as the files source over the same files.

import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openFilesSource } from '../../../src/evidence/sources/files';
import { PrometheusSource } from '../../../src/evidence/sources/prometheus';
import { PrometheusQueryError } from '../../../src/evidence/sources/errors';
import type { MetricSeries } from '../../../src/evidence/types';
import { startPrometheusFromOpenMetrics } from '../../helpers/prometheus';
import { PROMETHEUS, describeWithService } from '../../helpers/services';

const FIXTURE = path.resolve(__dirname, '../../fixtures/openmetrics/small.prom');
const SCENARIO = path.resolve(__dirname, '../../../examples/scenarios/checkout-latency/metrics');

function key(s: MetricSeries): string {
  return s.name + JSON.stringify(Object.entries(s.labels).sort());
}

function comparable(list: MetricSeries[]): Array<Pick<MetricSeries, 'name' | 'family' | 'type' | 'service' | 'labels' | 'points'>> {
  return [...list]
    .sort((a, b) => key(a).localeCompare(key(b)))
    .map((s) => ({ name: s.name, family: s.family, type: s.type, service: s.service, labels: s.labels, points: s.points }));
}

async function compare(promFiles: string[]): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'incident-scout-files-'));
  const prom = await startPrometheusFromOpenMetrics(promFiles);
  try {
    for (const f of promFiles) await cp(f, path.join(dir, 'metrics', path.basename(f)), { recursive: true });
    const files = openFilesSource(dir);
    const all = await files.metrics({ from: 0, to: 8.64e15 });
    const times = all.flatMap((s) => s.points.map((p) => p[0]));
    const q = { from: Math.min(...times), to: Math.max(...times) };
    const source = new PrometheusSource({ url: prom.url, fetch });
    const expected = comparable(await files.metrics(q));
    const actual = comparable(await source.metrics(q));
    expect(actual.map((s) => key(s as MetricSeries))).toEqual(expected.map((s) => key(s as MetricSeries)));
    expect(actual).toEqual(expected);
    // a narrower window and a service filter give the same answer too
    const services = [expected[0]?.service ?? ''];
    const mid = { from: q.from + 60_000, to: q.to - 60_000, services };
    expect(comparable(await source.metrics(mid))).toEqual(comparable(await files.metrics(mid)));
    return expected.length;
  } finally {
    await prom.close();
    await rm(dir, { recursive: true, force: true });
  }
}

// Runs when prometheus and promtool are installed; else skipped with one line (fails under CI=true).
describeWithService(PROMETHEUS, 'Prometheus source against a real Prometheus', () => {
  it('returns the same series as the files source over the fixture', async () => {
    expect(await compare([FIXTURE])).toBeGreaterThan(5);
  });

  it('returns the same series as the files source over the example scenario', async () => {
    const files = (await readdir(SCENARIO)).filter((f) => f.endsWith('.prom')).map((f) => path.join(SCENARIO, f));
    expect(await compare(files)).toBeGreaterThan(10);
  });

  it('turns a PromQL error into a typed error with Prometheus’ message', async () => {
    const prom = await startPrometheusFromOpenMetrics([FIXTURE]);
    try {
      const source = new PrometheusSource({ url: prom.url, fetch, serviceLabel: 'bad label' });
      const err = await source.metrics({ from: 0, to: 1000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PrometheusQueryError);
      expect((err as PrometheusQueryError).errorType).toBe('bad_data');
      expect((err as PrometheusQueryError).userMessage).toMatch(/parse error/);
    } finally {
      await prom.close();
    }
  });
});

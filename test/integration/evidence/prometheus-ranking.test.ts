// The analyzers give the same triage over a real Prometheus (backfilled with promtool from the
// scenario's OpenMetrics files, read as server-side rates and quantiles) as over the files themselves:
// the onset within the rate window, the same suspects in the same order with the same implicated
// change, the same red herrings.

import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { analyze } from '../../../src/evidence/analyze';
import { openFilesSource } from '../../../src/evidence/sources';
import { buildSource } from '../../support/source-config';
import { startPrometheusFromOpenMetrics } from '../../helpers/prometheus';
import { PROMETHEUS, describeWithService } from '../../helpers/services';

const SCENARIO = path.resolve(__dirname, '../../../examples/scenarios/checkout-latency');

// Runs when prometheus and promtool are installed; else skipped with one line (fails under CI=true).
describeWithService(PROMETHEUS, 'analyze over Prometheus', () => {
  it('ranks the example scenario as it does over the files', async () => {
    const metricsDir = path.join(SCENARIO, 'metrics');
    const files = (await readdir(metricsDir)).filter((f) => f.endsWith('.prom')).map((f) => path.join(metricsDir, f));
    const prom = await startPrometheusFromOpenMetrics(files);
    try {
      const overFiles = await analyze(openFilesSource(SCENARIO));
      const overProm = await analyze(buildSource({ dir: SCENARIO, prometheusUrl: prom.url }));
      const ranking = (r: typeof overFiles) => r.suspects.map((s) => ({ service: s.service, change: s.change }));
      // rate() over a one-minute window smooths a step by up to that minute.
      expect(Math.abs(Date.parse(overProm.onset) - Date.parse(overFiles.onset))).toBeLessThanOrEqual(60_000);
      expect(ranking(overProm)).toEqual(ranking(overFiles));
      // The same red herrings; their figures differ by the rate window.
      const herrings = (r: typeof overFiles) =>
        r.red_herrings.map((h) => ({
          kind: h.kind,
          service: h.service,
          what: h.what.replace(/\d[\d.]*|\(.*\)|from .*$/g, '#'),
        }));
      expect(herrings(overProm)).toEqual(herrings(overFiles));
      expect(overFiles.suspects[0]?.service).toBe('payments');
    } finally {
      await prom.close();
    }
  });
});

// The analyzers give the same triage over a real Prometheus (backfilled with promtool from the
// scenario's OpenMetrics files) as over the files themselves: same onset, same suspects in the
// same order, same implicated change, same red herrings.

import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { analyze } from '../../../src/evidence/analyze';
import { createSource, openFilesSource } from '../../../src/evidence/sources';
import { startPrometheusFromOpenMetrics } from '../../helpers/prometheus';
import { PROMETHEUS, describeWithService } from '../../helpers/services';

const SCENARIO = path.resolve(__dirname, '../../../examples/scenarios/checkout-latency');

// Runs when prometheus and promtool are installed; else skipped with one line (fails under CI=true).
describeWithService(PROMETHEUS, 'analyze over Prometheus', () => {
  it('ranks the example scenario exactly as it does over the files', async () => {
    const metricsDir = path.join(SCENARIO, 'metrics');
    const files = (await readdir(metricsDir)).filter((f) => f.endsWith('.prom')).map((f) => path.join(metricsDir, f));
    const prom = await startPrometheusFromOpenMetrics(files);
    try {
      const overFiles = await analyze(openFilesSource(SCENARIO));
      const overProm = await analyze(createSource({ evidenceDir: SCENARIO, prometheusUrl: prom.url, fetch }));
      const ranking = (r: typeof overFiles) => r.suspects.map((s) => ({ service: s.service, change: s.change, score: Number(s.score.toFixed(3)) }));
      expect(overProm.onset).toBe(overFiles.onset);
      expect(ranking(overProm)).toEqual(ranking(overFiles));
      expect(overProm.red_herrings.map((h) => h.what)).toEqual(overFiles.red_herrings.map((h) => h.what));
      expect(overFiles.suspects[0]?.service).toBe('payments');
    } finally {
      await prom.close();
    }
  });
});

// `analyze` on a large generated scenario (tools/scenario/stress.ts): 5,000 metric series of a day at one-minute
// steps, 250,000 spans and 250,000 log lines over 100 files, in a process of its own so that its peak RSS is the
// analysis's. Unseen scenario sets are run with a 120 s limit per scenario; this is a quarter of the largest we
// plan for (20,000 series, 1M spans, 1M lines), so its targets (in report.ts)
// are a quarter of the time and well under 1 GB.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { writeLarge } from '../scenario/stress';

export const LARGE = { series: 5_000, points: 1_440, spans: 250_000, logLines: 250_000, logFiles: 100 };

/** Writes the scenario, analyzes it once as the CLI does; figures: seconds, peak RSS, the top suspect. */
export async function benchLargeScenario(): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'scout-bench-large-'));
  try {
    writeLarge(dir, LARGE);
    // Loaded after the data is written so the generator's memory is not counted with the analysis's.
    const { analyzeCommand } = await import('../../src/cli/analyze');
    let json = '';
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        json += chunk.toString();
        done();
      },
    });
    let errText = '';
    const err = new Writable({
      write(chunk: Buffer, _enc, done) {
        errText += chunk.toString();
        done();
      },
    });
    const t0 = performance.now();
    const code = await analyzeCommand([dir, '--json'], out, err);
    const secs = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`analyze exited ${code}: ${errText}`);
    const report = JSON.parse(json) as { suspects: Array<{ service: string }>; problems: unknown[] };
    return {
      'large.series': LARGE.series,
      'large.points_per_series': LARGE.points,
      'large.spans': LARGE.spans,
      'large.log_lines': LARGE.logLines,
      'large.analyze_s': Math.round(secs * 10) / 10,
      'large.peak_rss_mb': Math.round(process.resourceUsage().maxRSS / 1024),
      // svc-042 is the generated culprit.
      'large.top_suspect': report.suspects[0]?.service ?? 'none',
      'large.problems': report.problems.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchLargeScenario().then(
    (r) => {
      for (const [k, v] of Object.entries(r)) process.stdout.write(`${k}: ${v}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exit(1);
    },
  );
}

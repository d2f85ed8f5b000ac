// A copy of the example scenario whose metrics recover after a given time: from then on each series
// repeats what it did an hour earlier (counters keep counting with the baseline's increments), as a
// system does once a bad deploy is rolled back. Used to see "recovered" after the rollback.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SCENARIO } from '../../src/config';

const HOUR_S = 3600;

/** Rewrites one OpenMetrics text so every series after `fromS` (epoch seconds) follows its own values an hour earlier. */
export function recoverAfter(text: string, fromS: number): string {
  const types = new Map<string, string>();
  const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+) (\d+(?:\.\d+)?)$/;
  const values = new Map<string, Map<number, number>>();
  const lines = text.split('\n');
  for (const line of lines) {
    const m = sample.exec(line);
    if (!m) continue;
    const key = `${m[1]}${m[2] ?? ''}`;
    const series = values.get(key) ?? new Map<number, number>();
    series.set(Number(m[4]), Number(m[3]));
    values.set(key, series);
  }
  const last = new Map<string, { ts: number; value: number }>();
  return lines
    .map((line) => {
      const t = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (t) types.set(t[1] as string, t[2] as string);
      const m = sample.exec(line);
      if (!m) return line;
      const name = m[1] as string;
      const key = `${name}${m[2] ?? ''}`;
      const ts = Number(m[4]);
      const series = values.get(key) as Map<number, number>;
      const family = name.replace(/_(total|bucket|count|sum|created)$/, '');
      const type = types.get(family) ?? types.get(name) ?? 'gauge';
      const prev = last.get(key);
      const earlier = series.get(ts - HOUR_S);
      let value = Number(m[3]);
      if (ts > fromS && earlier !== undefined && prev) {
        if (type === 'counter' || type === 'histogram') {
          // Keep counting, by what the series counted over the same step an hour earlier.
          const earlierPrev = series.get(prev.ts - HOUR_S) ?? earlier;
          value = prev.value + Math.max(0, earlier - earlierPrev);
        } else {
          value = earlier;
        }
      }
      last.set(key, { ts, value });
      return `${key} ${value} ${m[4]}`;
    })
    .join('\n');
}

/** Copies the example scenario to a temp dir with metrics recovering after `from` (ISO). */
export async function recoveringScenario(from: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scout-recovers-'));
  await cp(DEFAULT_SCENARIO, dir, { recursive: true });
  const metrics = path.join(dir, 'metrics');
  const fromS = Date.parse(from) / 1000;
  for (const f of await readdir(metrics)) {
    const file = path.join(metrics, f);
    await writeFile(file, recoverAfter(await readFile(file, 'utf8'), fromS));
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

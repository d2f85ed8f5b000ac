// Every example scenario reads cleanly through the files source: no parse problems, every log
// line lands in an event with a level, and the incident window shows new error templates.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { mineTemplates } from '../../../src/evidence/analyzers/templates';
import { openFilesSource } from '../../../src/evidence/sources/files';
import type { LogEvent } from '../../../src/evidence/types';

const ROOT = path.resolve(__dirname, '../../../examples/scenarios');
const scenarios = existsSync(ROOT)
  ? readdirSync(ROOT).filter((d) => existsSync(path.join(ROOT, d, 'incident.yaml')))
  : [];

async function collect(it: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('example scenarios through the files source', () => {
  it('has at least one scenario to read', () => {
    expect(scenarios.length).toBeGreaterThan(0);
  });

  it.each(scenarios)('%s parses without problems', async (name) => {
    const dir = path.join(ROOT, name);
    const now = await openFilesSource(dir).clock();
    expect(now).not.toBeNull();
    const all = { from: 0, to: 8.64e15 };
    // Every line, those recorded after the incident's clock too: the clock moved past the end of the data.
    const src = openFilesSource(dir, { clock: all.to });
    const events = await collect(src.logs(all));
    await src.metrics(all);
    await src.changes(all);
    await src.topology();
    expect(src.problems()).toEqual([]);
    // every physical line is accounted for by exactly one event
    const logDir = path.join(dir, 'logs');
    const physical = readdirSync(logDir).reduce(
      (n, f) =>
        n +
        readFileSync(path.join(logDir, f), 'utf8')
          .split('\n')
          .filter((l) => l.trim()).length,
      0,
    );
    const covered = events.reduce((n, e) => n + e.text.split('\n').filter((l) => l.trim()).length, 0);
    expect(covered).toBe(physical);
    expect(events.filter((e) => e.level === undefined)).toEqual([]);
    // The generator writes the true onset into the scenario README; the channel opens later.
    const readme = existsSync(path.join(dir, 'README.md')) ? readFileSync(path.join(dir, 'README.md'), 'utf8') : '';
    const truth = /\*\*Onset:\*\* (\S+?)\s/.exec(readme)?.[1];
    const onset = truth ? Date.parse(truth) : (now as number) - 600_000;
    const stats = await mineTemplates(events, { from: onset - 3_600_000, onset, to: now as number });
    expect(stats[0]).toMatchObject({
      label: expect.stringMatching(/new|surging/),
      level: expect.stringMatching(/error|fatal/),
    });
    // a template that errs at the same rate all along is labelled steady (a red herring), not new
    const steadyErrors = stats.filter((t) => t.label === 'steady' && t.level === 'error');
    for (const t of steadyErrors) expect(t.baselineCount).toBeGreaterThan(0);
  });
});

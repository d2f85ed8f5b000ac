import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../../src/evidence/analyze';
import { FilesSource } from '../../../src/evidence/sources/files';
import { EvidenceContext } from '../../../src/investigation/context';
import { analysisWindowOf, investigationWindow } from '../../../src/investigation/window';
import type { Investigation } from '../../../src/domain/types';
import { investigationDocs } from '../../../src/store/kinds';
import { MemoryStore } from '../../../src/store/memory';
import { generateScenario, type Fault, type RootCause } from '../../../tools/scenario';

const WALL = Date.parse('2030-01-01T00:00:00Z');
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('the bot ranks exactly as analyze does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scout-parity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // An external outage is named only by hosts in callers' error events: the ranking step must read them on both paths.
  const cases: Array<[Fault, RootCause, number]> = [
    ['external-outage', 'checkout', 4242],
    ['deploy', 'inventory', 77],
  ];
  it.each(cases)(
    'names the same suspects in the same order for a %s behind %s (seed %i)',
    async (fault, rootCause, seed) => {
      const out = join(dir, `${fault}-${seed}`);
      const truth = generateScenario({ seed, rootCause, out, fault });
      const report = await analyze(new FilesSource(out));

      const source = new FilesSource(out);
      const w = await investigationWindow({
        incident: { startedAt: new Date(WALL).toISOString() },
        source,
        wallNow: WALL,
        baselineMinutes: 60,
      });
      // The round stores the window as text in the store and reads it back before building the context.
      const store = new MemoryStore();
      const window = {
        from: iso(w.from) as string,
        onset: iso(w.onset) as string,
        to: iso(w.to) as string,
        onsetLo: iso(w.onsetLo) as string,
        onsetHi: iso(w.onsetHi) as string,
      };
      const inv = {
        id: 'inv-1',
        incidentId: 'C1',
        channelId: 'C1',
        round: 1,
        state: 'running',
        trigger: 'x',
        brain: 'deterministic',
        window,
        scouts: [],
        createdAt: '',
        updatedAt: '',
      } as Investigation;
      await investigationDocs.in(store).put(inv.id, inv);
      const stored = (await investigationDocs.in(store).get(inv.id))?.window;
      expect(stored?.onsetLo).toBe(window.onsetLo);
      const bot = await new EvidenceContext(source, analysisWindowOf(stored ?? window)).ranking();

      expect(report.suspects[0]?.service).toBe(truth.culprit);
      expect(bot.suspects[0]?.service).toBe(truth.culprit);
      expect(bot.suspects.map((s) => [s.service, s.score, s.change])).toEqual(
        report.suspects.map((s) => [s.service, s.score, s.change]),
      );
      expect(bot.redHerrings.map((h) => `${h.kind} ${h.service}`)).toEqual(
        report.red_herrings.map((h) => `${h.kind} ${h.service}`),
      );
    },
  );
});

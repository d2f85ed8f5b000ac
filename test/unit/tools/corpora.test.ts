// The log-set builders (tools/eval/corpora) on data written here: per-event labels spread to lines,
// and the header styles of the reheader set.

import { lineLabels, physicalLines } from '../../../tools/eval/corpora/hybrid';
import { contents, levelOf, render, STYLES } from '../../../tools/eval/corpora/reheader';
import { parseLine } from '../../../src/evidence/logparse';

describe('hybrid set builder', () => {
  it('gives every line of an event, up to the next event, that event’s id', () => {
    expect(lineLabels('s1, 1\nm1, 2\ns2, 5\n', 6)).toEqual(['s1', 'm1', 'm1', 'm1', 's2', 's2']);
  });

  it('refuses labels that do not start on line 1 or go backwards', () => {
    expect(() => lineLabels('s1, 2\n', 3)).toThrow(/line 1/);
    expect(() => lineLabels('s1, 1\ns2, 4\ns3, 3\n', 5)).toThrow(/out of order/);
  });

  it('counts physical lines as the grouping harness does (no line after a final newline)', () => {
    expect(physicalLines('a\nb\n')).toBe(2);
    expect(physicalLines('a\nb')).toBe(2);
  });
});

describe('reheader set builder', () => {
  const rows = contents('LineId,Content,EventId\n1,"disk full, retrying",E1\n2,worker 3 started,E2\n');

  it('reads Content and EventId from a Loghub CSV, quoted commas included', () => {
    expect(rows).toEqual([
      { msg: 'disk full, retrying', id: 'E1' },
      { msg: 'worker 3 started', id: 'E2' },
    ]);
  });

  it('has 21 distinct styles, each keeping the message whole after its header', () => {
    expect(new Set(STYLES.map((s) => s.name)).size).toBe(21);
    for (const s of STYLES) {
      const [first, second] = render(s.render, rows);
      expect(first).not.toBe(second);
      // JSON and logfmt quote the message; every other style carries it verbatim at the end.
      if (s.name === 'json' || s.name === 'logfmt') expect(first).toContain(JSON.stringify('disk full, retrying'));
      else expect(first?.endsWith(' disk full, retrying') || first?.endsWith('\tdisk full, retrying')).toBe(true);
    }
  });

  it('gives one level per event id and rising times', () => {
    expect(levelOf('E7')).toBe(levelOf('E7'));
    const iso = STYLES.find((s) => s.name === 'cri');
    const lines = render(iso?.render ?? (() => ''), [...rows, ...rows, ...rows]);
    const times = lines.map((l) => parseLine(l, Date.UTC(2024, 5, 1)).ts ?? 0);
    expect(times.every((t, i) => i === 0 || t > (times[i - 1] as number))).toBe(true);
  });
});

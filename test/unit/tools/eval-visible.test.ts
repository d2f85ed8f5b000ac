// The eval's ceiling figure: whether the root's own series moved by the incident clock (tools/eval/visible.ts),
// on scenario directories written here, and its split of AC@1 in the report.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { visibilitySummary, type Row } from '../../../tools/eval/metrics';
import { visibilityLines } from '../../../tools/eval/report';
import { rootVisibility } from '../../../tools/eval/visible';

const T0 = Date.parse('2024-03-01T10:00:00Z') / 1000;
const STEP = 300;

/** A scenario of two services at 5-min steps: 30 quiet rows, then `after` for `api` (and a steady `db`). */
function scenario(after: number[], clockRows: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-visible-'));
  const lines = ['# TYPE lat_seconds gauge'];
  const onsetRow = 30;
  const values = [...Array.from({ length: onsetRow }, (_, i) => 0.1 + 0.005 * (i % 3)), ...after];
  values.forEach((v, i) => {
    lines.push(`lat_seconds{service="api"} ${v} ${T0 + i * STEP}`);
    lines.push(`lat_seconds{service="db"} ${0.02 + 0.001 * (i % 2)} ${T0 + i * STEP}`);
  });
  fs.mkdirSync(path.join(dir, 'metrics'));
  fs.writeFileSync(path.join(dir, 'metrics', 'm.prom'), `${lines.join('\n')}\n`);
  const iso = (s: number): string => new Date(s * 1000).toISOString();
  const clock = T0 + (onsetRow + clockRows) * STEP - 60;
  fs.writeFileSync(path.join(dir, 'incident.yaml'), `title: api slow\nstarted_at: "${iso(clock)}"\n`);
  fs.writeFileSync(
    path.join(dir, 'truth.json'),
    JSON.stringify({ root_cause_service: 'api', onset: iso(T0 + onsetRow * STEP) }),
  );
  return dir;
}

describe('root visibility before the clock', () => {
  it('counts a root whose own latency jumped before the clock', async () => {
    const dir = scenario([0.9, 0.95, 0.9, 0.9], 2);
    const v = await rootVisibility(dir);
    expect(v?.visible).toBe(true);
    expect(v?.evidence).toMatch(/^lat from 105ms to 9\d\dms/);
    fs.rmSync(dir, { recursive: true });
  });

  it('does not count a move that only comes after the clock (the future)', async () => {
    const dir = scenario([0.1, 0.105, 0.9, 0.95], 2);
    expect((await rootVisibility(dir))?.visible).toBe(false);
    fs.rmSync(dir, { recursive: true });
  });

  it('does not judge a scenario without a truth', async () => {
    const dir = scenario([0.9], 1);
    fs.rmSync(path.join(dir, 'truth.json'));
    expect(await rootVisibility(dir)).toBeNull();
    fs.rmSync(dir, { recursive: true });
  });
});

describe('AC@1 split by visibility', () => {
  const row = (rank: number | null, visible: boolean | null): Row => ({
    name: 's',
    cls: 'c',
    ok: true,
    secs: 1,
    rank,
    ac: [1, 2, 3, 4, 5].map((k) => (rank !== null && rank <= k ? 1 : 0)),
    rh1: 0,
    root: 'api',
    calibration: { withConfidence: 0, shown: 0, right: 0 },
    visible,
  });

  it('splits AC@1 between scenarios whose root moved by the clock and the rest', () => {
    const s = visibilitySummary([row(1, true), row(2, true), row(null, false), row(1, null)]);
    expect(s).toEqual({ judged: 3, visible: 2, ac1Visible: 0.5, ac1Hidden: 0 });
  });

  it('writes the split for both rankers in the report', () => {
    const lines = visibilityLines({
      name: 'x',
      path: '/x',
      product: [row(1, true), row(3, false)],
      reference: [row(2, true), row(1, false)],
      wall: { product: 1, reference: 1 },
    });
    expect(lines.join('\n')).toContain(
      'Root visible before the clock: **1 of 2**; AC@1 among those 1.000 / 0.000, among the other 1 0.000 / 1.000',
    );
  });
});

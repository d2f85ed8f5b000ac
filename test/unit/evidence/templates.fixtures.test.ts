// Grouping of the template miner on the project's own small logs in formats the reader once did
// not know (test/fixtures/logs: `<name>.log` and, per line, the group it belongs to in `<name>.groups`).
// Zero configuration: the same call for every file.

import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { LineTemplater, templateIdsOfLines } from '../../../src/evidence/analyzers/line-templates';
import { TemplateMiner } from '../../../src/evidence/analyzers/templates';

const DIR = path.resolve(__dirname, '../../fixtures/logs');
const REF = Date.UTC(2026, 10, 27, 4);

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
}

/** Share of lines whose predicted group holds exactly the lines of their true group (the Loghub metric). */
function groupingAccuracy(predicted: Array<string | null>, truth: string[]): number {
  const members = new Map<string, number[]>();
  predicted.forEach((p, i) => {
    const key = p ?? `none-${i}`;
    members.set(key, [...(members.get(key) ?? []), i]);
  });
  const trueSize = new Map<string, number>();
  for (const t of truth) trueSize.set(t, (trueSize.get(t) ?? 0) + 1);
  let correct = 0;
  for (const m of members.values()) {
    const labels = new Set(m.map((i) => truth[i]));
    if (labels.size === 1 && trueSize.get(truth[m[0] as number] as string) === m.length) correct += m.length;
  }
  return correct / truth.length;
}

const NAMES = readdirSync(DIR)
  .filter((f) => f.endsWith('.log'))
  .map((f) => f.slice(0, -4))
  .sort();

/** Fixtures whose events are not all timed: stack frames, a device console's untimed `[1][main]` header. */
const UNTIMED = new Set(['java-multiline', 'device-console']);

describe('template miner on logs in many formats', () => {
  it('has fixtures to check', () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(7);
  });

  it.each(NAMES)('groups every line of %s exactly as labelled', (name) => {
    const raw = lines(path.join(DIR, `${name}.log`));
    const truth = lines(path.join(DIR, `${name}.groups`));
    expect(raw).toHaveLength(truth.length);
    const ids = templateIdsOfLines(raw, { refTime: REF });
    expect(ids.every((id) => id !== null)).toBe(true);
    expect(groupingAccuracy(ids, truth)).toBe(1);
  });

  it.each(NAMES.filter((n) => !UNTIMED.has(n)))('reads a time in every header of %s', (name) => {
    const t = new LineTemplater({ refTime: REF });
    for (const l of lines(path.join(DIR, `${name}.log`))) t.push(l);
    t.finish();
    expect(t.assembler.untimed).toBe(0);
  });

  it('shows a value with its unit in the template, and one shape for any unit', () => {
    const miner = new TemplateMiner();
    const a = miner.add('request served in 120 ms');
    expect(a.template).toBe('request served in <*> ms');
    const b = miner.add('request served in 2 sec');
    expect(b.id).not.toBe('');
    expect(miner.templates()).toHaveLength(1);
    expect(miner.templates()[0]?.template).toBe('request served in <*>');
  });

  it('groups a toy set generically: numbers, ids and addresses do not split a template', () => {
    const miner = new TemplateMiner();
    const a = miner.add('Connection from 10.0.0.1:5432 closed after 120 ms');
    const b = miner.add('Connection from 10.0.0.7:61000 closed after 3 ms');
    const c = miner.add('Request 8f14e45f-ceea-467a-9f0b-1c2d3e4f5a6b failed: user=alice path=/api/pay');
    expect(b.id).toBe(a.id);
    expect(b.template).toBe('Connection from <*> closed after <*> ms');
    expect(c.id).not.toBe(a.id);
    expect(c.template).toBe('Request <*> failed: user=<*> path=<*>');
  });
});

import { join } from 'node:path';
import { analyzeCommand } from '../../../src/cli/analyze';
import { textSink } from '../../helpers/text-sink';

const EXAMPLE = join(__dirname, '../../../examples/scenarios/checkout-latency');

const sink = textSink;

describe('incident-scout analyze', () => {
  it('prints one JSON object with the onset, ranked suspects and red herrings', async () => {
    const out = sink();
    expect(await analyzeCommand([EXAMPLE, '--json'], out, sink())).toBe(0);
    const r = JSON.parse(out.text) as {
      onset: string;
      suspects: Array<{ service: string; score: number; reason: string; change: string | null; evidence: string[] }>;
      red_herrings: Array<{ what: string; why: string }>;
      anomalies: unknown[];
      templates: unknown[];
      problems: unknown[];
    };
    expect(Number.isNaN(Date.parse(r.onset))).toBe(false);
    expect(r.suspects[0]).toMatchObject({ service: 'payments', change: 'chg-1044' });
    expect(r.suspects[0]?.reason).toContain('payments');
    expect(r.suspects.map((s) => s.score)).toEqual([...r.suspects.map((s) => s.score)].sort((a, b) => b - a));
    expect(r.red_herrings.every((h) => h.what.length > 0 && h.why.length > 0)).toBe(true);
    expect(r.anomalies.length).toBeGreaterThan(0);
    expect(r.templates.length).toBeGreaterThan(0);
    expect(r.problems).toEqual([]);
  });

  it('prints the digest for people', async () => {
    const out = sink();
    expect(await analyzeCommand([EXAMPLE], out, sink())).toBe(0);
    expect(out.text).toContain('1. payments');
    expect(out.text).toContain('Red herrings:');
  });

  it('exits 2 naming the directory when it does not exist', async () => {
    const err = sink();
    expect(await analyzeCommand(['/nonexistent/scenario', '--json'], sink(), err)).toBe(2);
    expect(err.text).toContain('/nonexistent/scenario');
  });

  it('exits 2 with usage when no directory is given', async () => {
    const err = sink();
    expect(await analyzeCommand(['--json'], sink(), err)).toBe(2);
    expect(err.text).toContain('usage: incident-scout analyze');
  });
});

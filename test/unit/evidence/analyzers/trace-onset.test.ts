import { traceOnsetCandidates } from '../../../../src/evidence/analyzers/trace-onset';
import { incidentWindow } from '../../../../src/evidence/window';
import type { EvidenceSource, Span } from '../../../../src/evidence/types';

const T0 = Date.parse('2026-11-27T02:00:00Z');
const ONSET = T0 + 60 * 60_000;
const NOW = ONSET + 20 * 60_000;

/** One checkout request and its payments call every 10 s; from ONSET payments is slow (and, if `fail`, failing). */
function spans(fail: boolean): Span[] {
  const out: Span[] = [];
  for (let t = T0, i = 0; t < NOW; t += 10_000, i++) {
    const bad = t >= ONSET;
    const pay = bad ? 900 + (i % 7) * 10 : 40 + (i % 7) * 3;
    out.push({
      traceId: `t${i}`,
      spanId: 'a',
      parentSpanId: '',
      service: 'checkout',
      name: 'POST /checkout',
      kind: 'server',
      startMs: t,
      durationMs: pay + 20,
      error: fail && bad,
    });
    out.push({
      traceId: `t${i}`,
      spanId: 'b',
      parentSpanId: 'a',
      service: 'payments',
      name: 'POST /authorize',
      kind: 'server',
      startMs: t + 5,
      durationMs: pay,
      error: fail && bad,
    });
  }
  return out;
}

describe('onset candidates from spans', () => {
  it('dates a latency shift in the spans a service serves at the minute it began', () => {
    const c = traceOnsetCandidates(spans(false), T0, NOW);
    const pay = c.find((x) => x.key === 'trace latency{service="payments"}');
    expect(pay?.at).toBe(ONSET);
    expect(pay?.origin).toBe('traces');
    expect(c.every((x) => !x.key.startsWith('trace errors'))).toBe(true);
  });

  it('dates a rise of failing spans like an error-log surge', () => {
    const c = traceOnsetCandidates(spans(true), T0, NOW);
    expect(c.find((x) => x.key === 'trace errors{service="payments"}')?.at).toBe(ONSET);
  });

  it('gives a traces-only incident its onset (no metrics, no logs)', async () => {
    const all = spans(true);
    const source: EvidenceSource = {
      name: 'memory',
      capabilities: async () => ({ signals: ['traces'], services: ['checkout', 'payments'], labels: [] }),
      clock: async () => NOW,
      incident: async () => ({ startedAt: NOW }),
      logs: async function* () {},
      metrics: async () => [],
      changes: async () => [],
      topology: async () => null,
      problems: () => [],
      spans: async (q) => all.filter((s) => s.startMs >= q.from && s.startMs <= q.to),
    };
    const w = await incidentWindow({ source, now: NOW, start: NOW, baselineMs: 30 * 60_000 });
    expect(w.how).toBe('signals');
    expect(w.window.onset).toBe(ONSET);
  });
});

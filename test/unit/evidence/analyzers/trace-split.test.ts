import { traceSplit } from '../../../../src/evidence/analyzers/trace-split';
import { parseOtlp } from '../../../../src/evidence/sources/files/traces';
import type { Span } from '../../../../src/evidence/types';
import { chain, ids, ONSET, otlp, type Hop } from './otlp-fixture';

const ok = (service: string, selfMs = 5): Hop => ({ service, selfMs });

/** `n` traces of a chain, one every `everyMs` from `from`. */
function traces(prefix: string, n: number, from: number, everyMs: number, hops: (i: number) => Hop[]): Span[] {
  return parseOtlp(otlp(ids(prefix, n).flatMap((id, i) => chain(id, from + i * everyMs, hops(i)))));
}

describe('traceSplit', () => {
  it('splits the spans where an operation starts taking longer', () => {
    // 40 traces 5 s apart; from the 25th on (2 min in), orders spends 150 ms instead of 10 ms.
    const spans = traces('s1', 40, ONSET, 5_000, (i) => [
      ok('web', 4 + (i % 3)),
      ok('orders', i >= 24 ? 150 + (i % 4) : 10 + (i % 4)),
    ]);
    const at = traceSplit(spans);
    const change = ONSET + 24 * 5_000;
    // Candidate splits are 1/20 of the 195 s range apart: the chosen one is the step just before the change.
    expect(at).not.toBeNull();
    expect(Math.abs((at as number) - change)).toBeLessThanOrEqual(195_000 / 20);
  });

  it('finds no split in too few traces to compare', () => {
    const spans = traces('s2', 4, ONSET, 60_000, () => [ok('web'), ok('api', 500)]);
    expect(traceSplit(spans)).toBeNull();
  });
});

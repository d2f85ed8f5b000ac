import { histogramQuantile } from '../../../src/evidence/analyzers/series-math';
import { opaqueNames, renamer } from '../../../tools/eval/corpora/restyle';
import { podName, toCounter } from '../../../tools/eval/corpora/restyle-metrics';
import { BOUNDS, quantileCdf } from '../../../tools/eval/corpora/restyle-otel';

describe('restyle', () => {
  it('renames whole service names everywhere, longest first, pods with their service', () => {
    const rename = renamer(opaqueNames(['carts', 'carts-db', 'user']));
    const out = rename('carts calls carts-db; pod carts-5d8f7c9b6d-x2k4q; user-facing; users; my_carts');
    const [a, b] = [rename('carts'), rename('carts-db')];
    expect(a).toMatch(/^svc-[0-9a-f]{4}$/);
    expect(b).not.toBe(`${a}-db`);
    expect(out).toBe(`${a} calls ${b}; pod ${a}-5d8f7c9b6d-x2k4q; ${rename('user')}-facing; users; my_carts`);
  });

  it('turns a per-second gauge into a counter whose rate is the gauge', () => {
    expect(
      toCounter(
        [
          [10, 2],
          [20, 3],
          [30, 1],
        ],
        true,
      ),
    ).toEqual([
      [10, 20],
      [20, 50],
      [30, 60],
    ]);
    expect(podName('cart')).toMatch(/^cart-[0-9a-z]{10}-[0-9a-z]{5}$/);
  });

  it('writes buckets from which the original quantiles come back within 10 % (bounds are 20 % apart)', () => {
    const { cdf } = quantileCdf([
      [0.5, 0.04],
      [0.9, 0.2],
      [0.99, 1.5],
    ]);
    const buckets = [
      ...BOUNDS.map((le): [number, number] => [le, 1000 * cdf(le)]),
      [Infinity, 1000] as [number, number],
    ];
    expect(Math.abs(histogramQuantile(0.5, buckets) / 0.04 - 1)).toBeLessThan(0.1);
    expect(Math.abs(histogramQuantile(0.9, buckets) / 0.2 - 1)).toBeLessThan(0.1);
    expect(Math.abs(histogramQuantile(0.99, buckets) / 1.5 - 1)).toBeLessThan(0.1);
  });
});

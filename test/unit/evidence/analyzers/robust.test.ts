import { bestMeanShift, detectChangePoint } from '../../../../src/evidence/analyzers/changepoint';
import { mad, median, quantileSorted, robustScore, summarize } from '../../../../src/evidence/analyzers/robust';

describe('robust statistics', () => {
  it('takes medians and quantiles that ignore NaN and outliers', () => {
    expect(median([3, 1, Number.NaN, 2, 1000])).toBe(2.5);
    expect(quantileSorted([0, 10], 0.25)).toBe(2.5);
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
  });

  it('scores a shift in units of the baseline IQR', () => {
    const baseline = [10, 11, 12, 13, 14, 10, 11, 12, 13, 14];
    // median 12, IQR (13 - 11) = 2: a median of 20 is 4 IQRs up
    expect(robustScore(baseline, [20, 20, 21, 19])).toBeCloseTo(4, 5);
    expect(robustScore(baseline, [4, 4, 4])).toBeCloseTo(-4, 5);
  });

  it('keeps the score finite when the baseline is flat zero', () => {
    const s = robustScore([0, 0, 0, 0, 0, 0], [5, 5, 5]);
    expect(Number.isFinite(s)).toBe(true);
    expect(s).toBeGreaterThan(10);
    expect(summarize([0, 0, 0], 5).scale).toBeGreaterThan(0);
  });
});

describe('change points', () => {
  it('finds the index of a mean shift', () => {
    const values = [...Array(30).fill(1), ...Array(10).fill(5)].map((v, i) => v + (i % 3) * 0.01);
    expect(bestMeanShift(values)?.index).toBe(30);
  });

  it('dates a ramp at its start rather than its middle', () => {
    const pts: Array<[number, number]> = [];
    for (let i = 0; i < 60; i++) {
      const ramp = i < 40 ? 0 : Math.min(1, (i - 39) / 6);
      pts.push([i * 15_000, 100 + (i % 2) + 900 * ramp]);
    }
    const cp = detectChangePoint(pts);
    expect(cp?.index).toBe(40);
    expect(cp?.at).toBe(40 * 15_000);
    // 900 up over a 100-101 baseline; the spread is floored at 1% of the new level (10), so ~90.
    expect(cp?.score).toBeGreaterThan(50);
  });

  it('returns null for series too short to split', () => {
    expect(
      detectChangePoint([
        [0, 1],
        [1, 2],
        [2, 3],
      ]),
    ).toBeNull();
  });
});

// Chart specs and their SVG: what the picture holds, independent of the rasterizer.
import { chartSpec, describeChart, downsample, MAX_POINTS, type ChartSeries } from '../../../../src/evidence/charts/spec';
import { renderChartSvg } from '../../../../src/evidence/charts/svg';

const T0 = Date.parse('2026-11-27T02:00:00Z');
const MIN = 60_000;
const window = { from: T0, onset: T0 + 60 * MIN, to: T0 + 80 * MIN };

function steps(before: number, after: number, everyMs = 15_000): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let t = window.from; t <= window.to; t += everyMs) out.push([t, t < window.onset ? before : after]);
  return out;
}

const series = (label: string, unit: string, before: number, after: number): ChartSeries => ({
  label, service: label.split(' ')[0] as string, unit, points: downsample(steps(before, after), window.from, window.to),
});

describe('downsample', () => {
  it('keeps at most 60 points inside the window, in time order', () => {
    const pts = downsample(steps(1, 2, 1000), window.from, window.to);
    expect(pts.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(pts.every(([t], i) => t >= window.from && t <= window.to && (i === 0 || t > (pts[i - 1] as [number, number])[0]))).toBe(true);
  });

  it('keeps a one-sample spike visible rather than averaging it away', () => {
    const pts = steps(1, 1, 1000);
    pts[2000] = [pts[2000]?.[0] as number, 500];
    expect(Math.max(...downsample(pts, window.from, window.to).map((p) => p[1]))).toBe(500);
  });
});

describe('chartSpec', () => {
  it('puts series with different units in separate panels, the suspect service first and highlighted', () => {
    const spec = chartSpec({
      title: 't', window, highlight: 'checkout',
      series: [series('payments p99 latency', 's', 0.03, 0.03), series('checkout error rate', '%', 0.1, 5), series('checkout p99 latency', 's', 0.047, 0.749)],
      changes: [{ at: window.onset - 4 * MIN, label: 'deploy checkout' }, { at: T0 - 10 * MIN, label: 'outside the window' }],
    });
    expect(spec?.panels.map((p) => p.unit)).toEqual(['%', 's']);
    expect(spec?.panels[1]?.series.map((s) => [s.label, s.highlight])).toEqual([['checkout p99 latency', true], ['payments p99 latency', false]]);
    expect(spec?.rules.map((r) => r.label)).toEqual(['onset 03:00', 'deploy checkout']);
  });

  it('shows enough baseline to read the normal level without squeezing the incident', () => {
    const spec = chartSpec({ title: 't', window, series: [series('a b', 's', 1, 2)] });
    // 20 minutes of incident: 60 minutes of baseline is shown (3x), which here is all of it.
    expect(spec?.window.from).toBe(window.from);
    const short = chartSpec({ title: 't', window: { ...window, to: window.onset + 5 * MIN }, series: [series('a b', 's', 1, 2)] });
    expect(short?.window.from).toBe(window.onset - 15 * MIN);
  });

  it('draws nothing without a series of two points', () => {
    expect(chartSpec({ title: 't', window, series: [{ label: 'x', service: 'x', points: [[T0, 1]] }] })).toBeNull();
  });

  it('says in words what moved and what is marked', () => {
    const spec = chartSpec({ title: 't', window, highlight: 'checkout', series: [series('checkout p99 latency', 's', 0.047, 0.749)], changes: [{ at: window.onset - 4 * MIN, label: 'deploy checkout' }] });
    expect(spec && describeChart(spec)).toBe(
      'Line chart, 02:00–03:20 UTC, baseline before the onset at 03:00 shaded: checkout p99 latency from 47ms to 749ms (highlighted). Marked: deploy checkout at 02:56.',
    );
  });
});

describe('renderChartSvg', () => {
  it('shades the baseline, draws the onset and change rules, labels the axis in the unit and escapes labels', () => {
    const spec = chartSpec({ title: 'Scout <metrics> & co', window, highlight: 'checkout', series: [series('checkout p99 latency', 's', 0.047, 0.749)], changes: [{ at: window.onset - 4 * MIN, label: 'deploy <x>' }] });
    const svg = spec ? renderChartSvg(spec) : '';
    expect(svg).toContain('Scout &lt;metrics&gt; &amp; co');
    expect(svg).toContain('deploy &lt;x&gt;');
    expect(svg).toMatch(/<rect x="96\.0" y="\d+" width="[1-9]\d*\.\d" height="\d+" fill="#eef1f5"\/>/);
    expect(svg).toContain('stroke-dasharray="7 5"');
    expect(svg).toMatch(/>800ms</);
    expect(svg).toMatch(/>02:30</);
  });
});

// Unicode sparklines: a series' shape in a dozen characters, readable in Slack and in a terminal.

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/** Averages `values` into `width` buckets (gaps and NaN ignored; an empty bucket stays NaN). */
export function downsample(values: readonly number[], width: number): number[] {
  const n = values.length;
  if (width <= 0 || n === 0) return [];
  if (n <= width) return values.slice();
  const out: number[] = [];
  for (let b = 0; b < width; b++) {
    const start = Math.floor((b * n) / width);
    const end = Math.floor(((b + 1) * n) / width);
    let sum = 0;
    let count = 0;
    for (let i = start; i < end; i++) {
      const v = values[i] as number;
      if (Number.isFinite(v)) {
        sum += v;
        count++;
      }
    }
    out.push(count ? sum / count : Number.NaN);
  }
  return out;
}

/** Renders values as `▁▂▃▄▅▆▇█`, at most `width` characters; a gap is a space, a flat series is all `▁`. */
export function sparkline(values: readonly number[], width = 24): string {
  const ds = downsample(values, width);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of ds) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return ' '.repeat(ds.length);
  const span = hi - lo;
  return ds
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      if (span <= 0) return BARS[0];
      const i = Math.min(BARS.length - 1, Math.floor(((v - lo) / span) * BARS.length));
      return BARS[i];
    })
    .join('');
}

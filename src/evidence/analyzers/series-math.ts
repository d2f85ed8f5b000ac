// Point and label arithmetic shared by the signal derivations: finite points, counter rates, Prometheus'
// histogram_quantile, sums of aligned series, and a label set's stable key.

/** The points whose time and value are both finite. */
export function finitePoints(points: ReadonlyArray<[number, number]>): Array<[number, number]> {
  return points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
}

/** Per-second rate of a counter; a drop is a reset, so the new value is the increase since it. */
export function counterRate(points: ReadonlyArray<[number, number]>): Array<[number, number]> {
  const pts = finitePoints(points);
  const out: Array<[number, number]> = [];
  for (let i = 1; i < pts.length; i++) {
    const [t0, v0] = pts[i - 1] as [number, number];
    const [t1, v1] = pts[i] as [number, number];
    const dt = (t1 - t0) / 1000;
    if (dt <= 0) continue;
    const inc = v1 >= v0 ? v1 - v0 : v1;
    out.push([t1, inc / dt]);
  }
  return out;
}

/** Prometheus histogram_quantile over cumulative bucket counts ([le, count], any order). */
export function histogramQuantile(q: number, buckets: ReadonlyArray<readonly [number, number]>): number {
  const b = [...buckets].sort((x, y) => x[0] - y[0]);
  const last = b[b.length - 1];
  if (!last || last[0] !== Infinity) return Number.NaN;
  const total = last[1];
  if (!(total > 0)) return Number.NaN;
  const rank = q * total;
  let i = b.findIndex((x) => x[1] >= rank);
  if (i < 0) i = b.length - 1;
  const cur = b[i] as readonly [number, number];
  if (cur[0] === Infinity) return b.length > 1 ? (b[b.length - 2] as readonly [number, number])[0] : Number.NaN;
  const prev = i > 0 ? (b[i - 1] as readonly [number, number]) : null;
  const start = prev ? prev[0] : Math.min(0, cur[0]);
  const below = prev ? prev[1] : 0;
  const inBucket = cur[1] - below;
  if (inBucket <= 0) return cur[0];
  return start + (cur[0] - start) * ((rank - below) / inBucket);
}

/** A label set as a stable key, without the labels in `omit`. */
export function labelKey(labels: Record<string, string>, omit: readonly string[]): string {
  return Object.keys(labels)
    .filter((k) => !omit.includes(k))
    .sort()
    .map((k) => `${k}="${labels[k]}"`)
    .join(',');
}

/** Sums aligned series point-wise by timestamp. */
export function sumByTime(list: ReadonlyArray<ReadonlyArray<[number, number]>>): Array<[number, number]> {
  const acc = new Map<number, number>();
  for (const pts of list) for (const [t, v] of pts) acc.set(t, (acc.get(t) ?? 0) + v);
  return [...acc.entries()].sort((a, b) => a[0] - b[0]);
}

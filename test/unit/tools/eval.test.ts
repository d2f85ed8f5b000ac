// The evaluation harness's arithmetic (tools/eval), on data written here: grouping accuracy,
// calibration, aggregation, the Loghub CSV reader, the reference ranker and the Drain reference.

import {
  aggregate,
  byFaultClass,
  calibrationOf,
  eventIds,
  groupingAccuracy,
  type Row,
} from '../../../tools/eval/metrics';
import { parseExposition, rank, robustZ, toRate, type Series } from '../../../tools/eval/reference-ranker';
import { DrainReference } from '../../../tools/eval/drain-reference';
import { renderReport } from '../../../tools/eval/report';

function row(over: Partial<Row> & { rank: number | null }): Row {
  const pos = over.rank;
  return {
    name: 's',
    cls: 'cpu',
    ok: true,
    secs: 1,
    ac: [1, 2, 3, 4, 5].map((k) => (pos !== null && pos <= k ? 1 : 0)),
    rh1: 0,
    onsetErrMin: 0,
    root: 'carts',
    calibration: { withConfidence: 0, shown: 0, right: 0 },
    ...over,
  };
}

describe('grouping accuracy', () => {
  it('counts a line only when its predicted group is exactly its true group', () => {
    // true groups: A = {0,1}, B = {2,3}, C = {4}; predicted: {0,1} right, {2} and {3} split B, {4} right
    expect(groupingAccuracy([7, 7, 8, 9, 10], ['A', 'A', 'B', 'B', 'C'])).toBeCloseTo(3 / 5);
    // one predicted group holding two true groups gets none of its lines right
    expect(groupingAccuracy([1, 1, 1], ['A', 'A', 'B'])).toBe(0);
  });

  it('treats a line without a group as a group of its own', () => {
    expect(groupingAccuracy([null, null, 'x'], ['A', 'B', 'C'])).toBe(1);
    expect(groupingAccuracy([null, null], ['A', 'A'])).toBe(0);
  });

  it('refuses predictions that do not line up with the labels', () => {
    expect(() => groupingAccuracy([1], ['A', 'B'])).toThrow(/1 predictions for 2 labels/);
  });

  it('reads EventId from a structured CSV with quoted commas and a BOM', () => {
    const csv = '\uFEFFLineId,Content,EventId\r\n1,"a, b ""q""",E1\r\n2,plain,E2\r\n';
    expect(eventIds(csv)).toEqual(['E1', 'E2']);
  });
});

describe('calibration and aggregation', () => {
  it('counts suspects shown at >= 0.70 once per service and how many name the root', () => {
    const out = {
      suspects: [
        { service: 'Carts', confidence: 0.9 },
        { service: 'carts', confidence: 0.95 }, // duplicate service: the first rank counts
        { service: 'orders', confidence: 0.7 },
        { service: 'user', confidence: 0.69 },
        { service: 'web', confidence: null },
      ],
    };
    expect(calibrationOf(out, 'carts')).toEqual({ withConfidence: 1, shown: 2, right: 1 });
    expect(calibrationOf({ suspects: [{ service: 'carts' }] }, 'carts')).toEqual({
      withConfidence: 0,
      shown: 0,
      right: 0,
    });
    expect(calibrationOf(null, 'carts')).toEqual({ withConfidence: 0, shown: 0, right: 0 });
  });

  it('aggregates AC@k, Avg@5, crashes and the lower median onset error like the scorer', () => {
    const rows = [
      row({ rank: 1, onsetErrMin: 4, chg: 1, calibration: { withConfidence: 1, shown: 1, right: 1 } }),
      row({ rank: 3, onsetErrMin: 1 }),
      row({ rank: null, ok: false, onsetErrMin: null, secs: 4 }),
      row({ rank: 6, onsetErrMin: 9, cls: 'mem', chg: 0 }),
    ];
    const a = aggregate(rows);
    expect(a.n).toBe(4);
    expect(a.ac1).toBeCloseTo(0.25);
    expect(a.ac3).toBeCloseTo(0.5);
    expect(a.avg5).toBeCloseTo((5 / 5 + 3 / 5) / 4);
    expect(a.onsetErrMin).toBe(4); // of 1, 4, 9
    expect(a.crashes).toBe(1);
    expect(a.chg).toBeCloseTo(0.5); // of the two scenarios that have a root-cause change
    expect(a.secs).toBeCloseTo(7 / 4);
    expect(a.calibration).toEqual({ withConfidence: 1, shown: 1, right: 1 });
    expect(byFaultClass(rows).map(([c, x]) => [c, x.n])).toEqual([
      ['cpu', 3],
      ['mem', 1],
      ['all', 4],
    ]);
  });

  it('writes both rankers side by side in the report', () => {
    const md = renderReport({
      date: 'd',
      commit: 'c',
      machine: 'm',
      command: 'npm run eval',
      reproduce: [],
      notMeasured: [],
      scenarioSets: [
        {
          name: 'set1',
          path: '/x',
          product: [row({ rank: 1 }), row({ rank: 2 })],
          reference: [row({ rank: 2 }), row({ rank: 2 })],
          wall: { product: 1, reference: 1 },
          source: 'Nezha (FSE23): injected faults in two microservice systems.',
        },
      ],
      logs: [{ set: 'lh', system: 'HDFS', lines: 10, ga: 0.9, drainGa: 0.8, secs: 1 }],
      logSources: [{ set: 'lh', source: 'Source: https://github.com/logpai/loghub' }],
    });
    expect(md).toContain('| cpu | 2 | 0.500 / 0.000 | 1.000 / 1.000 | 0.900 / 0.800 | 0.000 / 0.000 | – / – |');
    expect(md).toContain('| lh | HDFS | 10 | 0.900 | 0.800 | 0.998 |');
    expect(md).toContain('- **lh**: Source: https://github.com/logpai/loghub');
    expect(md).toContain('Source: Nezha (FSE23): injected faults in two microservice systems.');
  });
});

describe('reference ranker', () => {
  const flat = (n: number, base: number, jitter: number, shiftAt = Infinity, shift = 0): number[] =>
    Array.from({ length: n }, (_, i) => base + ((i * 7) % 5) * jitter + (i >= shiftAt ? shift : 0));

  it('turns counters into per-second rates and treats a drop as a reset', () => {
    expect(toRate([0, 10, 20, 30], [0, 50, 150, 20])).toEqual({ t: [10, 20, 30], v: [5, 10, 2] });
  });

  it('reads only samples up to the incident clock, in seconds whatever the unit', () => {
    const text = [
      '# TYPE req counter',
      'req_total{service="a"} 0 1700000000',
      'req_total{service="a"} 100 1700000010',
      'req_total{service="a"} 300 1700000020',
      'req_total{service="a"} 999 1700000030',
      'cpu{job="b"} 0.5 1700000000000', // Prometheus text: milliseconds
      'cpu{job="b"} 0.7 1700000030000',
      'nolabel 1 1700000000',
    ].join('\n');
    const series = parseExposition(text, 1700000020);
    expect(series).toEqual([
      { service: 'a', t: [1700000010, 1700000020], v: [10, 20] },
      { service: 'b', t: [1700000000], v: [0.5] },
    ]);
  });

  it('scores a shift against the baseline spread', () => {
    expect(robustZ([1, 2, 1, 2, 1, 5, 5], 5)).toBeGreaterThan(3);
    expect(robustZ([3, 3, 3, 3], 2)).toBe(0);
  });

  it('ranks the service whose series moved most and dates the onset at the move', () => {
    const t = Array.from({ length: 60 }, (_, i) => 1_700_000_000 + i * 15);
    const series: Series[] = [
      { service: 'quiet', t, v: flat(60, 10, 0.5) },
      { service: 'culprit', t, v: flat(60, 10, 0.5, 40, 20) },
      { service: 'echo', t, v: flat(60, 10, 0.5, 40, 6) },
    ];
    const r = rank(series);
    expect(r.suspects.map((s) => s.service)).toEqual(['culprit', 'echo', 'quiet']);
    expect(r.onset).toBe(new Date((t[40] as number) * 1000).toISOString());
  });
});

describe('zero-configuration Drain reference', () => {
  it('merges lines that differ in variable tokens and keeps other events apart', () => {
    const d = new DrainReference();
    const a = d.add('Receiving block blk_1 src: /10.0.0.1:50010');
    const b = d.add('Receiving block blk_2 src: /10.0.0.2:50010');
    const c = d.add('Deleting block blk_1 file /data/x');
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});

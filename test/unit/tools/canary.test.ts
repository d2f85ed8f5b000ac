// The concurrent-release variant builder (tools/eval/corpora/canary) on small data written here.

import { canaryMetrics, canarySpans, planDeploys, readTopology, rng } from '../../../tools/eval/corpora/canary';

const TOPOLOGY = `services:
  - name: web
    kind: edge
    calls: [cart, pay]
  - name: cart
    kind: service
    calls: []
  - name: pay
    kind: service
    calls: []
  - name: mail
    kind: service
    calls: []
`;

describe('canary set builder: deploys', () => {
  const topo = readTopology(TOPOLOGY);
  const onset = Date.parse('2024-01-01T10:00:00Z');

  it('reads who calls whom', () => {
    expect(topo.get('web')).toEqual(['cart', 'pay']);
    expect([...topo.keys()]).toEqual(['web', 'cart', 'pay', 'mail']);
  });

  it('puts the root deploy first and 1-3 others to other services within 15 min of the onset', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const d = planDeploys(rng(seed, 'x'), 'cart', onset, topo);
      expect(d[0]?.service).toBe('cart');
      expect(d.length).toBeGreaterThanOrEqual(2);
      expect(d.length).toBeLessThanOrEqual(4);
      expect(new Set(d.map((x) => x.service)).size).toBe(d.length);
      expect(new Set(d.map((x) => x.id)).size).toBe(d.length);
      for (const x of d) expect(Math.abs(x.time - onset)).toBeLessThanOrEqual(15 * 60_000 + 1000);
      expect(d.slice(1).some((x) => x.time <= onset)).toBe(true);
    }
  });

  it('is deterministic for a seed and name, and differs across seeds', () => {
    const a = planDeploys(rng(3, 'x'), 'cart', onset, topo);
    expect(planDeploys(rng(3, 'x'), 'cart', onset, topo)).toEqual(a);
    expect(planDeploys(rng(4, 'x'), 'cart', onset, topo)).not.toEqual(a);
  });
});

describe('canary set builder: the new pod', () => {
  const t0 = 1_700_000_000;
  const rows = (pod: string, values: number[]): string =>
    values.map((v, i) => `cpu{service="cart",pod="${pod}"} ${v} ${t0 + 60 * i}`).join('\n');
  const prom = ['# TYPE cpu gauge', rows('cart-a', [5, 6, 5, 6, 40, 41, 42]), 'cpu{service="web"} 1 ' + t0].join('\n');
  const deployAt = (t0 + 180) * 1000;
  const onset = (t0 + 240) * 1000;

  it('gives the recorded samples after the deploy to the new pod and replays the old pod’s own values', () => {
    const out = canaryMetrics(prom, 'cart', 'cart-a', 'cart-b', deployAt, onset) as string;
    const vals = (pod: string): number[] =>
      out
        .split('\n')
        .filter((l) => l.includes(`pod="${pod}"`))
        .map((l) => Number(l.split(' ')[1]));
    expect(vals('cart-b')).toEqual([6, 40, 41, 42]);
    expect(vals('cart-a').slice(0, 3)).toEqual([5, 6, 5]);
    expect(Math.max(...vals('cart-a'))).toBeLessThanOrEqual(6);
    expect(out).toContain('cpu{service="web"} 1');
  });

  it('leaves out samples of earlier faults from what the old pod replays', () => {
    const noisy = ['# TYPE cpu gauge', rows('cart-a', [5, 30, 5, 6, 40, 41, 42])].join('\n');
    const early = (t: number): boolean => t === (t0 + 60) * 1000;
    const out = canaryMetrics(noisy, 'cart', 'cart-a', 'cart-b', onset, onset, early) as string;
    const old = out
      .split('\n')
      .filter((l) => l.includes('pod="cart-a"'))
      .map((l) => Number(l.split(' ')[1]));
    expect(old.slice(4)).toEqual([5, 5, 6]);
  });

  it('refuses when the old pod has too little history to replay', () => {
    expect(canaryMetrics(prom, 'cart', 'cart-a', 'cart-b', (t0 + 60) * 1000, onset)).toBeNull();
  });

  it('moves the old pod’s spans from the deploy on to a resource of the new pod', () => {
    const ns = (s: number): string => String(BigInt(s) * 1_000_000_000n);
    const doc = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'k8s.pod.name', value: { stringValue: 'cart-a' } }] },
          scopeSpans: [{ spans: [{ startTimeUnixNano: ns(t0) }, { startTimeUnixNano: ns(t0 + 200) }] }],
        },
      ],
    };
    canarySpans(doc, 'cart-a', 'cart-b', deployAt);
    expect(doc.resourceSpans).toHaveLength(2);
    expect(doc.resourceSpans[0]?.scopeSpans[0]?.spans).toHaveLength(1);
    expect(doc.resourceSpans[1]?.resource.attributes[0]?.value.stringValue).toBe('cart-b');
    expect(doc.resourceSpans[1]?.scopeSpans[0]?.spans).toEqual([{ startTimeUnixNano: ns(t0 + 200) }]);
  });
});

import {
  anomalyStrength,
  detectAnomalies,
  estimateOnset,
  serviceScores,
} from '../../../../src/evidence/analyzers/metrics';
import { describeAnomaly } from '../../../../src/evidence/analyzers/suspect';
import type { AnalysisWindow, MetricSeries } from '../../../../src/evidence/types';

const S = 15_000;
const T0 = Date.parse('2026-11-27T02:00:00Z');
const ONSET = T0 + 240 * S; // one hour of baseline

/** Deterministic wiggle in [-1, 1] so baselines have a spread. */
const wiggle = (i: number): number => Math.sin(i * 1.7) * 0.5 + Math.sin(i * 0.37) * 0.5;

function gauge(service: string, name: string, f: (i: number) => number, n = 300): MetricSeries {
  return {
    name,
    family: name,
    type: 'gauge',
    service,
    labels: { service },
    points: Array.from({ length: n }, (_, i) => [T0 + i * S, f(i)] as [number, number]),
  };
}

const window: AnalysisWindow = { from: T0, onset: ONSET, to: T0 + 299 * S };

describe('detectAnomalies', () => {
  it('reports a step change with its onset, baseline, current value and a sparkline', () => {
    const s = gauge('payments', 'db_latency_seconds', (i) => (i < 240 ? 0.1 : 2) + 0.01 * wiggle(i));
    const [a, ...rest] = detectAnomalies([s], window);
    expect(rest).toHaveLength(0);
    expect(a?.service).toBe('payments');
    expect(a?.kind).toBe('latency');
    expect(a?.direction).toBe('up');
    expect(a?.changeAt).toBe(ONSET);
    expect(a?.baseline).toBeCloseTo(0.1, 1);
    expect(a?.current).toBeCloseTo(2, 1);
    expect(a?.score).toBeGreaterThan(10);
    expect(a?.sparkline.endsWith('█')).toBe(true);
  });

  it('labels a spike the baseline made before as a habit and weighs it below a new move of the same size', () => {
    // A GC pause every 15 minutes: one-minute spikes to 1.2 s over a 0.2 s level, the latest one at the onset.
    const spikes = (i: number): number => (i % 60 >= 56 || i >= 240 ? 1.2 : 0.2) + 0.01 * wiggle(i);
    const minute: AnalysisWindow = { from: T0, onset: ONSET, to: ONSET + 3 * S };
    const [old] = detectAnomalies([gauge('profile', 'gc_latency_seconds', spikes)], minute);
    const fresh = gauge('billing', 'db_latency_seconds', (i) => (i >= 240 ? 1.2 : 0.2) + 0.01 * wiggle(i));
    const [news] = detectAnomalies([fresh], minute);
    expect(old?.recurring).toBe(4);
    expect(news?.recurring).toBeUndefined();
    expect(describeAnomaly(old!)).toContain('(it did so 4 times before the incident too)');
    expect(anomalyStrength(old!)).toBeLessThan(anomalyStrength(news!) / 2);
    expect(serviceScores([old!, news!]).map((x) => x.service)).toEqual(['billing', 'profile']);
  });

  it('does not call a move a habit when it lasts longer than the spikes before it', () => {
    const spikes = (i: number): number => (i % 60 >= 56 || i >= 240 ? 1.2 : 0.2) + 0.01 * wiggle(i);
    const [a] = detectAnomalies([gauge('profile', 'gc_latency_seconds', spikes)], window);
    expect(a?.current).toBeCloseTo(1.2, 1);
    expect(a?.recurring).toBeUndefined();
  });

  it('reads CPU in millicores as cores: a pod idling at 0.05 millicores that now uses 0.13 is not saturated', () => {
    const idle = gauge(
      'payments',
      'container_cpu_usage_millicores',
      (i) => (i < 240 ? 0.05 : 0.13) + 0.002 * wiggle(i),
    );
    expect(detectAnomalies([idle], window)).toEqual([]);
    const busy = gauge('payments', 'container_cpu_usage_millicores', (i) => (i < 240 ? 50 : 900) + 2 * wiggle(i));
    const [a] = detectAnomalies([busy], window);
    expect(a?.unit).toBe('cores');
    expect(describeAnomaly(a!)).toMatch(/^container cpu usage from 0\.05\d* cores to 0\.9\d* cores/);
  });

  it('ignores a series that only wiggles', () => {
    expect(detectAnomalies([gauge('web', 'cpu_usage', (i) => 0.5 + 0.02 * wiggle(i))], window)).toEqual([]);
  });

  it('handles gaps and NaN samples', () => {
    const s = gauge('inventory', 'queue_depth', (i) =>
      i % 7 === 0 ? Number.NaN : i < 240 ? 10 + wiggle(i) : 80 + wiggle(i),
    );
    s.points = s.points.filter((_, i) => i < 100 || i > 130); // a 7-minute scrape gap in the baseline
    const [a] = detectAnomalies([s], window);
    expect(a?.kind).toBe('saturation');
    expect(a?.current).toBeCloseTo(80, 0);
    expect(Math.abs((a?.changeAt ?? 0) - ONSET)).toBeLessThanOrEqual(S);
  });

  it('survives a counter reset during the incident without reporting a traffic crash', () => {
    const counter: MetricSeries = {
      name: 'http_requests_total',
      family: 'http_requests',
      type: 'counter',
      service: 'checkout',
      labels: { service: 'checkout', status: '200' },
      // 10 req/s throughout; the process restarts at i = 260 and counts from 0 again
      points: Array.from(
        { length: 300 },
        (_, i) => [T0 + i * S, i < 260 ? 150 * i : 150 * (i - 260)] as [number, number],
      ),
    };
    expect(detectAnomalies([counter], window)).toEqual([]);
  });

  it('ranks services by their strongest anomalies', () => {
    const an = detectAnomalies(
      [
        gauge('payments', 'db_latency_seconds', (i) => (i < 240 ? 0.1 : 2) + 0.01 * wiggle(i)),
        gauge('checkout', 'cpu_usage', (i) => (i < 240 ? 0.5 : 0.7) + 0.02 * wiggle(i)),
      ],
      window,
    );
    expect(serviceScores(an).map((s) => s.service)).toEqual(['payments', 'checkout']);
  });

  it('does not count the latency a caller measures on its outgoing calls as its own', () => {
    // The frontend waits far longer on its calls (client side); the cart's own served latency rises less.
    const an = detectAnomalies(
      [
        gauge('frontend', 'client_request_duration_seconds', (i) => (i < 240 ? 0.01 : 2) + 0.001 * wiggle(i)),
        gauge('frontend', 'rpc_latency_seconds', (i) => 0.05 + 0.005 * wiggle(i)),
        gauge('cart', 'server_request_duration_seconds', (i) => (i < 240 ? 0.01 : 0.05) + 0.001 * wiggle(i)),
      ],
      window,
    );
    expect(an.map((a) => a.service)).toContain('frontend');
    expect(serviceScores(an).map((s) => s.service)).toEqual(['cart']);
  });
});

describe('serviceScores: latency on the way to a peer', () => {
  /** An Istio-style edge series: `reporter` source is the caller's view, destination the callee's own. */
  function edge(caller: string, callee: string, reporter: 'source' | 'destination', f: (i: number) => number) {
    const service = reporter === 'source' ? caller : callee;
    const labels = { service, source_service: caller, destination_service: callee, reporter };
    return { ...gauge(service, 'edge_request_duration_seconds', f), labels };
  }
  const flat = (ms: number) => (i: number) => ms / 1000 + 0.0002 * wiggle(i);
  const jump = (from: number, to: number) => (i: number) => (i < 240 ? from : to) / 1000 + 0.0002 * wiggle(i);

  it("credits a caller's slower calls to a peer to that peer when the peer's own view did not move", () => {
    const an = detectAnomalies(
      [
        edge('checkout', 'email', 'source', jump(3, 750)),
        edge('checkout', 'email', 'destination', flat(3)),
        edge('checkout', 'payments', 'source', flat(4)),
      ],
      window,
    );
    const scores = serviceScores(an);
    expect(scores.map((s) => s.service)).toEqual(['email']);
    expect(scores[0]?.top.metric).toMatch(/ of checkout's calls to it$/);
  });

  it("keeps it as the caller's own when its calls to several peers all slowed", () => {
    const an = detectAnomalies(
      [
        edge('web', 'cart', 'source', jump(3, 250)),
        edge('web', 'catalog', 'source', jump(5, 250)),
        edge('web', 'cart', 'destination', flat(2)),
        edge('web', 'catalog', 'destination', flat(4)),
      ],
      window,
    );
    expect(serviceScores(an).map((s) => s.service)).toEqual(['web']);
  });

  it("counts a peer's own view of the calls it serves as its own latency, and the callers' view not again", () => {
    const an = detectAnomalies(
      [edge('checkout', 'email', 'source', jump(3, 750)), edge('checkout', 'email', 'destination', jump(2, 740))],
      window,
    );
    const [email, ...rest] = serviceScores(an);
    expect(rest).toEqual([]);
    expect(email?.service).toBe('email');
    expect(email?.anomalies).toHaveLength(1);
    expect(email?.top.key).toMatch(/reporter="destination"/);
  });
});

describe('estimateOnset', () => {
  it('takes the earliest credible change among the strongest shifts, not an early drift', () => {
    const series = [
      gauge('payments', 'p_latency_seconds', (i) => (i < 240 ? 0.1 : 2) + 0.01 * wiggle(i)),
      gauge('checkout', 'c_latency_seconds', (i) => (i < 242 ? 0.1 : 2.5) + 0.01 * wiggle(i)),
      gauge('web', 'w_errors', (i) => (i < 243 ? 1 : 40) + 0.1 * wiggle(i)),
      // a slow unrelated shift 50 minutes earlier, weaker than the incident
      gauge('redis', 'redis_memory_bytes', (i) => (i < 40 ? 1e9 : 1.3e9) + 1e6 * wiggle(i)),
    ];
    const est = estimateOnset(series, T0, T0 + 299 * S);
    expect(est?.onset).toBe(ONSET);
    expect(est?.basis[0]).toContain('p_latency_seconds');
  });

  it('returns null when nothing shifted', () => {
    expect(estimateOnset([gauge('web', 'cpu', (i) => 1 + 0.01 * wiggle(i))], T0, T0 + 299 * S)).toBeNull();
  });
});

import { correlateChanges } from '../../../../src/evidence/analyzers/changes';
import { rankServices } from '../../../../src/evidence/analyzers/ranking';
import type { Change, SeriesAnomaly, TemplateStat, Topology } from '../../../../src/evidence/types';

const ONSET = Date.parse('2026-11-27T03:02:10Z');
const window = { from: ONSET - 3_600_000, onset: ONSET, to: ONSET + 600_000 };
// web -> api -> checkout -> payments -> postgres; notifications on the side
const topology: Topology = {
  services: [
    { name: 'web', kind: 'edge', calls: ['api'] },
    { name: 'api', kind: 'service', calls: ['checkout'] },
    { name: 'checkout', kind: 'service', calls: ['payments', 'notifications'] },
    { name: 'payments', kind: 'service', calls: ['postgres'] },
    { name: 'postgres', kind: 'db', calls: [] },
    { name: 'notifications', kind: 'service', calls: [] },
  ],
};

function anomaly(
  service: string,
  kind: SeriesAnomaly['kind'],
  score: number,
  metric = kind === 'errors' ? '5xx rate' : 'p99 latency',
): SeriesAnomaly {
  return {
    key: `${metric}{service="${service}"}`,
    service,
    metric,
    family: metric,
    kind,
    unit: kind === 'latency' ? 's' : 'req/s',
    changeAt: ONSET,
    baseline: 0.1,
    current: 2,
    score,
    direction: 'up',
    sparkline: '▁▁█',
  };
}

function template(
  service: string,
  label: TemplateStat['label'],
  text: string,
  baselineCount: number,
  incidentCount: number,
  level = 'error',
): TemplateStat {
  return {
    id: `${service}-${text.length}`,
    template: text,
    service,
    level,
    baselineCount,
    incidentCount,
    ratio: baselineCount ? incidentCount / 10 / (baselineCount / 60) : Infinity,
    firstSeen: ONSET + 5000,
    label,
    samples: [text],
  };
}

const deploy = (id: string, service: string, secondsBefore: number): Change => ({
  id,
  service,
  kind: 'deploy',
  summary: `${service} ${id}`,
  time: ONSET - secondsBefore * 1000,
});

describe('rankServices', () => {
  it('blames the deepest anomalous dependency, even when callers are louder', () => {
    const anomalies = [
      anomaly('api', 'errors', 5000),
      anomaly('checkout', 'errors', 3000),
      anomaly('payments', 'latency', 40),
    ];
    const { suspects, redHerrings } = rankServices({ anomalies, templates: [], changes: [], topology });
    expect(suspects[0]?.service).toBe('payments');
    const api = suspects.find((s) => s.service === 'api');
    expect(api?.against.join(' ')).toContain('downstream of anomalous payments');
    const downstream = redHerrings.filter((h) => h.kind === 'downstream_symptom').map((h) => h.service);
    expect(downstream).toEqual(expect.arrayContaining(['api', 'checkout']));
    expect(redHerrings.find((h) => h.service === 'api')?.why).toMatch(
      /^downstream symptom: api's 5xx rate follows payments's p99 latency/,
    );
  });

  it("does not put a caller's failures on a callee that only got milliseconds slower", () => {
    // checkout fails a third of its requests without getting slower; payments takes 11 ms more per call.
    const failing = { ...anomaly('checkout', 'errors', 300), baseline: 0, current: 0.3 };
    const slower = { ...anomaly('payments', 'latency', 40), baseline: 0.0045, current: 0.0154 };
    const { suspects } = rankServices({ anomalies: [failing, slower], templates: [], changes: [], topology });
    expect(suspects[0]?.service).toBe('checkout');
    expect(suspects[0]?.reason).not.toContain('downstream');
    // Slow enough for callers to time out, the same callee explains them.
    const timingOut = { ...slower, current: 2.5 };
    const ranked = rankServices({ anomalies: [failing, timingOut], templates: [], changes: [], topology });
    expect(ranked.suspects[0]?.service).toBe('payments');
    expect(ranked.suspects.find((x) => x.service === 'checkout')?.reason).toContain('likely downstream of payments');
  });

  it('calls a suspect at most possible when a callee of it began to saturate at the same moment', () => {
    const anomalies = [anomaly('checkout', 'errors', 3000), { ...anomaly('payments', 'saturation', 20), unit: '%' }];
    const templates = [template('checkout', 'new', 'panic recovered err=<*>', 0, 400)];
    const changes = correlateChanges([deploy('chg-9', 'checkout', 30)], anomalies, topology, window);
    const alone = rankServices({ anomalies: anomalies.slice(0, 1), templates, changes, topology }).suspects[0];
    expect(alone).toMatchObject({ service: 'checkout', likelihood: 'likely' });
    const beside = rankServices({ anomalies, templates, changes, topology }).suspects[0];
    expect(beside?.service).toBe('checkout');
    expect(beside?.likelihood).toBe('possible');
  });

  it('keeps a caller on top when it has its own new error and a deploy right before onset', () => {
    const anomalies = [anomaly('checkout', 'errors', 300), anomaly('payments', 'latency', 40)];
    const templates = [template('checkout', 'new', 'panic recovered err=<*>', 0, 40)];
    const changes = correlateChanges([deploy('chg-7', 'checkout', 30)], anomalies, topology, window);
    const { suspects } = rankServices({ anomalies, templates, changes, topology });
    expect(suspects[0]?.service).toBe('checkout');
    expect(suspects[0]?.change).toBe('chg-7');
    expect(suspects[0]?.evidence.join('\n')).toContain('panic recovered');
  });

  it('does not let a caller escape with a deploy but no error of its own', () => {
    const anomalies = [anomaly('checkout', 'errors', 300), anomaly('payments', 'latency', 40)];
    const changes = correlateChanges([deploy('chg-8', 'checkout', 30)], anomalies, topology, window);
    expect(rankServices({ anomalies, templates: [], changes, topology }).suspects[0]?.service).toBe('payments');
  });

  it('labels an error that was already frequent before onset a red herring and does not count it', () => {
    const anomalies = [anomaly('payments', 'latency', 40)];
    const steady = template('notifications', 'steady', 'failed to refresh token, retrying', 60, 10);
    const { suspects, redHerrings } = rankServices({ anomalies, templates: [steady], changes: [], topology });
    expect(suspects.map((s) => s.service)).toEqual(['payments']);
    const h = redHerrings.find((x) => x.kind === 'steady_error');
    expect(h?.service).toBe('notifications');
    expect(h?.why).toContain('already frequent before onset');
  });

  it('discounts an unrelated deploy in the same hour and names it', () => {
    const anomalies = [anomaly('payments', 'latency', 40)];
    const changes = correlateChanges(
      [deploy('chg-1', 'notifications', 25 * 60), deploy('chg-2', 'payments', 25)],
      anomalies,
      topology,
      window,
    );
    const { suspects, redHerrings } = rankServices({ anomalies, templates: [], changes, topology });
    expect(suspects[0]).toMatchObject({ service: 'payments', change: 'chg-2' });
    expect(suspects.some((s) => s.service === 'notifications')).toBe(false);
    const h = redHerrings.find((x) => x.kind === 'unrelated_change');
    expect(h?.service).toBe('notifications');
    expect(h?.why).toContain('no anomaly');
  });

  it('names a change that came after the onset as a red herring', () => {
    const anomalies = [anomaly('payments', 'latency', 40)];
    const changes = correlateChanges([deploy('chg-3', 'api', -240)], anomalies, topology, window);
    const h = rankServices({ anomalies, templates: [], changes, topology }).redHerrings.find(
      (x) => x.kind === 'unrelated_change',
    );
    expect(h?.why).toBe('came 4 min after onset');
  });

  it("ranks a service's own new failure above a latency move in a service it calls", () => {
    // checkout logs an error it never logged before and that blames no callee; notifications, which it
    // calls, only shows a latency quantile that jumped (a move a noisy p99 makes for many reasons).
    const anomalies = [anomaly('notifications', 'latency', 30)];
    const failure = template('checkout', 'new', 'order total mismatch, refusing to confirm order <*>', 0, 8);
    const { suspects } = rankServices({ anomalies, templates: [failure], changes: [], topology });
    expect(suspects.map((s) => s.service)).toEqual(['checkout', 'notifications']);
    expect(suspects[0]?.reason).toContain('new error "order total mismatch');
  });

  it("takes an error status a callee returned for the callee's failure, not the caller's", () => {
    const anomalies = [anomaly('payments', 'latency', 30)];
    const received = template(
      'checkout',
      'new',
      'Request processing failed; nested exception is HttpServerErrorException$InternalServerError: 500 Internal Server Error',
      0,
      20,
    );
    const { suspects } = rankServices({ anomalies, templates: [received], changes: [], topology });
    expect(suspects[0]?.service).toBe('payments');
    expect(suspects.find((s) => s.service === 'checkout')?.reason).toContain('likely downstream of payments');
  });

  it('does not count a new warning as a failure of its own', () => {
    const anomalies = [anomaly('notifications', 'latency', 30)];
    const warning = template('checkout', 'new', 'cart <*> is empty', 0, 8, 'warn');
    const { suspects } = rankServices({ anomalies, templates: [warning], changes: [], topology });
    expect(suspects[0]?.service).toBe('notifications');
  });

  it('counts new error templates as evidence for a service with no metric anomaly', () => {
    const { suspects } = rankServices({
      anomalies: [],
      templates: [template('payments', 'new', 'PSQLException: timeout', 0, 30)],
      changes: [],
      topology: null,
    });
    expect(suspects[0]?.service).toBe('payments');
    expect(suspects[0]?.reason).toContain('new error');
  });
});

describe('rankServices with trace signals from the traces analyzer', () => {
  it('names an external dependency that only the traces point at', () => {
    const anomalies = [anomaly('checkout', 'errors', 40), anomaly('payments', 'errors', 30)];
    const traceSignals = [
      {
        service: 'api.stripe.com',
        kind: 'error_origin' as const,
        strength: 0.9,
        evidence: 'errors start in external api.stripe.com (30 failing spans)',
      },
    ];
    const without = rankServices({ anomalies, templates: [], changes: [], topology });
    expect(without.suspects.map((s) => s.service)).not.toContain('api.stripe.com');
    const { suspects } = rankServices({ anomalies, templates: [], changes: [], topology, traceSignals });
    const stripe = suspects.find((s) => s.service === 'api.stripe.com');
    expect(stripe?.evidence).toContain('trace: errors start in external api.stripe.com (30 failing spans)');
  });

  it('does not call a traced error origin a downstream symptom of an anomalous dependency', () => {
    const anomalies = [anomaly('payments', 'errors', 60), anomaly('postgres', 'saturation', 80, 'connections')];
    const traceSignals = [
      { service: 'payments', kind: 'error_origin' as const, strength: 0.8, evidence: 'errors start in payments' },
    ];
    const { suspects, redHerrings } = rankServices({ anomalies, templates: [], changes: [], topology, traceSignals });
    const payments = suspects.find((s) => s.service === 'payments');
    expect(payments?.evidence).toContain('trace: errors start in payments');
    expect(payments?.against.join(' ')).not.toMatch(/downstream of/);
    expect(redHerrings.map((h) => h.service)).not.toContain('payments');
  });
});

describe('rankServices with time lost on the way to a service', () => {
  it('weighs a large gap on calls to a service like a latency move of its size, and makes its callers its symptoms', () => {
    // notifications' latency moved on its own; checkout waits on payments, whose calls lose 240 ms on the way.
    const anomalies = [anomaly('notifications', 'latency', 150), anomaly('checkout', 'latency', 30)];
    const traceSignals = [
      {
        service: 'payments',
        kind: 'call_gap' as const,
        strength: 1,
        // A gap 100 times the usual one: log10(1 + 100).
        magnitude: 2,
        evidence: 'calls to payments take 243ms at checkout but 2.5ms inside payments',
      },
    ];
    const { suspects } = rankServices({ anomalies, templates: [], changes: [], topology, traceSignals });
    expect(suspects.map((s) => s.service)).toEqual(['payments', 'notifications', 'checkout']);
    expect(suspects[0]?.evidence).toContain(
      'trace: calls to payments take 243ms at checkout but 2.5ms inside payments',
    );
    expect(suspects[2]?.against.join(' ')).toMatch(/downstream of anomalous payments/);
  });

  it('never shows a suspect listed lower as more likely than one above it', () => {
    // search: one strong move alone; cart: a weaker move that its own new errors back up (more kinds agree).
    const anomalies = [anomaly('search', 'latency', 1e5), anomaly('cart', 'latency', 300)];
    const templates = [template('cart', 'new', 'cart store write failed: <*>', 0, 80)];
    const { suspects } = rankServices({ anomalies, templates, changes: [], topology: null });
    expect(suspects.map((s) => s.service)).toEqual(['search', 'cart']);
    const shown = suspects.map((s) => s.confidence);
    expect(shown[1]).toBeLessThanOrEqual(shown[0] as number);
  });
});

import type { MetricSeries } from '../../../src/evidence/types';
import { checkRecovery, isBack } from '../../../src/verification/check';
import { renderVerification } from '../../../src/slack/views/verification';
import type { Proposal } from '../../../src/domain/types';

const T0 = Date.parse('2026-11-27T02:00:00Z');
const ONSET = T0 + 60 * 60_000;
const ACTION = ONSET + 10 * 60_000;
const STEP = 15_000;

/** A gauge of latency in seconds: `base` before the onset, `bad` until the action, `after` from then on (a little noise). */
function latency(service: string, base: number, bad: number, after: number): MetricSeries {
  const points: Array<[number, number]> = [];
  for (let t = T0, i = 0; t <= ACTION + 5 * 60_000; t += STEP, i++) {
    const level = t < ONSET ? base : t <= ACTION ? bad : after;
    points.push([t, level * (1 + ((i % 5) - 2) * 0.01)]);
  }
  return {
    name: 'request_latency_p99_seconds',
    family: 'request_latency_p99_seconds',
    type: 'gauge',
    service,
    labels: { service },
    points,
    unit: 's',
  };
}

const input = (series: MetricSeries[], readTo = ACTION + 5 * 60_000) => ({
  series,
  window: { from: T0, onset: ONSET },
  actionAt: ACTION,
  readTo,
  service: 'payments',
});

describe('checkRecovery', () => {
  it('says recovered when every signal that moved came back near its baseline after the action', () => {
    const check = checkRecovery(input([latency('payments', 0.2, 2.5, 0.22), latency('checkout', 0.1, 3, 0.12)]));
    expect(check.verdict).toBe('recovered');
    expect(check.signals[0]).toMatchObject({ service: 'payments', recovered: true });
    expect(check.signals[0]!.before).toBeCloseTo(0.2, 1);
    expect(check.signals[0]!.during).toBeCloseTo(2.5, 1);
    expect(check.signals[0]!.after).toBeCloseTo(0.22, 1);
  });

  it('says not recovered when one of them is still off, and names it', () => {
    const check = checkRecovery(input([latency('payments', 0.2, 2.5, 0.21), latency('checkout', 0.1, 3, 2.9)]));
    expect(check.verdict).toBe('not_recovered');
    expect(check.signals.find((s) => s.service === 'checkout')).toMatchObject({ recovered: false });
  });

  it('cannot tell when the source holds nothing after the action yet', () => {
    const check = checkRecovery(input([latency('payments', 0.2, 2.5, 0.2)], ACTION + 1_000));
    expect(check.verdict).toBe('no_data');
    expect(check.signals[0]?.after).toBeNull();
  });

  it('counts a signal as back from 70% of the way home', () => {
    expect(isBack(100, 1000, 370)).toBe(true);
    expect(isBack(100, 1000, 400)).toBe(false);
    expect(isBack(0.9, 0.5, 0.8)).toBe(true); // a success ratio that dropped and came back up
  });
});

describe('renderVerification', () => {
  const proposal = {
    id: 'P-0a1b2c3d4e',
    actionId: 'rollback-deploy',
    incidentId: 'C1',
    channelId: 'C1',
    threadTs: '1.2',
  } as unknown as Proposal;

  it('shows the verdict with before, during and after figures, and the incident clock for a recording', () => {
    const check = checkRecovery(input([latency('payments', 0.2, 2.5, 2.4)]));
    const v = renderVerification({ proposal, afterMs: 300_000, replay: true }, check);
    const text = JSON.stringify(v.blocks);
    expect(v.text).toBe('Not recovered 5 min after rollback-deploy (P-0a1b2c3d4e)');
    expect(text).toMatch(/payments latency: 2\d\dms before the incident, 2\.\d+s during, 2\.\d+s after — still off/);
    expect(text).toContain("on the incident's clock (action at 03:10 UTC)");
    expect(v.metadata).toEqual({
      event_type: 'incident_scout_verification',
      event_payload: { proposal_id: 'P-0a1b2c3d4e', verdict: 'not_recovered' },
    });
  });

  it('gives live times as Slack date tokens', () => {
    const check = checkRecovery(input([latency('payments', 0.2, 2.5, 0.2)]));
    const text = JSON.stringify(renderVerification({ proposal, afterMs: 300_000, replay: false }, check).blocks);
    expect(text).toContain(`<!date^${ACTION / 1000}^{time}|03:10 UTC>`);
  });
});

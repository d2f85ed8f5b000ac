// The fingerprint of a round comes from its analyses: suspects, new and surging templates, implicated changes, the alert.
import type { ChangeScore, TemplateStat } from '../../../src/evidence/types';
import { alertNameOfFocus, fingerprintOf } from '../../../src/investigation/fingerprint';

const template = (id: string, label: TemplateStat['label']): TemplateStat => ({
  id,
  template: `t ${id}`,
  service: 'payments',
  baselineCount: 0,
  incidentCount: 5,
  ratio: Infinity,
  firstSeen: 0,
  label,
  samples: [],
});
const change = (id: string, kind: string, service: string, score: number): ChangeScore => ({
  change: { id, time: 0, service, kind, summary: id },
  leadSeconds: 30,
  score,
  serviceAnomalous: true,
  dependencyAnomalous: false,
  reason: '',
});

describe('fingerprintOf', () => {
  it('weighs suspects by score, new templates over surging ones, drops steady ones, and keys changes by kind and service', () => {
    const fp = fingerprintOf({
      ranking: {
        suspects: [
          { service: 'payments', score: 2, reason: '', change: 'chg-1', evidence: [], against: [] },
          { service: 'postgres', score: 0.5, reason: '', change: null, evidence: [], against: [] },
          { service: 'web', score: 0, reason: '', change: null, evidence: [], against: [] },
        ],
        redHerrings: [],
      },
      templates: [template('T1', 'new'), template('T2', 'surging'), template('T3', 'steady'), template('T4', 'gone')],
      changes: [
        change('chg-1', 'deploy', 'payments', 0.9),
        change('chg-2', 'flag', 'web', 0.1),
        change('chg-3', 'config', 'api', 0.6),
      ],
      alertName: ' HighLatency ',
    });
    expect(fp).toEqual({
      services: { payments: 1, postgres: 0.25 },
      templates: { T1: 1, T2: 0.5 },
      changes: { 'deploy@payments': 1, 'config@api': 0.6 },
      alert: { highlatency: 1 },
    });
  });
});

describe('alertNameOfFocus', () => {
  it('reads the alert name from an alert-opened round focus, and nothing from any other focus', () => {
    expect(alertNameOfFocus('alert High Error Rate: service=checkout job=api')).toBe('High Error Rate');
    expect(alertNameOfFocus('checkout errors')).toBeUndefined();
    expect(alertNameOfFocus(undefined)).toBeUndefined();
  });
});

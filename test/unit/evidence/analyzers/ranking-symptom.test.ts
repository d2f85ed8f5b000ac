import { rankServices } from '../../../../src/evidence/analyzers/ranking';
import type { Topology } from '../../../../src/evidence/types';
import { latency, STEP, T } from './anomaly-fixture';

// site -> search -> index; site -> jobs (asynchronous) -> worker; site -> payments -> db
const topology: Topology = {
  services: [
    { name: 'site', kind: 'edge', calls: ['search', 'jobs', 'payments'] },
    { name: 'search', kind: 'service', calls: ['index'] },
    { name: 'index', kind: 'db', calls: [] },
    { name: 'jobs', kind: 'service', calls: ['worker'] },
    { name: 'worker', kind: 'service', calls: [] },
    { name: 'payments', kind: 'service', calls: ['db'] },
    { name: 'db', kind: 'db', calls: [] },
  ],
};
const observed = topology.services.map((s) => s.name);
/** The ranking when people report that `site` is what they see. */
const rankWithSymptom = (anomalies: Parameters<typeof rankServices>[0]['anomalies']) =>
  rankServices({ anomalies, templates: [], changes: [], topology, observed, symptoms: ['site'], stepMs: STEP });

describe('rankServices with the reported symptom', () => {
  it('puts a louder service that no anomalous call path joins to the symptom below one that does', () => {
    const anomalies = [latency('site', 8, T), latency('search', 60, T), latency('worker', 300, T)];
    const without = rankServices({ anomalies, templates: [], changes: [], topology, observed });
    expect(without.suspects[0]?.service).toBe('worker');
    const { suspects } = rankWithSymptom(anomalies);
    expect(suspects[0]?.service).toBe('search');
    expect(suspects.find((s) => s.service === 'worker')?.against.join(' ')).toContain(
      'no anomalous call path joins it to the reported symptom (site)',
    );
  });

  it('demotes a service whose strongest move began well before the symptom moved, and lets it explain nothing', () => {
    // jobs moved 10 minutes before site and is on its path; search moved with site.
    const anomalies = [
      latency('site', 8, T),
      latency('jobs', 40, T),
      latency('worker', 300, T - 2 * STEP),
      latency('search', 60, T),
    ];
    const { suspects } = rankWithSymptom(anomalies);
    expect(suspects[0]?.service).not.toBe('worker');
    expect(suspects.find((s) => s.service === 'worker')?.against.join(' ')).toMatch(
      /strongest move began at 03:10:00 UTC, well before the reported symptom moved \(03:20:00 UTC\)/,
    );
    expect(suspects.find((s) => s.service === 'jobs')?.against.join(' ') ?? '').not.toContain(
      'downstream of anomalous worker',
    );
  });

  it('does not let a callee that added 45 ms explain a caller that added 210 ms', () => {
    const anomalies = [
      latency('site', 8, T, 0.1, 0.3),
      latency('payments', 21, T, 0.2, 0.41),
      latency('db', 30, T, 0.014, 0.059),
    ];
    const { suspects } = rankWithSymptom(anomalies);
    expect(suspects[0]?.service).toBe('payments');
    expect(suspects.find((s) => s.service === 'payments')?.against.join(' ') ?? '').not.toContain(
      'downstream of anomalous db',
    );
    // With a callee that added as much, the caller is its symptom as before.
    const slowDb = [
      latency('site', 8, T, 0.1, 0.3),
      latency('payments', 21, T, 0.2, 0.41),
      latency('db', 30, T, 0.014, 0.214),
    ];
    expect(
      rankServices({
        anomalies: slowDb,
        templates: [],
        changes: [],
        topology,
        observed,
        symptoms: ['site'],
        stepMs: STEP,
      }).suspects[0]?.service,
    ).toBe('db');
  });

  it('without a named symptom, ranks as before', () => {
    const anomalies = [latency('site', 8, T), latency('search', 60, T), latency('worker', 300, T - 2 * STEP)];
    const { suspects } = rankServices({ anomalies, templates: [], changes: [], topology, observed, stepMs: STEP });
    expect(suspects[0]?.service).toBe('worker');
    expect(suspects.every((s) => s.against.every((a) => !/reported symptom/.test(a)))).toBe(true);
  });
});

// Likeness of incidents: weighted Jaccard per fingerprint group, averaged over the groups either side has.
import {
  emptyFingerprint,
  rankPast,
  similarity,
  weightedJaccard,
  type Fingerprint,
  type PastIncident,
} from '../../../src/domain/memory';

const fp = (over: Partial<Fingerprint>): Fingerprint => ({ ...emptyFingerprint(), ...over });

const past = (id: string, fingerprint: Fingerprint, resolvedAt = '2026-11-01T00:00:00.000Z'): PastIncident => ({
  incidentId: id,
  channelId: id,
  channelName: `inc-${id}`,
  startedAt: resolvedAt,
  resolvedAt,
  fingerprint,
  cause: null,
  fixes: [],
});

describe('weightedJaccard', () => {
  it('is 1 for the same weights, 0 for nothing shared, and the ratio of shared to total weight otherwise', () => {
    expect(weightedJaccard({ a: 1, b: 0.5 }, { a: 1, b: 0.5 })).toBe(1);
    expect(weightedJaccard({ a: 1 }, { b: 1 })).toBe(0);
    expect(weightedJaccard({ a: 1, b: 0.5 }, { a: 0.5 })).toBeCloseTo(0.5 / 1.5);
    expect(weightedJaccard({}, {})).toBe(0);
  });
});

describe('similarity', () => {
  it('leaves out groups neither side has, so two alert-less incidents are not penalised for it', () => {
    const a = fp({ services: { payments: 1 }, templates: { T1: 1 } });
    expect(similarity(a, a)).toBe(1);
    expect(similarity(a, fp({ services: { payments: 1 }, templates: { T2: 1 } }))).toBeCloseTo(0.5);
  });

  it('counts a group only one side has as a miss', () => {
    const a = fp({ services: { payments: 1 }, alert: { higherrorrate: 1 } });
    const b = fp({ services: { payments: 1 } });
    expect(similarity(a, b)).toBeCloseTo(0.35 / 0.5);
  });
});

describe('rankPast', () => {
  const current = fp({
    services: { payments: 1, postgres: 0.3 },
    templates: { T1: 1 },
    changes: { 'deploy@payments': 1 },
  });

  it('names the alike incidents, most alike first, newest first on a tie, leaving out the incident itself and the unlike', () => {
    const same = past('same', current, '2026-11-01T00:00:00.000Z');
    const sameNewer = past('newer', current, '2026-11-20T00:00:00.000Z');
    const near = past(
      'near',
      fp({ services: { payments: 1 }, templates: { T1: 1 }, changes: { 'deploy@payments': 1 } }),
    );
    const other = past('other', fp({ services: { search: 1 }, templates: { T9: 1 } }));
    const ranked = rankPast(current, [same, other, near, sameNewer, past('self', current)], {
      threshold: 0.5,
      limit: 3,
      excludeIncidentId: 'self',
    });
    expect(ranked.map((m) => m.past.incidentId)).toEqual(['newer', 'same', 'near']);
    expect(ranked[0]?.similarity).toBe(1);
    expect(ranked[2]?.similarity).toBeLessThan(1);
  });

  it('finds nothing for an investigation that saw nothing', () => {
    expect(rankPast(emptyFingerprint(), [past('x', emptyFingerprint())], { threshold: 0, limit: 3 })).toEqual([]);
  });
});

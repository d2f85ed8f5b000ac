import { incidentClock, investigationWindow, sinceOnSourceClock } from '../../../src/investigation/window';
import { NOW, ONSET, T0, tinySource } from './source';

const WALL = Date.parse('2030-01-01T00:00:00Z');

describe('the investigation window', () => {
  it('with a source clock, replays the recorded incident whatever the wall clock says', async () => {
    const source = tinySource();
    const c = await incidentClock({
      incident: { startedAt: new Date(WALL).toISOString() },
      source,
      wallNow: WALL,
      baselineMinutes: 60,
    });
    // now = the source clock; start = incident.yaml started_at (5 min before its clock in the tiny source).
    expect(c).toEqual({ now: NOW, start: NOW - 5 * 60_000, fromSince: false });
  });

  it('estimates the onset from the metrics when nobody gave since, and reads an hour of baseline before it', async () => {
    const w = await investigationWindow({
      incident: { startedAt: new Date(WALL).toISOString() },
      source: tinySource(),
      wallNow: WALL,
      baselineMinutes: 60,
    });
    expect(Math.abs(w.onset - ONSET)).toBeLessThanOrEqual(60_000);
    expect(w.from).toBe(w.onset - 60 * 60_000);
    expect(w.to).toBe(NOW);
  });

  it('takes since= as a hint, not a wall: the signals date the onset when they moved', async () => {
    const since = T0 + 50 * 60_000;
    const w = await investigationWindow({
      incident: { startedAt: new Date(WALL).toISOString() },
      since,
      source: tinySource(),
      wallNow: WALL,
      baselineMinutes: 30,
    });
    expect(Math.abs(w.onset - ONSET)).toBeLessThanOrEqual(60_000);
    expect(w.onsetLo).toBeLessThanOrEqual(w.onset);
    expect(w.onsetHi).toBeGreaterThanOrEqual(w.onset);
    expect(w.to).toBe(NOW);
  });

  it('takes since= as the onset when no signal moved', async () => {
    const source = { ...tinySource(), metrics: async () => [], logs: async function* () {}, changes: async () => [] };
    const since = NOW - 20 * 60_000;
    const w = await investigationWindow({
      incident: { startedAt: new Date(WALL).toISOString() },
      since,
      source,
      wallNow: WALL,
      baselineMinutes: 30,
    });
    expect(w.onset).toBe(since);
    expect(w.from).toBe(since - 30 * 60_000);
  });

  it('without a source clock, uses the channel creation time and the wall clock', async () => {
    const source = { ...tinySource(), clock: async () => null, metrics: async () => [] };
    const created = WALL - 10 * 60_000;
    const w = await investigationWindow({
      incident: { startedAt: new Date(created).toISOString() },
      source,
      wallNow: WALL,
      baselineMinutes: 60,
    });
    expect(w).toMatchObject({ from: created - 3_600_000, onset: created, to: WALL });
  });
});

describe('since= on a replayed recording', () => {
  it('keeps the distance before the source clock when the given time is after the recording ends', async () => {
    // "since=15m" on the wall clock is 15 minutes before the recording's own now.
    expect(await sinceOnSourceClock(WALL - 15 * 60_000, tinySource(), WALL)).toBe(NOW - 15 * 60_000);
  });

  it('keeps a time inside the recording as given', async () => {
    expect(await sinceOnSourceClock(NOW - 7 * 60_000, tinySource(), WALL)).toBe(NOW - 7 * 60_000);
  });
});

import { formatClock, formatEffect, formatMinute } from '../../../../src/evidence/analyzers/format';

describe('formatEffect', () => {
  it('says a move in plain words with the factor a person compares', () => {
    expect(formatEffect(0.0475, 0.749, 's')).toBe('from 47.5ms to 749ms (16×)');
    expect(formatEffect(0.2, 0.5, 's')).toBe('from 200ms to 500ms (2.5×)');
    expect(formatEffect(100, 120, 'req/s')).toBe('from 100 req/s to 120 req/s (up 20%)');
    expect(formatEffect(100, 25, 'req/s')).toBe('from 100 req/s to 25 req/s (down 75%)');
    expect(formatEffect(0, 3, '/s')).toBe('from 0/s to 3/s (none before)');
    expect(formatEffect(5, 5)).toBe('from 5 to 5');
  });
});

describe('clock times', () => {
  it('labels the incident clock as UTC, to the second or to the minute', () => {
    const t = Date.parse('2026-11-27T03:02:15Z');
    expect(formatClock(t)).toBe('03:02:15 UTC');
    expect(formatMinute(t)).toBe('03:02 UTC');
    expect(formatClock(Number.NaN)).toBe('n/a');
  });
});

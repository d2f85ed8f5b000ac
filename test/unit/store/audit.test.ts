import { parseAuditRecord } from '../../../src/store/audit';

describe('parseAuditRecord', () => {
  it('reads back a stored record with its optional fields', () => {
    const record = {
      at: '2026-03-01T10:00:00.000Z',
      kind: 'decision',
      incidentId: 'C1',
      investigationId: 'I1',
      actor: 'U1',
      actorName: 'ana',
      detail: { proposal: 'P1' },
    };
    expect(parseAuditRecord(JSON.stringify(record))).toEqual(record);
  });

  it('leaves optional fields out when they were not stored', () => {
    const parsed = parseAuditRecord(
      JSON.stringify({ at: 't', kind: 'tool_call', incidentId: 'C1', actor: 'logs', detail: {} }),
    );
    expect(parsed).toEqual({ at: 't', kind: 'tool_call', incidentId: 'C1', actor: 'logs', detail: {} });
    expect(parsed && 'investigationId' in parsed).toBe(false);
  });

  it.each([
    ['not JSON', '{oops'],
    ['an unknown kind', JSON.stringify({ at: 't', kind: 'hacked', incidentId: 'C1', actor: 'x', detail: {} })],
    ['a missing actor', JSON.stringify({ at: 't', kind: 'finding', incidentId: 'C1', detail: {} })],
    [
      'a detail that is not an object',
      JSON.stringify({ at: 't', kind: 'finding', incidentId: 'C1', actor: 'x', detail: 'str' }),
    ],
  ])('returns null for %s', (_what, text) => {
    expect(parseAuditRecord(text)).toBeNull();
  });
});

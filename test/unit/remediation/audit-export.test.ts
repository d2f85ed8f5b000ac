// The audit summary a person reads under /triage audit: every execution with its outcome, including
// one whose process stopped mid-run (outcome unknown), never "No action was executed" for it.
import type { AuditRecord } from '../../../src/domain/types';
import { auditSummary } from '../../../src/remediation/audit-export';

const rec = (
  kind: AuditRecord['kind'],
  detail: Record<string, unknown>,
  at = '2026-11-27T03:14:00.000Z',
): AuditRecord => ({ at, kind, incidentId: 'C1', actor: 'system', detail });

describe('auditSummary', () => {
  it('lists a finished run with its outcome and duration', () => {
    const text = auditSummary([
      rec('execution', { proposalId: 'P-1', phase: 'start', actionId: 'rollback-deploy' }),
      rec(
        'execution',
        { proposalId: 'P-1', phase: 'run', actionId: 'rollback-deploy', ok: true, durationMs: 1200 },
        '2026-11-27T03:14:02.000Z',
      ),
    ]);
    expect(text).toContain('• P-1 rollback-deploy succeeded in 1.2s at 2026-11-27T03:14:02.000Z');
    expect(text).not.toContain('No action was executed');
  });

  it('lists a run whose process stopped as interrupted with an unknown outcome', () => {
    const text = auditSummary([
      rec('decision', { proposalId: 'P-2', decision: 'approved' }),
      rec('execution', { proposalId: 'P-2', phase: 'start', actionId: 'scale' }),
      rec('decision', { proposalId: 'P-2', actionId: 'scale', decision: 'interrupted' }),
    ]);
    expect(text).toContain(
      '• P-2 scale interrupted: it may or may not have taken effect (started at 2026-11-27T03:14:00.000Z)',
    );
    expect(text).not.toContain('No action was executed');
  });

  it('says a started run with no result yet is still going, and says so when nothing ran at all', () => {
    expect(auditSummary([rec('execution', { proposalId: 'P-3', phase: 'start', actionId: 'scale' })])).toContain(
      '• P-3 scale started, no result yet',
    );
    expect(auditSummary([rec('decision', { proposalId: 'P-4', decision: 'rejected' })])).toContain(
      'No action was executed.',
    );
  });
});

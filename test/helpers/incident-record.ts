// A small, realistic incident record in a Store: one round with findings and a synthesis, a proposal that
// was approved and succeeded, and the audit trail the services write. For the timeline, postmortem,
// resolve and CLI tests.
import type { Fingerprint } from '../../src/domain/memory';
import type { AuditRecord, Finding, Incident, Investigation, Proposal, Synthesis } from '../../src/domain/types';
import type { Store } from '../../src/store/port';

export const FINGERPRINT: Fingerprint = {
  services: { payments: 1, postgres: 0.3 },
  templates: { T1a2b3c4d: 1, T5e6f7a8b: 0.5 },
  changes: { 'deploy@payments': 0.97 },
  alert: {},
};

/** Writes the record of incident `channelId` (#`channelName`) to the store; `secret` lands in a finding's excerpt. */
export async function seedIncident(
  store: Store,
  opts: { channelId?: string; channelName?: string; secret?: string } = {},
): Promise<Incident> {
  const channelId = opts.channelId ?? 'C0INC';
  const channelName = opts.channelName ?? 'inc-payments';
  const invId = `inv-${channelId}-1`;
  const incident: Incident = {
    id: channelId,
    channelId,
    channelName,
    startedAt: '2026-11-27T03:00:00.000Z',
    openedBy: 'U0LEAD',
    investigations: [invId],
    createdAt: '2026-11-27T03:00:05.000Z',
    openedAt: '2026-11-27T03:00:06.000Z',
  };
  const inv: Investigation = {
    id: invId,
    incidentId: channelId,
    channelId,
    round: 1,
    state: 'synthesized',
    trigger: 'slash:U0LEAD',
    window: { from: '2026-11-27T02:00:00.000Z', onset: '2026-11-27T03:02:00.000Z', to: '2026-11-27T03:08:00.000Z' },
    brain: 'deterministic',
    scouts: [],
    threadTs: '1764212406.000100',
    createdAt: '2026-11-27T03:00:06.000Z',
    updatedAt: '2026-11-27T03:01:00.000Z',
  };
  const finding: Finding = {
    investigationId: invId,
    scout: 'metrics',
    summary: 'Strongest anomalies in payments.',
    confidence: 0.6,
    brain: 'deterministic',
    claims: [
      { text: 'payments: p99 latency up from 03:02Z', evidence: ['E1'], service: 'payments', status: 'verified' },
      { text: 'postgres connections climbed', evidence: ['E2'], service: 'postgres', status: 'unverified' },
    ],
    evidence: [
      {
        id: 'E1',
        scout: 'metrics',
        tool: 'metrics_anomalies',
        source: 'prometheus',
        service: 'payments',
        timeRange: { from: '2026-11-27T02:00:00.000Z', to: '2026-11-27T03:08:00.000Z' },
        excerpt: `payments p99 latency 213ms → 2.5s${opts.secret ? ` token=${opts.secret}` : ''}`,
      },
      {
        id: 'E2',
        scout: 'metrics',
        tool: 'metrics_anomalies',
        source: 'prometheus',
        service: 'postgres',
        excerpt: 'pg stat activity 24 → 65',
      },
    ],
  };
  const synthesis: Synthesis = {
    investigationId: invId,
    summary: 'payments is the likely cause.',
    partial: false,
    redHerrings: [{ what: 'inventory cache misses', why: 'steady before the onset', evidence: [] }],
    hypotheses: [
      {
        rank: 1,
        service: 'payments',
        cause: 'deploy payments v4.2.0 29s before onset; p99 latency 213ms → 2.5s',
        confidence: 0.9,
        evidence: ['E1'],
        against: [],
        change: 'chg-1044',
      },
      {
        rank: 2,
        service: 'postgres',
        cause: 'connections climbed',
        confidence: 0.1,
        evidence: ['E2'],
        against: ['!only after payments moved'],
      },
    ],
    fingerprint: FINGERPRINT,
  };
  const proposal: Proposal = {
    id: 'P-1',
    incidentId: channelId,
    channelId,
    investigationId: invId,
    actionId: 'rollback-deploy',
    params: { service: 'payments', namespace: 'production' },
    untrustedParams: ['service'],
    rendered: { kind: 'command', argv: ['kubectl', 'rollout', 'undo', 'deployment/payments', '-n', 'production'] },
    evidence: ['E1'],
    reason: 'Hypothesis #1 (90%): payments',
    requestedBy: 'lead',
    risk: 'medium',
    requiredApprovals: 1,
    approvals: [{ userId: 'U0LEAD', name: 'Dana Lee', at: '2026-11-27T03:05:00.000Z' }],
    status: 'succeeded',
    hash: 'h',
    createdAt: '2026-11-27T03:01:00.000Z',
    expiresAt: '2026-11-27T03:31:00.000Z',
    result: { ok: true, exitCode: 0, output: 'deployment.apps/payments rolled back', durationMs: 1200 },
  };
  await store.put('incident', channelId, incident);
  await store.put('investigation', invId, inv);
  await store.put('finding', `${invId}:metrics`, finding);
  await store.put('synthesis', invId, synthesis);
  await store.put('proposal', `${channelId}:P-1`, proposal);
  const audit: Array<Omit<AuditRecord, 'incidentId'>> = [
    {
      at: '2026-11-27T03:00:06.000Z',
      kind: 'investigation',
      investigationId: invId,
      actor: 'U0LEAD',
      detail: { action: 'start', trigger: 'slash:U0LEAD', round: 1, focus: null },
    },
    {
      at: '2026-11-27T03:00:20.000Z',
      kind: 'tool_call',
      investigationId: invId,
      actor: 'metrics',
      detail: { tool: 'metrics_anomalies' },
    },
    {
      at: '2026-11-27T03:00:30.000Z',
      kind: 'finding',
      investigationId: invId,
      actor: 'metrics',
      detail: {
        claims: [
          { status: 'verified', evidence: ['E1'] },
          { status: 'unverified', evidence: ['E2'] },
        ],
      },
    },
    {
      at: '2026-11-27T03:00:40.000Z',
      kind: 'synthesis',
      investigationId: invId,
      actor: 'lead',
      detail: { partial: false },
    },
    {
      at: '2026-11-27T03:01:00.000Z',
      kind: 'proposal',
      investigationId: invId,
      actor: 'lead',
      detail: { proposalId: 'P-1', actionId: 'rollback-deploy', params: proposal.params, reason: proposal.reason },
    },
    {
      at: '2026-11-27T03:04:00.000Z',
      kind: 'refusal',
      actor: 'U0GUEST',
      actorName: 'Robin Guest',
      detail: { what: 'approve', proposalId: 'P-1', reason: 'You are not an approver of rollback-deploy.' },
    },
    {
      at: '2026-11-27T03:05:00.000Z',
      kind: 'decision',
      investigationId: invId,
      actor: 'U0LEAD',
      actorName: 'Dana Lee',
      detail: { proposalId: 'P-1', decision: 'approved', approvals: 1, required: 1 },
    },
    {
      at: '2026-11-27T03:05:01.000Z',
      kind: 'execution',
      investigationId: invId,
      actor: 'system',
      detail: { proposalId: 'P-1', phase: 'start', actionId: 'rollback-deploy' },
    },
    {
      at: '2026-11-27T03:05:02.000Z',
      kind: 'execution',
      investigationId: invId,
      actor: 'system',
      detail: { proposalId: 'P-1', phase: 'run', actionId: 'rollback-deploy', ok: true, exitCode: 0, durationMs: 1200 },
    },
    {
      at: '2026-11-27T03:07:02.000Z',
      kind: 'execution',
      investigationId: invId,
      actor: 'system',
      detail: {
        proposalId: 'P-1',
        phase: 'verify',
        actionId: 'rollback-deploy',
        verdict: 'recovered',
        summary: 'p99 latency 2.5s → 220ms',
      },
    },
  ];
  for (const r of audit) await store.appendAudit({ ...r, incidentId: channelId });
  return incident;
}

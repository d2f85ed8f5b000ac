import type { ScoutManifest } from '../../../src/config';
import type { Synthesis } from '../../../src/domain/types';
import { pickScout } from '../../../src/investigation/followup';

const budget = { max_tool_calls: 8, max_turns: 6, max_seconds: 90, max_output_tokens: 4000 };
const scope = { services: ['*'], sources: ['*'] };
const scouts: ScoutManifest[] = [
  {
    name: 'logs',
    purpose: 'Finds new log templates.',
    tools: ['logs_patterns', 'logs_search', 'topology'],
    scope,
    budget,
  },
  {
    name: 'metrics',
    purpose: 'Finds metric anomalies.',
    tools: ['metrics_anomalies', 'metrics_series', 'topology'],
    scope,
    budget,
  },
  {
    name: 'changes',
    purpose: 'Scores the changes.',
    tools: ['changes_list', 'metrics_anomalies', 'topology'],
    scope,
    budget,
  },
];
const synthesis = (change: string | null): Synthesis => ({
  investigationId: 'i',
  summary: '',
  partial: false,
  redHerrings: [],
  hypotheses: [{ rank: 1, service: 'payments', cause: 'x', confidence: 0.7, evidence: [], against: [], change }],
});

describe('pickScout', () => {
  it.each([
    ['which exceptions does payments throw?', 'logs'],
    ['show me the errors in checkout', 'logs'],
    ['is the p99 latency still climbing?', 'metrics'],
    ['what about cpu on postgres', 'metrics'],
    ['was there a deploy before this?', 'changes'],
    ['which release changed the fraud check', 'changes'],
  ])('routes "%s" to the %s scout', (q, want) => {
    expect(pickScout({ scouts }, q, null)?.name).toBe(want);
  });

  it('routes questions about traces or external dependencies to the scout granted traces_analysis, not stack traces', () => {
    const traced = scouts.map((s) =>
      s.name === 'metrics' ? { ...s, tools: [...s.tools, 'traces_analysis' as const] } : s,
    );
    expect(pickScout({ scouts: traced }, 'what do the traces say about checkout errors?', null)?.name).toBe('metrics');
    expect(pickScout({ scouts: traced }, 'is the card processor (external) failing?', null)?.name).toBe('metrics');
    expect(pickScout({ scouts: traced }, 'show me the stack traces in payments', null)?.name).toBe('logs');
    // Without a scout granted the tool, the other rules decide.
    expect(pickScout({ scouts }, 'what do the traces say about checkout errors?', null)?.name).toBe('logs');
  });

  it("falls back to the lead's top suspect: its change to the changes scout, else metrics", () => {
    expect(pickScout({ scouts }, 'why payments?', synthesis('chg-1'))?.name).toBe('changes');
    expect(pickScout({ scouts }, 'why payments?', synthesis(null))?.name).toBe('metrics');
    expect(pickScout({ scouts }, 'anything else?', null)?.name).toBe('logs');
  });
});

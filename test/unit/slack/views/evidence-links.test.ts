// A finding and the synthesis show where to see each piece of evidence: a URL as a Slack link, a
// command as code to copy, within Slack's limits however long the links are.
import type { KnownBlock } from '@slack/types';
import type { Finding, Investigation, Synthesis } from '../../../../src/domain/types';
import { linkText, renderFinding, renderSynthesis } from '../../../../src/slack/views/investigation';

const GRAFANA = 'https://grafana.example/explore?orgId=1&panes=%7B%22a%22%7D';

const inv: Investigation = {
  id: 'inv-C1-1',
  incidentId: 'C1',
  channelId: 'C1',
  round: 1,
  state: 'synthesized',
  trigger: 'channel_created',
  window: { from: '2026-11-27T02:02:00Z', onset: '2026-11-27T03:02:00Z', to: '2026-11-27T03:08:00Z' },
  brain: 'deterministic',
  scouts: [],
  createdAt: '2026-11-27T03:09:00Z',
  updatedAt: '2026-11-27T03:09:00Z',
};

const finding: Finding = {
  investigationId: 'inv-C1-1',
  scout: 'changes',
  summary: 'A deploy lines up with the onset.',
  confidence: 0.8,
  brain: 'deterministic',
  claims: [
    {
      text: 'payments v4.2.0 went out 29s before the onset',
      evidence: ['E9', 'E4'],
      service: 'payments',
      status: 'verified',
    },
    { text: 'payments p99 latency moved at the onset', evidence: ['E5'], service: 'payments', status: 'verified' },
  ],
  evidence: [
    {
      id: 'E9',
      scout: 'changes',
      tool: 'changes_list',
      source: 'github',
      service: 'payments',
      excerpt:
        'gh:acme/payments#311 code payments "Lower the DB pool" by sam; see https://github.com/acme/payments/pull/311',
      link: 'https://github.com/acme/payments/pull/311',
    },
    {
      id: 'E4',
      scout: 'changes',
      tool: 'changes_list',
      source: 'kubernetes',
      service: 'payments',
      excerpt: 'k8s rollout of payments by kubectl-set',
      link: 'kubectl -n prod rollout history deployment/payments --revision=7',
    },
    {
      id: 'E5',
      scout: 'changes',
      tool: 'metrics_anomalies',
      source: 'prometheus',
      service: 'payments',
      excerpt: 'payments p99 latency 213ms → 2.5s',
      link: GRAFANA,
    },
  ],
};

const text = (blocks: KnownBlock[]): string => JSON.stringify(blocks);

function expectWithinSlackLimits(blocks: KnownBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const b of blocks) if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
}

describe('links in findings and the synthesis', () => {
  it('shows a pull request as a link, a kubectl command as code, once each', () => {
    const v = renderFinding(finding);
    const t = text(v.blocks);
    expect(t).toContain(
      '`E9` gh:acme/payments#311 code payments \\"Lower the DB pool\\" by sam <https://github.com/acme/payments/pull/311|open>',
    );
    expect(t.split('https://github.com/acme/payments/pull/311').length - 1).toBe(1);
    expect(t).toContain(
      '`E4` k8s rollout of payments by kubectl-set `kubectl -n prod rollout history deployment/payments --revision=7`',
    );
    expect(t).toContain(`<${GRAFANA}|open>`);
    expectWithinSlackLimits(v.blocks);
  });

  it('puts the link of each cited piece of evidence beside its id in the hypotheses, and stays within limits', () => {
    const long = `${GRAFANA}${'%22x'.repeat(300)}`;
    const synthesis: Synthesis = {
      investigationId: 'inv-C1-1',
      summary: 'payments, after its deploy.',
      partial: false,
      redHerrings: [],
      hypotheses: [
        {
          rank: 1,
          service: 'payments',
          cause: 'x'.repeat(900),
          confidence: 0.8,
          evidence: ['E9', 'E5', 'E6', 'E7', 'E8'],
          against: [],
        } as Synthesis['hypotheses'][number],
      ],
      links: { E9: 'https://github.com/acme/payments/pull/311', E5: long, E6: long, E7: long, E8: long },
    };
    const v = renderSynthesis(inv, synthesis);
    const t = text(v.blocks);
    expect(t).toContain('For: `E9` <https://github.com/acme/payments/pull/311|open> `E5` <');
    // Links that no longer fit leave their ids bare rather than break the message.
    expect(t).toMatch(/`E8`( |\\n|")/);
    expectWithinSlackLimits(v.blocks);
  });

  it('escapes what would break Slack markup in a link or a command', () => {
    expect(linkText('https://x.example/a?q=a|b<c>')).toBe('<https://x.example/a?q=a%7Cb%3Cc%3E|open>');
    expect(linkText('logcli query \'{service="a"} |= "<tag> & `x`"\'')).toBe(
      '`logcli query \'{service="a"} |= "&lt;tag&gt; &amp; \'x\'"\'`',
    );
  });
});

import type { KnownBlock } from '@slack/types';
import { validateBlocks } from '../../../../src/demo/slack-fake';
import type { Proposal } from '../../../../src/domain/types';
import { Catalog } from '../../../../src/remediation/catalog';
import { createProposal } from '../../../../src/remediation/proposals';
import { renderProposalCard, renderProposalOutcome, showRendered } from '../../../../src/slack/views/proposal';
import { catalogFrom, TEST_ACTIONS } from '../../remediation/fixtures';

const catalog = new Catalog(catalogFrom(TEST_ACTIONS));
const NOW = new Date('2026-11-27T03:00:00.000Z');
const make = (
  actionId: string,
  params: Record<string, unknown>,
  over: Partial<Parameters<typeof createProposal>[1]> = {},
): Proposal =>
  createProposal(
    catalog,
    {
      incidentId: 'C1',
      channelId: 'C1',
      actionId,
      params,
      untrusted: [],
      evidence: ['E3'],
      reason: 'deploy d-42 preceded the errors',
      requestedBy: 'U0REQ',
      ...over,
    },
    NOW,
    'P-0a1b2c3d4e',
  );
const names = ['Dana Lee', '<!subteam^S0ONCALL>'];

function allText(blocks: KnownBlock[]): string {
  return JSON.stringify(blocks);
}
function buttons(
  blocks: KnownBlock[],
): Array<{ action_id: string; value: string; style?: string; text: { text: string } }> {
  return blocks.flatMap((b) =>
    b.type === 'actions'
      ? (b.elements as unknown as Array<{ action_id: string; value: string; style?: string; text: { text: string } }>)
      : [],
  );
}

describe('renderProposalCard', () => {
  const p = make('rollback-deploy', { service: 'checkout' }, { untrusted: ['service'] });
  const action = catalog.get('rollback-deploy');
  const card = renderProposalCard(p, action, names);

  it('shows exactly what will run as a code block', () => {
    expect(allText(card.blocks)).toContain('```kubectl rollout undo deployment/checkout -n production```');
  });

  it('shows why (reason and evidence), risk, blast radius, approvers and expiry', () => {
    const text = allText(card.blocks);
    for (const part of [
      'deploy d-42 preceded the errors',
      '`E3`',
      '*Risk:* medium',
      'One deployment in one namespace',
      'Dana Lee',
      '<!subteam^S0ONCALL>',
      '*Expires:* <!date^1795750200^{time}|03:30 UTC>',
    ]) {
      expect(text).toContain(part);
    }
  });

  it('warns on the card when the action still names the demo placeholder approvers', () => {
    const ids = [...action.approval.approvers.users, ...action.approval.approvers.usergroups];
    const warned = allText(renderProposalCard(p, action, names, [ids[0] as string, 'U0NOTINTHISACTION']).blocks);
    expect(warned).toContain('Approvers not set up');
    expect(warned).toContain(`\`${ids[0]}\``);
    expect(warned).not.toContain('U0NOTINTHISACTION');
    expect(allText(card.blocks)).not.toContain('Approvers not set up');
  });

  it('flags parameters that came from untrusted text', () => {
    expect(allText(card.blocks)).toContain('`service`=`checkout` came from untrusted text');
  });

  it('offers Approve (primary) and Reject whose values hold only the proposal id and hash', () => {
    const [approve, reject] = buttons(card.blocks);
    expect(approve).toMatchObject({
      action_id: 'approve_proposal',
      style: 'primary',
      text: { text: 'Approve' },
      value: `P-0a1b2c3d4e:${p.hash}`,
    });
    expect(reject).toMatchObject({
      action_id: 'reject_proposal',
      text: { text: 'Reject' },
      value: `P-0a1b2c3d4e:${p.hash}`,
    });
  });

  it('carries incident_scout_proposal metadata', () => {
    expect(card.metadata).toEqual({
      event_type: 'incident_scout_proposal',
      event_payload: {
        proposal_id: 'P-0a1b2c3d4e',
        action: 'rollback-deploy',
        params: { service: 'checkout', namespace: 'production' },
        risk: 'medium',
        status: 'pending',
      },
    });
  });

  it('passes Slack validation', () => {
    expect(validateBlocks(card.blocks)).toEqual([]);
  });

  it('stays within Slack limits for the largest proposal the schema allows', () => {
    const big = make(
      'annotate',
      { note: 'n'.repeat(80), offset: '12' },
      {
        reason: 'r'.repeat(2000),
        evidence: Array.from({ length: 400 }, (_, i) => `E${i + 1}`),
        untrusted: ['note', 'offset'],
      },
    );
    const out = renderProposalCard(
      { ...big, approvals: [{ userId: 'U1', name: 'x'.repeat(300), at: NOW.toISOString() }] },
      catalog.get('annotate'),
      Array.from({ length: 200 }, (_, i) => `Approver Number ${i}`),
    );
    expect(out.blocks.length).toBeLessThanOrEqual(50);
    expect(validateBlocks(out.blocks)).toEqual([]);
    for (const b of buttons(out.blocks)) {
      expect(b.value.length).toBeLessThanOrEqual(2000);
      expect(b.text.text.length).toBeLessThanOrEqual(75);
    }
  });
});

describe('card states', () => {
  const action = catalog.get('rollback-deploy');
  const base = make('rollback-deploy', { service: 'checkout' });
  const dana = { userId: 'U0LEAD', name: 'Dana Lee', at: '2026-11-27T03:14:05.000Z' };
  const cases: Array<[string, Partial<Proposal>, string]> = [
    ['partial', { approvals: [dana], requiredApprovals: 2 }, '1 of 2 approvals: Dana Lee'],
    [
      'running',
      { status: 'running', approvals: [dana], decidedBy: dana },
      'Approved by @Dana Lee at <!date^1795749245^{time}|03:14 UTC> — running…',
    ],
    [
      'rejected',
      { status: 'rejected', decidedBy: dana },
      'Rejected by @Dana Lee at <!date^1795749245^{time}|03:14 UTC>',
    ],
    ['expired', { status: 'expired' }, 'Expired at <!date^1795750200^{time}|03:30 UTC>'],
    ['voided', { status: 'voided', statusNote: 'precondition failed: exit 1' }, 'Voided: precondition failed: exit 1'],
    [
      'succeeded',
      { status: 'succeeded', approvals: [dana], result: { ok: true, exitCode: 0, output: 'ok', durationMs: 1200 } },
      'Succeeded in 1.2s',
    ],
    [
      'failed',
      { status: 'failed', approvals: [dana], result: { ok: false, exitCode: 1, output: 'no', durationMs: 300 } },
      'Failed (exit 1)',
    ],
  ];

  it.each(cases)('shows the %s state and keeps buttons only while pending', (_name, over, expected) => {
    const p = { ...base, ...over };
    const card = renderProposalCard(p, action, names);
    expect(card.text).toContain(expected);
    expect(buttons(card.blocks)).toHaveLength(p.status === 'pending' ? 2 : 0);
    expect(card.metadata.event_payload.status).toBe(p.status);
  });

  it('posts the outcome with exit code, duration and trimmed output', () => {
    const out = renderProposalOutcome(
      {
        ...base,
        status: 'failed',
        approvals: [dana],
        result: { ok: false, exitCode: 1, output: 'Error from server (NotFound)', durationMs: 300 },
      },
      action,
    );
    const text = allText(out.blocks);
    expect(text).toContain('exit code 1 · 0.3s');
    expect(text).toContain('```Error from server (NotFound)```');
    expect(validateBlocks(out.blocks)).toEqual([]);
  });

  it.each([
    ['600 × <html>', '<html>'.repeat(600)],
    [
      'kubectl output full of <none>',
      Array.from({ length: 300 }, (_, i) => `pod-${i}  1/1  Running  0  <none>  <none>  <none>`).join('\n'),
    ],
  ])(
    'escapes first, then clips %s: one closed code block within the section limit, never a cut entity',
    (_, output) => {
      const out = renderProposalOutcome(
        { ...base, status: 'failed', approvals: [dana], result: { ok: false, exitCode: 1, output, durationMs: 300 } },
        action,
      );
      expect(validateBlocks(out.blocks)).toEqual([]);
      const texts = out.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
      const code = texts.find((t) => t.includes('```')) ?? '';
      expect(code.length).toBeLessThanOrEqual(3000);
      expect(code.split('```').length - 1).toBe(2);
      expect(code).toMatch(/(&lt;|&gt;|[a-z0-9 ])…```/);
      expect(code.replace(/&(amp|lt|gt);/g, '')).not.toMatch(/&/);
    },
  );
});

describe('untrusted markup in the top-level text', () => {
  it('escapes a ping and a disguised link from a void note in the card and the outcome text', () => {
    const action = catalog.get('rollback-deploy');
    const p = {
      ...make('rollback-deploy', { service: 'checkout' }),
      status: 'voided' as const,
      statusNote: 'precondition: <!channel> see <http://evil.example|the runbook>',
    };
    for (const text of [renderProposalCard(p, action, names).text, renderProposalOutcome(p, action).text]) {
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<http://evil');
      expect(text).toContain('&lt;!channel&gt;');
    }
  });
});

describe('showRendered', () => {
  it('quotes an argument with spaces so it reads as one argument', () => {
    expect(showRendered({ kind: 'command', argv: ['annotate', 'rolled back by Dana', "it's"] })).toBe(
      `annotate 'rolled back by Dana' 'it'\\''s'`,
    );
  });

  it('shows METHOD URL, headers with ${SECRET} unresolved, and the JSON body', () => {
    const text = showRendered({
      kind: 'http',
      method: 'PATCH',
      url: 'http://flags/api/x',
      headers: { Authorization: 'Bearer ${FLAGS_TOKEN}' },
      body: { enabled: false },
    });
    expect(text).toBe('PATCH http://flags/api/x\nAuthorization: Bearer ${FLAGS_TOKEN}\n\n{\n  "enabled": false\n}');
  });
});

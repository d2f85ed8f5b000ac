import type { Proposal } from '../../../src/domain/types';
import { mayDecide, repeatOf, type Decider, type Membership, type PolicyCode } from '../../../src/remediation/policy';
import { catalogFrom, TEST_ACTIONS } from './fixtures';

const actions = catalogFrom(TEST_ACTIONS);
const action = (id: string) => {
  const a = actions.find((x) => x.id === id);
  if (!a) throw new Error(id);
  return a;
};
const proposal = (over: Partial<Proposal> = {}): Proposal => ({
  id: 'P-0000000001',
  incidentId: 'C1',
  channelId: 'C1',
  actionId: 'rollback-deploy',
  params: { service: 'checkout', namespace: 'production' },
  untrustedParams: [],
  rendered: { kind: 'command', argv: ['kubectl'] },
  evidence: [],
  reason: 'r',
  requestedBy: 'U0REQ',
  risk: 'medium',
  requiredApprovals: 1,
  approvals: [],
  status: 'pending',
  hash: 'h',
  createdAt: '2026-11-27T03:00:00Z',
  expiresAt: '2026-11-27T04:00:00Z',
  ...over,
});
const ONCALL: Membership = { S0ONCALL: ['U0ONCALL'] };

describe('mayDecide', () => {
  // [case, action, verb, user, isBot, membership, requestedBy, expected code or 'allowed']
  const table: Array<
    [string, string, Decider['verb'], string, boolean | null, Membership, string, PolicyCode | 'allowed']
  > = [
    ['a named approver approves', 'rollback-deploy', 'approve', 'U0LEAD', false, {}, 'U0REQ', 'allowed'],
    ['a usergroup member approves', 'rollback-deploy', 'approve', 'U0ONCALL', false, ONCALL, 'U0REQ', 'allowed'],
    [
      'someone outside the approvers approves',
      'rollback-deploy',
      'approve',
      'U0OTHER',
      false,
      ONCALL,
      'U0REQ',
      'not_approver',
    ],
    [
      'a bot in the approvers group approves',
      'rollback-deploy',
      'approve',
      'B0BOT',
      true,
      { S0ONCALL: ['B0BOT'] },
      'U0REQ',
      'bot',
    ],
    [
      'Slack cannot say whether the clicker is a bot',
      'rollback-deploy',
      'approve',
      'U0LEAD',
      null,
      {},
      'U0REQ',
      'unconfirmed',
    ],
    [
      'the group could not be listed',
      'rollback-deploy',
      'approve',
      'U0ONCALL',
      false,
      { S0ONCALL: null },
      'U0REQ',
      'unchecked_group',
    ],
    [
      'the requester approves their own change',
      'rollback-deploy',
      'approve',
      'U0LEAD',
      false,
      {},
      'U0LEAD',
      'own_request',
    ],
    ['the requester approves where the action allows it', 'scale', 'approve', 'U0LEAD', false, {}, 'U0LEAD', 'allowed'],
    ['the requester rejects', 'rollback-deploy', 'reject', 'U0REQ', false, {}, 'U0REQ', 'allowed'],
    ['an approver rejects', 'rollback-deploy', 'reject', 'U0ONCALL', false, ONCALL, 'U0REQ', 'allowed'],
    [
      'an outsider rejects',
      'rollback-deploy',
      'reject',
      'U0OTHER',
      false,
      ONCALL,
      'U0REQ',
      'not_approver_or_requester',
    ],
    [
      'an outsider rejects while the group could not be listed',
      'rollback-deploy',
      'reject',
      'U0OTHER',
      false,
      { S0ONCALL: null },
      'U0REQ',
      'unchecked_group',
    ],
    ['a bot rejects', 'rollback-deploy', 'reject', 'B0BOT', true, {}, 'B0BOT', 'bot'],
  ];
  it.each(table)('%s', (_name, actionId, verb, userId, isBot, membership, requestedBy, expected) => {
    const verdict = mayDecide(
      action(actionId),
      proposal({ actionId, requestedBy }),
      { userId, verb, isBot },
      membership,
      ['Dana Lee'],
    );
    expect(verdict.allowed ? 'allowed' : verdict.code).toBe(expected);
  });

  it('names the approvers when it refuses someone who is not one', () => {
    const v = mayDecide(
      action('rollback-deploy'),
      proposal(),
      { userId: 'U0OTHER', verb: 'approve', isBot: false },
      ONCALL,
      ['Dana Lee', '<!subteam^S0ONCALL>'],
    );
    expect(v).toEqual({
      allowed: false,
      code: 'not_approver',
      reason: 'You are not an approver of rollback-deploy. It needs: Dana Lee, <!subteam^S0ONCALL>.',
    });
  });
});

describe('repeatOf', () => {
  const draft = { actionId: 'rollback-deploy', params: { namespace: 'production', service: 'checkout' } };
  it.each([
    ['nothing before', [], 'new', []],
    ['a pending card for the same change', [proposal({ id: 'P-a' })], 'new', ['P-a']],
    [
      'a pending card for another service',
      [proposal({ id: 'P-a', params: { service: 'auth', namespace: 'production' } })],
      'new',
      [],
    ],
    ['a pending card for another action', [proposal({ id: 'P-a', actionId: 'scale' })], 'new', []],
    [
      'the same change already succeeded',
      [proposal({ id: 'P-a', status: 'succeeded' }), proposal({ id: 'P-b' })],
      'already_applied',
      [],
    ],
    ['the same change is running', [proposal({ id: 'P-a', status: 'running' })], 'in_flight', []],
    ['the same change failed before', [proposal({ id: 'P-a', status: 'failed' })], 'new', []],
    ['the same change was rejected before', [proposal({ id: 'P-a', status: 'rejected' })], 'new', []],
  ] as Array<[string, Proposal[], string, string[]]>)('%s', (_name, others, kind, superseded) => {
    const r = repeatOf(draft, others);
    expect(r.kind).toBe(kind);
    expect(r.kind === 'new' ? r.supersedes.map((p) => p.id) : []).toEqual(superseded);
  });
});

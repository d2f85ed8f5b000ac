// A change's author and where to see it (a PR or diff URL, a kubectl command) reach the evidence a scout cites.
import type { ScoutManifest } from '../../../src/config';
import type { Change, EvidenceSource } from '../../../src/evidence/types';
import { EvidenceContext } from '../../../src/investigation/context';
import { ToolGate } from '../../../src/investigation/gate';
import { MemoryStore } from '../../../src/store/memory';
import { NOW, ONSET, T0, tinySource } from './source';

const manifest: ScoutManifest = {
  name: 'changes',
  purpose: 'Lines changes up with the onset.',
  tools: ['changes_list'],
  scope: { services: ['*'], sources: ['*'] },
  budget: { max_tool_calls: 8, max_turns: 6, max_seconds: 90, max_output_tokens: 4000 },
};

it('shows who made each change and the link or command to see it', async () => {
  const base = tinySource();
  const changes: Change[] = [
    {
      id: 'gh:acme/payments/deployment/9',
      time: ONSET - 60_000,
      service: 'payments',
      kind: 'deploy',
      summary: 'acme/payments deployed v4.2.0',
      author: 'dana',
      url: 'https://github.com/acme/payments/compare/aaa...bbb',
    },
    {
      id: 'k8s:prod/deployment/payments@7',
      time: ONSET - 120_000,
      service: 'payments',
      kind: 'deploy',
      summary: 'deployment/payments revision 7',
      author: 'kubectl-set',
      link: 'kubectl -n prod rollout history deployment/payments --revision=7',
    },
    { id: 'chg-9', time: ONSET - 180_000, service: 'payments', kind: 'flag', summary: 'flag on' },
  ];
  const source: EvidenceSource = {
    ...base,
    name: base.name,
    changes: async () => changes,
    capabilities: () => base.capabilities(),
    logs: (q) => base.logs(q),
    metrics: (q) => base.metrics(q),
  };
  const gate = new ToolGate(manifest, {
    store: new MemoryStore(),
    incidentId: 'C1',
    investigationId: 'inv-C1-1',
    ctx: new EvidenceContext(source, { from: T0, onset: ONSET, to: NOW }),
    clock: { now: () => new Date() },
  });
  const r = await gate.call('changes_list', {});
  const excerpt = (id: string) => r.evidence.find((e) => e.excerpt.startsWith(id))?.excerpt ?? '';
  expect(excerpt('gh:acme/payments/deployment/9')).toContain('by dana');
  expect(excerpt('gh:acme/payments/deployment/9')).toContain('see https://github.com/acme/payments/compare/aaa...bbb');
  expect(excerpt('k8s:prod/deployment/payments@7')).toContain('by kubectl-set');
  expect(excerpt('k8s:prod/deployment/payments@7')).toContain(
    'see kubectl -n prod rollout history deployment/payments --revision=7',
  );
  expect(excerpt('chg-9')).not.toMatch(/ by |see /);
  // The same link travels on the evidence record, for the finding and the synthesis to show.
  const link = (id: string) => r.evidence.find((e) => e.excerpt.startsWith(id))?.link;
  expect(link('gh:acme/payments/deployment/9')).toBe('https://github.com/acme/payments/compare/aaa...bbb');
  expect(link('k8s:prod/deployment/payments@7')).toBe(
    'kubectl -n prod rollout history deployment/payments --revision=7',
  );
  expect(link('chg-9')).toBeUndefined();
});

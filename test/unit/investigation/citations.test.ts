import type { Evidence } from '../../../src/domain/types';
import type { SeriesAnomaly, TemplateStat } from '../../../src/evidence/types';
import { checkClaims, isCausal, type CitationFacts } from '../../../src/investigation/citations';

const ONSET = Date.parse('2026-11-27T03:00:00Z');

const ev = (id: string, over: Partial<Evidence>): Evidence => ({
  id,
  scout: 'logs',
  tool: 'logs_patterns',
  source: 'files',
  excerpt: '',
  ...over,
});

const issued = new Map<string, Evidence>([
  [
    'E1',
    ev('E1', {
      service: 'payments',
      excerpt: 'payments [new] ERROR "Payment authorization failed for order <*>" baseline 0 → incident 32',
    }),
  ],
  [
    'E2',
    ev('E2', {
      service: 'inventory',
      excerpt: 'inventory [steady] ERROR "failed to refresh token, retrying" baseline 40 → incident 5',
    }),
  ],
  [
    'E3',
    ev('E3', {
      tool: 'changes_list',
      service: 'inventory',
      excerpt: 'chg-3 config inventory',
      timeRange: { from: new Date(ONSET + 300_000).toISOString(), to: new Date(ONSET + 300_000).toISOString() },
    }),
  ],
  [
    'E4',
    ev('E4', {
      tool: 'changes_list',
      service: 'payments',
      excerpt: 'chg-1 deploy payments',
      timeRange: { from: new Date(ONSET - 30_000).toISOString(), to: new Date(ONSET - 30_000).toISOString() },
    }),
  ],
]);

const anomaly = { service: 'payments', metric: 'p99 latency' } as SeriesAnomaly;
const templates = [
  {
    service: 'payments',
    label: 'new',
    template: 'Payment authorization failed for order <*>',
    baselineCount: 0,
    incidentCount: 32,
  },
  {
    service: 'inventory',
    label: 'steady',
    template: 'failed to refresh token, retrying',
    baselineCount: 40,
    incidentCount: 5,
  },
] as TemplateStat[];
const facts: CitationFacts = { onset: ONSET, anomalies: async () => [anomaly], templates: async () => templates };

describe('checkClaims', () => {
  it('verifies a claim that cites ids the gate issued', async () => {
    const [c] = await checkClaims(
      [{ text: 'payments logs a new authorization error', evidence: ['E1'], service: 'payments' }],
      issued,
      facts,
    );
    expect(c).toMatchObject({ status: 'verified' });
    expect(c?.note).toBeUndefined();
  });

  it('marks a claim citing no id as unverified', async () => {
    const [c] = await checkClaims([{ text: 'payments is slow', evidence: [] }], issued, facts);
    expect(c).toMatchObject({ status: 'unverified', note: 'cites no evidence' });
  });

  it('marks a claim citing an id this gate never issued as unverified, naming the id', async () => {
    const [c] = await checkClaims([{ text: 'payments broke', evidence: ['E1', 'E999'] }], issued, facts);
    expect(c?.status).toBe('unverified');
    expect(c?.note).toContain('E999');
    expect(c?.note).not.toContain('E1,');
  });

  it('contradicts a claim that blames a steady error template', async () => {
    const [c] = await checkClaims(
      [{ text: 'The token refresh errors in inventory caused the outage', evidence: ['E2'], service: 'inventory' }],
      issued,
      facts,
    );
    expect(c?.status).toBe('contradicted');
    expect(c?.note).toMatch(/steady: already as frequent before the onset \(40 in the baseline vs 5 during\)/);
  });

  it('accepts a claim that names a steady template as a red herring', async () => {
    const [c] = await checkClaims(
      [
        {
          text: 'inventory token refresh errors are a red herring, not the cause',
          evidence: ['E2'],
          service: 'inventory',
        },
      ],
      issued,
      facts,
    );
    expect(c?.status).toBe('verified');
  });

  it('contradicts a claim naming as cause a service with no anomaly and no new errors', async () => {
    const notif = new Map(issued).set(
      'E5',
      ev('E5', {
        tool: 'changes_list',
        service: 'notifications',
        excerpt: 'chg-2 deploy notifications',
        timeRange: { from: new Date(ONSET - 1_500_000).toISOString(), to: new Date(ONSET - 1_500_000).toISOString() },
      }),
    );
    const [c] = await checkClaims(
      [{ text: 'The notifications deploy is the root cause', evidence: ['E5'], service: 'notifications' }],
      notif,
      facts,
    );
    expect(c).toMatchObject({
      status: 'contradicted',
      note: 'notifications shows no metric anomaly and no new or surging log template in the window',
    });
  });

  it('accepts a causal claim about a service only the traces name as where errors start', async () => {
    const traced = new Map(issued).set(
      'E6',
      ev('E6', {
        tool: 'traces_analysis',
        service: 'card-processor',
        excerpt: 'traces: errors start in external card-processor (20 failing spans)',
      }),
    );
    const claim = {
      text: 'The card processor is the root cause: its calls fail',
      evidence: ['E6'],
      service: 'card-processor',
    };
    const [without] = await checkClaims([claim], traced, facts);
    expect(without?.status).toBe('contradicted');
    const [c] = await checkClaims([claim], traced, { ...facts, traceOrigins: async () => ['card-processor'] });
    expect(c?.status).toBe('verified');
  });

  it('contradicts a claim blaming a change that came after the onset', async () => {
    const [c] = await checkClaims(
      [{ text: 'the inventory config change caused the errors', evidence: ['E3', 'E1'] }],
      issued,
      facts,
    );
    expect(c?.status).toBe('contradicted');
    expect(c?.note).toMatch(/E3\) came 300s after the onset/);
  });

  it('verifies a causal claim the analyzers support', async () => {
    const [c] = await checkClaims(
      [{ text: 'the payments deploy caused the authorization failures', evidence: ['E4', 'E1'], service: 'payments' }],
      issued,
      facts,
    );
    expect(c?.status).toBe('verified');
  });
});

describe('isCausal', () => {
  it.each([
    ['payments deploy is the root cause', true],
    ['errors due to the new fraud check', true],
    ['inventory errors are not the cause', false],
    ['latency rose at 03:02', false],
  ])('%s -> %s', (text, want) => {
    expect(isCausal(text)).toBe(want);
  });
});

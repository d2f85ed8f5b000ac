import type { ScoutManifest } from '../../../src/config';
import type { Finding } from '../../../src/domain/types';
import { checkClaims } from '../../../src/investigation/citations';
import { EvidenceContext } from '../../../src/investigation/context';
import { plansFor, runDeterministicScout } from '../../../src/investigation/deterministic';
import { ToolGate } from '../../../src/investigation/gate';
import { synthesizeDeterministic } from '../../../src/investigation/lead';
import { MemoryStore } from '../../../src/store/memory';
import { NOW, ONSET, T0, tinySource } from './source';

const budget = { max_tool_calls: 8, max_turns: 6, max_seconds: 90, max_output_tokens: 4000 };
const SCOUTS: ScoutManifest[] = [
  {
    name: 'logs',
    purpose: 'Finds new log templates.',
    tools: ['logs_patterns', 'logs_search', 'topology'],
    scope: { services: ['*'], sources: ['*'] },
    budget,
  },
  {
    name: 'metrics',
    purpose: 'Finds metric anomalies.',
    tools: ['metrics_anomalies', 'metrics_series', 'topology'],
    scope: { services: ['*'], sources: ['*'] },
    budget,
  },
  {
    name: 'changes',
    purpose: 'Scores changes.',
    tools: ['changes_list', 'metrics_anomalies', 'topology'],
    scope: { services: ['*'], sources: ['*'] },
    budget,
  },
];

async function runAll(scouts = SCOUTS) {
  const store = new MemoryStore();
  const ctx = new EvidenceContext(tinySource(), { from: T0, onset: ONSET, to: NOW });
  const findings: Finding[] = [];
  for (const m of scouts) {
    const gate = new ToolGate(m, {
      store,
      incidentId: 'C1',
      investigationId: 'inv-1',
      ctx,
      clock: { now: () => new Date() },
    });
    const draft = await runDeterministicScout(gate, ctx);
    const claims = await checkClaims(draft.claims, gate.issued, {
      onset: ONSET,
      anomalies: () => ctx.anomalies(),
      templates: () => ctx.templates(),
    });
    findings.push({
      investigationId: 'inv-1',
      scout: m.name,
      summary: draft.summary,
      claims,
      confidence: draft.confidence,
      brain: 'deterministic',
      evidence: [...gate.issued.values()],
    });
  }
  return { ctx, findings };
}

describe('deterministic scouts', () => {
  it('choose their plan by the tools they were granted', () => {
    expect(plansFor(['logs_patterns', 'logs_search', 'topology']).map((t) => t.name)).toEqual(['logs_patterns']);
    expect(plansFor(['metrics_anomalies', 'metrics_series']).map((t) => t.name)).toEqual(['metrics_anomalies']);
    expect(plansFor(['changes_list', 'metrics_anomalies']).map((t) => t.name)).toEqual(['changes_list']);
    expect(plansFor(['topology']).map((t) => t.name)).toEqual(['topology']);
  });

  it('logs: names the new payments error and calls the steady inventory error a likely red herring', async () => {
    const { findings } = await runAll();
    const logs = findings.find((f) => f.scout === 'logs')!;
    const pay = logs.claims.find((c) => c.service === 'payments')!;
    expect(pay.text).toMatch(/new "Payment authorization failed for order <\*>"/);
    const inv = logs.claims.find((c) => c.service === 'inventory')!;
    expect(inv.text).toMatch(/already frequent before the onset .*likely a red herring/);
    expect(logs.claims.every((c) => c.status === 'verified' && c.evidence.length > 0)).toBe(true);
  });

  it('metrics: reports the anomalous services with their change points', async () => {
    const { findings } = await runAll();
    const metrics = findings.find((f) => f.scout === 'metrics')!;
    expect(metrics.claims.map((c) => c.service)).toEqual(expect.arrayContaining(['payments', 'checkout']));
    expect(metrics.claims.some((c) => c.service === 'inventory')).toBe(false);
    expect(metrics.claims[0]!.text).toMatch(/from \d[\d.]*m?s to \d[\d.]*m?s \(\d+(\.\d)?×\), starting 0[23]:\d\d UTC/);
  });

  it('changes: picks the payments deploy and discounts the unrelated and the late change', async () => {
    const { findings } = await runAll();
    const changes = findings.find((f) => f.scout === 'changes')!;
    expect(changes.claims[0]!.text).toMatch(/^deploy payments "payments v4.2.0" .* is the best-correlated change/);
    const discounted = changes.claims.filter((c) => c.text.startsWith('Discounted'));
    expect(discounted.map((c) => c.service).sort()).toEqual(['inventory', 'notifications']);
    expect(discounted.find((c) => c.service === 'inventory')!.text).toMatch(/after onset/);
  });

  it("every cited id was issued by that scout's own gate", async () => {
    const { findings } = await runAll();
    for (const f of findings) {
      const own = new Set(f.evidence.map((e) => e.id));
      for (const c of f.claims) for (const id of c.evidence) expect(own.has(id)).toBe(true);
    }
  });
});

describe('deterministic lead', () => {
  it('ranks payments first with evidence for it, and names red herrings', async () => {
    const { ctx, findings } = await runAll();
    const s = synthesizeDeterministic('inv-1', await ctx.ranking(), findings, false);
    expect(s.hypotheses[0]).toMatchObject({ rank: 1, service: 'payments', change: 'chg-1' });
    expect(s.hypotheses[0]!.evidence.length).toBeGreaterThan(0);
    const ids = new Set(findings.flatMap((f) => f.evidence.map((e) => e.id)));
    for (const h of s.hypotheses) for (const id of h.evidence) expect(ids.has(id)).toBe(true);
    for (let i = 1; i < s.hypotheses.length; i++)
      expect(s.hypotheses[i - 1]!.confidence).toBeGreaterThanOrEqual(s.hypotheses[i]!.confidence);
    expect(s.redHerrings.map((r) => r.what).join('\n')).toMatch(/inventory/);
    expect(s.summary).toMatch(/^Top suspect: payments \(likely\)/);
    // checkout's latency follows payments (it calls it): named as a red herring, not offered as a cause.
    expect(s.hypotheses.map((h) => h.service)).not.toContain('checkout');
    expect(s.redHerrings.some((r) => /^checkout/.test(r.what) && /downstream symptom/.test(r.why))).toBe(true);
    const steady = s.redHerrings.find((r) => /failed to refresh token/.test(r.what))!;
    const logs = findings.find((f) => f.scout === 'logs')!;
    expect(steady.evidence.map((id) => logs.evidence.find((e) => e.id === id)?.excerpt)).toEqual([
      expect.stringMatching(/inventory \[steady\] .*failed to refresh token/),
    ]);
    expect(s.partial).toBe(false);
  });

  it('shows a suspect no scout reported on as unclear, not likely (a round stopped before its scouts)', async () => {
    const { ctx } = await runAll();
    const s = synthesizeDeterministic('inv-1', await ctx.ranking(), [], true);
    expect(s.hypotheses[0]).toMatchObject({ service: 'payments', evidence: [] });
    expect(s.hypotheses[0]!.confidence).toBeLessThan(0.35);
    expect(s.summary).toMatch(/^Top suspect: payments \(unclear\)/);
    expect(s.partial).toBe(true);
  });
});

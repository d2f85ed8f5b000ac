import type { ScoutManifest } from '../../../src/config';
import { checkClaims } from '../../../src/investigation/citations';
import { EvidenceContext } from '../../../src/investigation/context';
import { plansFor, runDeterministicScout } from '../../../src/investigation/deterministic';
import { ToolGate } from '../../../src/investigation/gate';
import { parseOtlp } from '../../../src/evidence/sources/files/traces';
import type { EvidenceSource, Span } from '../../../src/evidence/types';
import { MemoryStore } from '../../../src/store/memory';
import { chain, ids, otlp, requests, type Hop } from '../evidence/analyzers/otlp-fixture';
import { NOW, ONSET, T0, tinySource } from './source';

const budget = { max_tool_calls: 8, max_turns: 6, max_seconds: 90, max_output_tokens: 4000 };
const metricsScout = (services: string[]): ScoutManifest => ({
  name: 'metrics',
  purpose: 'Finds metric anomalies and trace origins.',
  tools: ['metrics_anomalies', 'traces_analysis'],
  scope: { services, sources: ['*'] },
  budget,
});

/** The tiny scenario plus traces: checkout -> payments -> a card processor outside the traces, failing since the onset. */
function tracedSource(): EvidenceSource {
  const hops = (fail: boolean): Hop[] => [
    { service: 'checkout', selfMs: 5, error: fail },
    { service: 'payments', selfMs: 8, error: fail },
  ];
  return withSpans(
    parseOtlp(
      otlp([
        ...ids('a', 20).flatMap((id, i) => chain(id, T0 + i * 120_000, hops(false))),
        ...ids('b', 15).flatMap((id, i) => chain(id, ONSET + i * 60_000, hops(true))),
      ]),
    ),
  );
}

/** The tiny scenario with these spans. */
function withSpans(spans: Span[]): EvidenceSource {
  const base = tinySource();
  return {
    ...base,
    capabilities: async () => ({
      ...(await base.capabilities()),
      signals: ['logs', 'metrics', 'changes', 'topology', 'traces'],
    }),
    spans: async (q) => spans.filter((s) => s.startMs >= q.from && s.startMs <= q.to),
  };
}

function gateFor(m: ScoutManifest, source: EvidenceSource) {
  const store = new MemoryStore();
  const ctx = new EvidenceContext(source, { from: T0, onset: ONSET, to: NOW });
  return {
    store,
    ctx,
    gate: new ToolGate(m, { store, incidentId: 'C1', investigationId: 'inv-1', ctx, clock: { now: () => new Date() } }),
  };
}

describe('traces_analysis', () => {
  it('tells a scout where errors start and which callers only propagate them', async () => {
    const { gate } = gateFor(metricsScout(['*']), tracedSource());
    const r = await gate.call('traces_analysis', {});
    expect(r.isError).toBe(false);
    expect(r.text).toMatch(
      /errors start in payments \(15 failing spans with no failing child since onset, 0 before.*propagated to checkout/,
    );
    expect(r.text).toMatch(/checkout → payments: errors 0\/20 → 15\/15/);
  });

  it('never shows an out-of-scope service, not even as the far end of an edge', async () => {
    const { gate } = gateFor(metricsScout(['checkout', 'inventory']), tracedSource());
    const r = await gate.call('traces_analysis', {});
    expect(r.isError).toBe(false);
    expect(r.text).not.toMatch(/payments/);
    const named = await gate.call('traces_analysis', { service: 'payments' });
    expect(named).toMatchObject({ isError: true, code: 'scope_denied' });
  });

  it("runs in the metrics scout's plan, with claims that cite the evidence it issued", async () => {
    expect(plansFor(['metrics_anomalies', 'traces_analysis']).map((t) => t.name)).toEqual([
      'metrics_anomalies',
      'traces_analysis',
    ]);
    const { gate, ctx } = gateFor(metricsScout(['*']), tracedSource());
    const draft = await runDeterministicScout(gate, ctx);
    const claims = await checkClaims(draft.claims, gate.issued, {
      onset: ONSET,
      anomalies: () => ctx.anomalies(),
      templates: () => ctx.templates(),
    });
    const traced = claims.find((c) => c.text.startsWith('Traces:'));
    expect(traced).toMatchObject({ service: 'payments', status: 'verified' });
    expect(traced?.text).toMatch(/errors start in payments .*; its failing callers only propagate them \(checkout\)/);
    expect(draft.summary).toMatch(/Traces point at payments/);
  });

  it('says when calls lose their time on the way to a callee, and only to a scout that may see both ends', async () => {
    // Since the onset checkout's calls to payments lose 240 ms between its client span and payments' server span.
    const source = withSpans(
      parseOtlp(
        otlp(
          requests('g', 20, ONSET + 60_000, 'checkout', [
            { callee: 'payments', insideMs: 2.5, lostMs: 240 },
            { callee: 'inventory', insideMs: 5, lostMs: 3 },
            { callee: 'notifications', insideMs: 1, lostMs: 3 },
          ]),
        ),
      ),
    );
    const all = await gateFor(metricsScout(['*']), source).gate.call('traces_analysis', {});
    expect(all.text).toContain(
      'calls to payments take 243ms at checkout but 2.5ms inside payments (median of 20 calls): 240ms is lost on the way to payments',
    );
    expect(all.text).toContain(
      'checkout → payments: errors 0/20, mean 2.5ms; median 243ms at checkout vs 2.5ms inside payments',
    );
    const scoped = await gateFor(metricsScout(['payments', 'inventory']), source).gate.call('traces_analysis', {});
    expect(scoped.isError).toBe(false);
    expect(scoped.text).not.toMatch(/checkout|lost on the way/);
  });

  it('costs no tool call when the source has no traces', async () => {
    const { gate, store, ctx } = gateFor(metricsScout(['*']), tinySource());
    await runDeterministicScout(gate, ctx);
    const tools = (await store.readAudit('C1')).map((a) => (a.detail as { tool?: string }).tool);
    expect(tools).toContain('metrics_anomalies');
    expect(tools).not.toContain('traces_analysis');
  });
});

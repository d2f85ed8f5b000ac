// Every piece of evidence a person could open carries its link through the tool gate: a metric anomaly
// opens Grafana Explore (or the Prometheus graph), a log template its LogQL query, a change its pull
// request; a scout's finding then shows them. Over the example scenario with link settings, as a team
// that loaded it into Prometheus and Loki behind Grafana would configure it.
import { DEFAULT_SCENARIO, type ScoutManifest } from '../../../src/config';
import { openFilesSource } from '../../../src/evidence/sources';
import { EvidenceContext } from '../../../src/investigation/context';
import { ToolGate } from '../../../src/investigation/gate';
import { MemoryStore } from '../../../src/store/memory';

const manifest: ScoutManifest = {
  name: 'all',
  purpose: 'Reads every signal.',
  tools: ['metrics_anomalies', 'logs_patterns', 'logs_search', 'changes_list', 'topology'],
  scope: { services: ['*'], sources: ['*'] },
  budget: { max_tool_calls: 8, max_turns: 6, max_seconds: 90, max_output_tokens: 4000 },
};

async function gateOver(links: Parameters<typeof openFilesSource>[1]): Promise<ToolGate> {
  const source = openFilesSource(DEFAULT_SCENARIO, links);
  const now = (await source.clock()) as number;
  const window = { from: now - 70 * 60_000, onset: now - 7 * 60_000, to: now };
  return new ToolGate(manifest, {
    store: new MemoryStore(),
    incidentId: 'C1',
    investigationId: 'inv-C1-1',
    ctx: new EvidenceContext(source, window),
    clock: { now: () => new Date() },
  });
}

const explore = (url: string): string => JSON.stringify(JSON.parse(new URL(url).searchParams.get('panes') ?? '{}'));

describe('links on evidence', () => {
  it('gives each metric anomaly and log template a Grafana Explore link with the query behind it', async () => {
    const gate = await gateOver({
      links: { grafanaUrl: 'https://grafana.example', grafanaPrometheusUid: 'prom-uid', grafanaLokiUid: 'loki-uid' },
    });
    const metrics = await gate.call('metrics_anomalies', { limit: 5 });
    expect(metrics.evidence.length).toBeGreaterThan(0);
    for (const e of metrics.evidence) {
      expect(e.link).toMatch(/^https:\/\/grafana\.example\/explore\?/);
      expect(explore(e.link ?? '')).toContain(`{service=\\"${e.service ?? ''}\\"}`);
    }
    const templates = await gate.call('logs_patterns', { limit: 5 });
    expect(templates.evidence.length).toBeGreaterThan(0);
    for (const e of templates.evidence) expect(explore(e.link ?? '')).toMatch(/"type":"loki","uid":"loki-uid"/);
  });

  it('links a metric to the Prometheus graph page when only PROMETHEUS_URL is known, and logs to nothing', async () => {
    const gate = await gateOver({ links: { prometheusUrl: 'http://prometheus.internal:9090' } });
    const [first] = (await gate.call('metrics_anomalies', { limit: 1 })).evidence;
    expect(first?.link).toMatch(/^http:\/\/prometheus\.internal:9090\/graph\?g0\.expr=/);
    expect((await gate.call('logs_search', { query: 'timeout' })).evidence.every((e) => e.link === undefined)).toBe(
      true,
    );
  });

  it("carries no link without settings: a file on the bot's disk shows a reader nothing", async () => {
    const gate = await gateOver({});
    const all = [
      ...(await gate.call('metrics_anomalies', {})).evidence,
      ...(await gate.call('logs_patterns', {})).evidence,
    ];
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((e) => e.link !== undefined)).toEqual([]);
  });
});

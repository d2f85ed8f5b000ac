// Charts in the thread: a PNG of what the scout read, uploaded after its finding; a failure is a warning.
import type { Finding, Investigation, Synthesis } from '../../../../src/domain/types';
import { renderChartPng } from '../../../../src/slack/charts/png';
import { ThreadCharts } from '../../../../src/slack/charts/thread-charts';
import { createLogger } from '../../../../src/logging';

const T0 = Date.parse('2026-11-27T02:00:00Z');
const MIN = 60_000;
const inv: Investigation = {
  id: 'inv1', incidentId: 'C1', channelId: 'C1', round: 1, state: 'running', trigger: 'channel_created', brain: 'deterministic', scouts: [],
  window: { from: new Date(T0).toISOString(), onset: new Date(T0 + 60 * MIN).toISOString(), to: new Date(T0 + 70 * MIN).toISOString() },
  threadTs: '1.000100', createdAt: new Date(T0).toISOString(), updatedAt: new Date(T0).toISOString(),
};

const points = (before: number, after: number): Array<[number, number]> =>
  Array.from({ length: 50 }, (_, i): [number, number] => [T0 + i * 84_000, T0 + i * 84_000 < T0 + 60 * MIN ? before : after]);

const finding: Finding = {
  investigationId: 'inv1', scout: 'metrics', summary: 's', confidence: 0.5, brain: 'deterministic',
  claims: [{ text: 'checkout latency rose', evidence: ['E2'], service: 'checkout', status: 'verified' }],
  evidence: [
    { id: 'E1', scout: 'metrics', tool: 'metrics_anomalies', source: 'files', service: 'web', excerpt: 'web', series: { label: 'web 5xx rate', service: 'web', unit: 'req/s', points: points(0, 30) } },
    { id: 'E2', scout: 'metrics', tool: 'metrics_anomalies', source: 'files', service: 'checkout', excerpt: 'checkout', series: { label: 'checkout p99 latency', service: 'checkout', unit: 's', points: points(0.05, 0.75) } },
    { id: 'E3', scout: 'metrics', tool: 'changes_list', source: 'files', service: 'checkout', excerpt: 'D12 deploy checkout "v2" at 02:56Z', timeRange: { from: new Date(T0 + 56 * MIN).toISOString(), to: new Date(T0 + 56 * MIN).toISOString() } },
  ],
};

interface Upload { filename: string; data: Buffer; title: string; altText?: string; threadTs?: string; key?: string }

function setup(render?: () => Buffer) {
  const uploads: Upload[] = [];
  const logs: string[] = [];
  const logger = createLogger({ level: 'warn', destination: { write: (s: string) => void logs.push(s) } });
  const charts = new ThreadCharts({ poster: { uploadFile: async (u) => void uploads.push(u) }, logger, ...(render ? { render } : {}) });
  return { charts, uploads, logs };
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('ThreadCharts', () => {
  it('uploads one PNG of the finding\'s series into the thread, with alt text naming what moved and the change', async () => {
    const { charts, uploads } = setup();
    await charts.finding(inv, finding, 'inv1:r1:finding:metrics');
    expect(uploads).toHaveLength(1);
    const [u] = uploads as [Upload];
    expect(u.threadTs).toBe('1.000100');
    expect(u.filename).toBe('chart-metrics-round1.png');
    expect(u.key).toBe('inv1:r1:finding:metrics:chart');
    const { width, height } = pngSize(u.data);
    expect(width).toBe(720);
    expect(height).toBeGreaterThan(300);
    expect(height).toBeLessThan(900);
    expect(u.altText).toContain('checkout p99 latency from 50ms to 750ms (highlighted)');
    expect(u.altText).toContain('web 5xx rate from 0 req/s to 30 req/s');
    expect(u.altText).toContain('Marked: deploy checkout at 02:56');
  });

  it('posts no chart for a finding without series', async () => {
    const { charts, uploads } = setup();
    await charts.finding(inv, { ...finding, evidence: finding.evidence.filter((e) => !e.series) }, 'k');
    expect(uploads).toHaveLength(0);
  });

  it('charts the top hypothesis\'s cited series in the synthesis', async () => {
    const { charts, uploads } = setup();
    const synthesis: Synthesis = { investigationId: 'inv1', summary: 's', partial: false, redHerrings: [], hypotheses: [{ rank: 1, service: 'checkout', cause: 'c', confidence: 0.6, evidence: ['E2'], against: [], change: 'D12' }] };
    await charts.synthesis(inv, synthesis, finding.evidence);
    expect(uploads.map((u) => u.title)).toEqual(['Hypothesis 1: checkout']);
    expect(uploads[0]?.altText).not.toContain('web 5xx');
    expect(uploads[0]?.altText).toContain('deploy checkout');
  });

  it('logs a warning and keeps going when the chart cannot be rendered', async () => {
    const { charts, uploads, logs } = setup(() => {
      throw new Error('renderer exploded');
    });
    await expect(charts.finding(inv, finding, 'k')).resolves.toBeUndefined();
    expect(uploads).toHaveLength(0);
    expect(logs.join('')).toContain('could not post a chart');
  });

  it('redacts a secret-shaped label before it becomes pixels or alt text', async () => {
    const seen: string[] = [];
    const uploads: Upload[] = [];
    const leaky: Finding = { ...finding, evidence: [{ ...(finding.evidence[1] as Finding['evidence'][number]), series: { label: 'checkout key_id=AKIAQ7RW2X4JMN5PLKT3 latency', service: 'checkout', unit: 's', points: points(0.05, 0.75) } }] };
    const spy = new ThreadCharts({ poster: { uploadFile: async (u) => void uploads.push(u) }, logger: createLogger({ level: 'warn' }), render: (spec) => (seen.push(JSON.stringify(spec)), Buffer.from('png')) });
    await spy.finding(inv, leaky, 'k');
    expect(seen.join('')).not.toContain('AKIAQ7RW2X4JMN5PLKT3');
    expect(uploads[0]?.altText).not.toContain('AKIAQ7RW2X4JMN5PLKT3');
  });

  it('renders with the shipped font: labels change the picture', () => {
    const spec = { title: 'A', window: { from: T0, onset: T0 + 60 * MIN, to: T0 + 70 * MIN }, rules: [], panels: [{ unit: 's', series: [{ label: 'x', service: 'x', points: points(1, 2), highlight: true }] }] };
    expect(renderChartPng(spec).equals(renderChartPng({ ...spec, title: 'A much longer title in the shipped font' }))).toBe(false);
  });
});

describe('ThreadCharts after a fix', () => {
  it("uploads the verified signals into the proposal's thread, the action marked and the verdict in the title", async () => {
    const { charts, uploads } = setup();
    const proposal = { id: 'P-1', incidentId: 'C1', actionId: 'rollback-deploy', channelId: 'C1' } as Parameters<ThreadCharts['verification']>[0]['proposal'];
    const actionAt = T0 + 66 * MIN;
    const series = { label: 'checkout p99 latency', service: 'checkout', unit: 's', points: points(0.05, 0.75) };
    await charts.verification(
      { proposal, afterMs: 5 * MIN, replay: true },
      {
        verdict: 'not_recovered',
        signals: [{ service: 'checkout', metric: 'p99 latency', unit: 's', before: 0.05, during: 0.75, after: 0.75, recovered: false, series }],
        actionAt,
        readTo: actionAt + 5 * MIN,
        window: { from: T0, onset: T0 + 60 * MIN },
      },
      { channel: 'C1', threadTs: '1.000200' },
    );
    expect(uploads).toHaveLength(1);
    const [u] = uploads as [Upload];
    expect(u.threadTs).toBe('1.000200');
    expect(u.filename).toBe('chart-verification-P-1.png');
    expect(u.key).toBe('verification:C1:P-1:chart');
    expect(u.title).toBe('After rollback-deploy: not recovered');
    expect(pngSize(u.data).width).toBe(720);
    expect(u.altText).toContain('checkout p99 latency');
    expect(u.altText).toContain('rollback-deploy');
  });

  it('uploads nothing when no judged signal carries points', async () => {
    const { charts, uploads } = setup();
    const proposal = { id: 'P-2', incidentId: 'C1', actionId: 'restart', channelId: 'C1' } as Parameters<ThreadCharts['verification']>[0]['proposal'];
    await charts.verification(
      { proposal, afterMs: MIN, replay: false },
      { verdict: 'no_data', signals: [], actionAt: T0, readTo: T0 + MIN, window: { from: T0 - 60 * MIN, onset: T0 - 5 * MIN } },
      { channel: 'C1' },
    );
    expect(uploads).toHaveLength(0);
  });
});

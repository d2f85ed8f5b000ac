// `incident-scout demo` end to end, in-process: what a person would read in the channel, and the folder
// it leaves behind (transcript and every file the bot uploaded).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli';
import { runDemo } from '../../src/demo/run';

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Width and height of a PNG, after checking its signature and that it ends with an IEND chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  expect(png.subarray(png.length - 8, png.length - 4).toString('latin1')).toBe('IEND');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('demo', () => {
  it('prints the incident channel and writes it with the chart PNGs it uploaded into --out, naming the folder last', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'scout-demo-test-'));
    tmpDirs.push(base);
    const outDir = path.join(base, 'run');
    const out = sink();
    const err = sink();
    const code = await runDemo(out.stream, err.stream, { env: { LOG_LEVEL: 'warn' }, outDir });
    // Every message and upload was accepted by the fake's limit checks: a refusal is logged to stderr.
    expect(err.text()).toBe('');
    expect(code).toBe(0);
    const printed = out.text();
    // The first channel; the demo then opens a second incident of the same kind (test/e2e/record-demo.test.ts).
    const first = printed.split('\n#inc-checkout-latency-again\n')[0] as string;
    expect(first.startsWith('#inc-checkout-latency')).toBe(true);
    expect(first).toContain('Incident Scout is on it.');
    expect(first).toContain('(opened by <@U0DEMOLEAD>)');
    expect(first).toMatch(/\(only visible to @sam\)\n\s+\*Incident Scout\* investigates/);
    expect(first).toContain('`/triage deeper [focus]`');
    expect(first).toMatch(/\(only visible to @dana\)\n\s+\*Investigation round 1\* in #inc-checkout-latency/);
    // One kickoff, not one per listener or per Slack delivery.
    expect(first.split('Incident Scout is on it.').length).toBe(2);
    // Plain words: effects as factors and times on the incident's labelled clock, confidence in words,
    // no IQR scores, no token budgets for the deterministic brain.
    expect(first).toMatch(/p99 latency from 213ms to 2\.5s \(12×\), starting 03:02 UTC/);
    expect(first).toContain('Incident clock: baseline from 02:02 UTC, onset *03:02 UTC*');
    expect(first).toMatch(/\*1\. payments\* · likely · change `chg-1044`/);
    expect(first).not.toContain('IQR');
    expect(first).not.toContain('output tokens');
    // Evidence is numbered in the order it first appears.
    const firstSeen = [...new Set(first.match(/\bE\d+\b/g) ?? [])].map((id) => Number(id.slice(1)));
    expect(firstSeen.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(firstSeen).toEqual([...firstSeen].sort((a, b) => a - b));
    // The rollback is followed by the check that it worked: the recording holds no recovery after it.
    const afterRollback = first.split('deployment.apps/payments rolled back')[1] ?? '';
    expect(afterRollback).toMatch(/\*Not recovered\* 20s after `rollback-deploy`/);
    expect(afterRollback).toMatch(
      /payments p99 latency: 213ms before the incident, 2\.5s during, 2\.5s after — still off/,
    );

    const lines = printed.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(new RegExp(`written to ${outDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    const transcript = fs.readFileSync(path.join(outDir, 'transcript.txt'), 'utf8');
    expect(printed.startsWith(transcript)).toBe(true);

    // The investigation thread holds charts: a finding's and the synthesis's, each saved and named in the transcript.
    const pngs = fs
      .readdirSync(outDir)
      .filter((f) => f.endsWith('.png'))
      .sort();
    expect(pngs).toEqual(expect.arrayContaining(['chart-hypothesis-round1.png', 'chart-metrics-round1.png']));
    // The check after the rollback brings its chart into the proposal's thread.
    expect(pngs.filter((f) => /^chart-verification-P-[0-9a-f]+\.png$/.test(f))).toHaveLength(1);
    // The postmortem draft /triage resolve uploaded is saved beside them.
    expect(fs.readdirSync(outDir).filter((f) => /^postmortem-.*\.md$/.test(f))).toHaveLength(1);
    for (const name of pngs) {
      const { width, height } = pngSize(fs.readFileSync(path.join(outDir, name)));
      expect(width).toBe(720);
      expect(height).toBeGreaterThanOrEqual(250);
      expect(height).toBeLessThanOrEqual(900);
      expect(transcript).toMatch(
        new RegExp(`\\[file: [^\\]]+, saved as ${name.replace('.', '\\.')}\\]\\n\\s+│?\\s*\\[image: Line chart, `),
      );
    }
  });

  it('writes into a new temporary folder without --out and names it on the last line', async () => {
    const out = sink();
    const err = sink();
    const code = await main(['demo'], { LOG_LEVEL: 'warn' }, { out: out.stream, err: err.stream });
    expect(code).toBe(0);
    const last = out.text().trimEnd().split('\n').at(-1) ?? '';
    const dir = /written to (.+)$/.exec(last)?.[1] ?? '';
    tmpDirs.push(dir);
    expect(path.dirname(dir)).toBe(os.tmpdir());
    expect(path.basename(dir)).toMatch(/^incident-scout-demo-/);
    expect(fs.existsSync(path.join(dir, 'transcript.txt'))).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses --out naming a file, saying what it expects', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scout-demo-test-')), 'not-a-folder');
    tmpDirs.push(path.dirname(file));
    fs.writeFileSync(file, 'x');
    const out = sink();
    const err = sink();
    expect(await main(['demo', '--out', file], {}, { out: out.stream, err: err.stream })).toBe(2);
    expect(err.text()).toContain(`--out ${JSON.stringify(file)} is a file; expected a folder`);
  });

  it('names its evidence source in the kickoff and /triage help, and links every metric and template to Grafana when told where', async () => {
    const out = sink();
    const err = sink();
    const env = {
      LOG_LEVEL: 'warn',
      GRAFANA_URL: 'https://grafana.example',
      GRAFANA_PROMETHEUS_UID: 'prom-uid',
      GRAFANA_LOKI_UID: 'loki-uid',
    };
    expect(await runDemo(out.stream, err.stream, { env })).toBe(0);
    const transcript = out.text();
    // Kickoff and help: from the one registration list, as built from the demo's config.
    expect(transcript).toMatch(
      /Read-only scouts \([a-z, ]+\) compare the incident with the 60 min before it from files \(checkout-latency\)\./,
    );
    expect(transcript).toContain('Evidence sources: files (checkout-latency).');
    // Every evidence line of a metric or a log template carries a link; changes (fictional in the demo) carry their author.
    const evidence = transcript.split('\n').filter((l) => /`E\d+` /.test(l));
    const metricOrTemplate = evidence.filter((l) =>
      /\[(errors|latency|traffic|saturation|other)\]|\[(new|surging|steady|gone)\]/.test(l),
    );
    expect(metricOrTemplate.length).toBeGreaterThan(5);
    for (const l of metricOrTemplate) expect(l).toMatch(/<https:\/\/grafana\.example\/explore\?[^|>]+\|open>/);
    expect(evidence.filter((l) => l.includes('chg-1044'))[0]).toContain('by deploy-bot');
  });
});

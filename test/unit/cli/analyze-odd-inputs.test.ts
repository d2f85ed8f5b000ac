// `incident-scout analyze` on scenario directories a user brings: one signal only, encodings, compression,
// odd lines. Every run exits 0 with one JSON report whose window is not empty, and what could not be read
// is listed in its problems; the same log in another encoding gives the same report.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeCommand } from '../../../src/cli/analyze';
import { textSink } from '../../helpers/text-sink';

const EXAMPLE = join(__dirname, '../../../examples/scenarios/checkout-latency');
// Two formats of the example: PostgreSQL's (a date and a zone after the time) and Spring Boot's.
const LOGS = ['postgres.log', 'payments.log'];

interface Report {
  window: { from: string; onset: string; to: string };
  templates: Array<{ template: string; incident_count: number }>;
  problems: Array<{ origin: string; problem: string }>;
  suspects: Array<{ service: string }>;
}

const sink = textSink;

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'scout-odd-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A scenario directory with only `logs/`, each example log written through `encode`. */
function logsScenario(name: string, encode: (text: Buffer) => Buffer, suffix = ''): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  for (const log of LOGS)
    writeFileSync(join(dir, 'logs', log + suffix), encode(readFileSync(join(EXAMPLE, 'logs', log))));
  return dir;
}

async function analyzeJson(dir: string): Promise<Report> {
  const out = sink();
  const err = sink();
  const code = await analyzeCommand([dir, '--json'], out, err);
  expect({ code, err: err.text }).toEqual({ code: 0, err: '' });
  const report = JSON.parse(out.text) as Report;
  expect(Date.parse(report.window.to)).toBeGreaterThan(Date.parse(report.window.from));
  return report;
}

describe('incident-scout analyze on logs as users have them', () => {
  let plain: Report;
  beforeAll(async () => {
    plain = await analyzeJson(logsScenario('plain', (b) => b));
  });

  it.each([
    ['UTF-8 with a BOM', (b: Buffer) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]), ''],
    [
      'UTF-16LE with a BOM',
      (b: Buffer) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(b.toString('utf8'), 'utf16le')]),
      '',
    ],
    ['CRLF line ends', (b: Buffer) => Buffer.from(b.toString('utf8').replace(/\n/g, '\r\n')), ''],
    ['gzip', (b: Buffer) => gzipSync(b), '.gz'],
  ])('reads %s as the same incident as the plain file', async (name, encode, suffix) => {
    const report = await analyzeJson(logsScenario(name.replace(/\W+/g, '-'), encode, suffix));
    expect(report.window).toEqual(plain.window);
    expect(report.templates.map((t) => [t.template, t.incident_count])).toEqual(
      plain.templates.map((t) => [t.template, t.incident_count]),
    );
    expect(report.problems).toEqual(plain.problems);
  });
});

describe('incident-scout analyze on one signal, or none it can read', () => {
  it.each(['metrics', 'traces'])('reports on a %s-only scenario', async (signal) => {
    const dir = join(root, `only-${signal}`);
    cpSync(join(EXAMPLE, signal), join(dir, signal), { recursive: true });
    const report = await analyzeJson(dir);
    expect(report.suspects.length).toBeGreaterThan(0);
  });

  it('lists a binary log, a line over 64 KiB and lines without a time as problems, and still reports', async () => {
    const dir = join(root, 'odd-lines');
    mkdirSync(join(dir, 'logs'), { recursive: true });
    writeFileSync(join(dir, 'logs', 'blob.log'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const lines = [
      '2026-11-27T03:00:00Z INFO request ok',
      `2026-11-27T03:01:00Z ERROR payload ${'x'.repeat(100 * 1024)}`,
      '2026-11-27T03:02:00Z ERROR upstream timed out',
    ];
    writeFileSync(join(dir, 'logs', 'api.log'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'logs', 'worker.log'), 'starting\nconnection refused\nretrying\n');
    const report = await analyzeJson(dir);
    const problems = report.problems.map((p) => `${p.origin}: ${p.problem}`);
    expect(problems).toContainEqual(expect.stringMatching(/^logs\/blob\.log: binary file/));
    expect(problems).toContainEqual(expect.stringMatching(/^logs\/api\.log: line longer than 64 KiB, truncated/));
    expect(problems).toContainEqual(expect.stringMatching(/^logs\/worker\.log: no timestamp/));
    expect(report.templates.length).toBeGreaterThan(0);
  });

  it('reports on a scenario whose only log folder is empty', async () => {
    const dir = join(root, 'empty-logs');
    mkdirSync(join(dir, 'logs'), { recursive: true });
    copyFileSync(join(EXAMPLE, 'incident.yaml'), join(dir, 'incident.yaml'));
    const report = await analyzeJson(dir);
    expect(report.suspects).toEqual([]);
  });
});

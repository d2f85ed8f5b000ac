// One 40 MB log line (issue 14): the reader keeps the first 64 KiB of a line and skips the rest
// without holding it, so `analyze` finishes under a 768 MB heap and names the truncation in the
// report's problems. The file is generated at test time in a temp dir; the child is the built CLI.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '../../bin/incident-scout.js');
const T0 = Date.UTC(2026, 10, 27, 3, 0, 0);
const stamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'scout-huge-line-'));
  await mkdir(path.join(dir, 'logs'));
  await writeFile(
    path.join(dir, 'incident.yaml'),
    `title: huge line\nchannel: inc-huge\nstarted_at: ${new Date(T0 + 600_000).toISOString()}\n`,
  );
  const out = createWriteStream(path.join(dir, 'logs', 'api.log'));
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  for (let i = 0; i < 20; i++) await write(`${stamp(T0 + i * 1000)} INFO request ${i} served\n`);
  await write(`${stamp(T0 + 30_000)} ERROR payload dump `);
  const chunk = 'x'.repeat(1 << 20);
  for (let i = 0; i < 40; i++) await write(chunk);
  await write('\n');
  for (let i = 0; i < 20; i++) await write(`${stamp(T0 + 700_000 + i * 1000)} ERROR request ${i} failed\n`);
  out.end();
  await once(out, 'finish');
});

afterAll(() => rm(dir, { recursive: true, force: true }));

it('reads a 40 MB line under a 768 MB heap and reports its truncation', async () => {
  const child = spawn(process.execPath, ['--max-old-space-size=768', CLI, 'analyze', dir, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  expect({ code, stderr: stderr.slice(0, 500) }).toEqual({ code: 0, stderr: '' });
  const report = JSON.parse(stdout) as {
    problems: Array<{ origin: string; problem: string; count: number; line?: number }>;
  };
  expect(report.problems).toContainEqual({
    origin: 'logs/api.log',
    problem: 'line longer than 64 KiB, truncated',
    count: 1,
    line: 21,
  });
}, 120_000);

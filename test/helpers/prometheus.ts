// Starts a real Prometheus over a TSDB built from OpenMetrics files with promtool, on a random
// loopback port. Used by the integration tests that compare the Prometheus source with files.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './spawn-app';

const run = promisify(execFile);

async function waitReady(url: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${logs()}`);
    try {
      const res = await fetch(`${url}/-/ready`);
      // 401: up, behind its basic auth.
      if (res.ok || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`prometheus not ready after 60 s:\n${logs()}`);
}

/**
 * Builds a TSDB from the files (one promtool run each) and serves it; `close` stops it and removes the data.
 * `webConfig` is Prometheus's --web.config.file content (e.g. basic_auth_users).
 */
export async function startPrometheusFromOpenMetrics(files: string[], opts: { webConfig?: string } = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const work = await mkdtemp(path.join(tmpdir(), 'incident-scout-prom-'));
  const data = path.join(work, 'data');
  for (const [i, f] of files.entries()) {
    // promtool wants `# EOF` as the last line of each input.
    let text = (await readFile(f, 'utf8')).trimEnd();
    if (!text.endsWith('# EOF')) text += '\n# EOF';
    const input = path.join(work, `input-${i}.om`);
    await writeFile(input, text + '\n');
    await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', input, data], { maxBuffer: 16 << 20 });
  }
  const config = path.join(work, 'prometheus.yml');
  await writeFile(config, 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
  const webConfig = path.join(work, 'web.yml');
  if (opts.webConfig) await writeFile(webConfig, opts.webConfig);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    'prometheus',
    [
      `--storage.tsdb.path=${data}`,
      `--config.file=${config}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Blocks older than retention would be deleted at start; scenario data is "old".
      '--storage.tsdb.retention.time=100y',
      ...(opts.webConfig ? [`--web.config.file=${webConfig}`] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(work, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => output.slice(-4000));
  } catch (err) {
    await close();
    throw err;
  }
  return { url, close };
}

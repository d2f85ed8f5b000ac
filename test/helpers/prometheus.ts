// Starts a real Prometheus on a random loopback port: over a TSDB built from OpenMetrics files with
// promtool (the integration tests that compare the Prometheus source with files), or evaluating alert
// rules that it sends to an Alertmanager (the end-to-end alert path).

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startProcess } from './services';
import { freePort } from './spawn-app';

const run = promisify(execFile);

/**
 * Builds a TSDB from the files (one promtool run each) and serves it; `close` stops it and removes the data.
 * `webConfig` is Prometheus's --web.config.file content (e.g. basic_auth_users).
 */
export async function startPrometheusFromOpenMetrics(
  files: string[],
  opts: { webConfig?: string } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
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
  const proc = await startProcess({
    name: 'prometheus',
    bin: 'prometheus',
    work,
    readyUrl: `${url}/-/ready`,
    // 401: up, behind its basic auth.
    readyWhen: (status) => (status >= 200 && status < 300) || (opts.webConfig !== undefined && status === 401),
    args: [
      `--storage.tsdb.path=${data}`,
      `--config.file=${config}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Blocks older than retention would be deleted at start; scenario data is "old".
      '--storage.tsdb.retention.time=100y',
      ...(opts.webConfig ? [`--web.config.file=${webConfig}`] : []),
    ],
  });
  return { url, close: proc.close };
}

/**
 * Serves Prometheus evaluating `rules` (a rule file's YAML) every second and sending what fires to the
 * Alertmanager at `alertmanagerUrl`, as a team's Prometheus does; `close` stops it and removes its data.
 */
export async function startPrometheusWithRules(
  rules: string,
  alertmanagerUrl: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const work = await mkdtemp(path.join(tmpdir(), 'incident-scout-prom-rules-'));
  await writeFile(path.join(work, 'rules.yml'), rules);
  const am = new URL(alertmanagerUrl);
  const config = path.join(work, 'prometheus.yml');
  await writeFile(
    config,
    [
      'global:',
      '  scrape_interval: 15s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${JSON.stringify(path.join(work, 'rules.yml'))}`,
      'alerting:',
      '  alertmanagers:',
      `    - scheme: ${am.protocol.replace(':', '')}`,
      '      static_configs:',
      `        - targets: [${JSON.stringify(am.host)}]`,
      'scrape_configs: []',
      '',
    ].join('\n'),
  );
  await run('promtool', ['check', 'rules', path.join(work, 'rules.yml')]);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess({
    name: 'prometheus',
    bin: 'prometheus',
    work,
    readyUrl: `${url}/-/ready`,
    args: [
      `--storage.tsdb.path=${path.join(work, 'data')}`,
      `--config.file=${config}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      // A first notification sent before Prometheus has its Alertmanager list is dropped; it is sent again
      // after this delay (1 m by default).
      '--rules.alert.resend-delay=1s',
    ],
  });
  return { url, close: proc.close };
}

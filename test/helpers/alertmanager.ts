// Starts a real Alertmanager (Debian `prometheus-alertmanager`, or `alertmanager` on PATH) on a random
// loopback port, with one webhook receiver pointed at the app. Start-or-skip: tests skip with one line
// when it is missing, and fail under CI=true.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startProcess } from './services';
import { freePort } from './spawn-app';

const run = promisify(execFile);
const BINARIES = ['prometheus-alertmanager', 'alertmanager'];

export const ALERTMANAGER_HINT =
  'alertmanager not found on PATH: install it (Debian: `apt-get install -y prometheus-alertmanager`) to run the alert webhook tests';

/** The Alertmanager binary on PATH, or null. */
export async function alertmanagerBinary(): Promise<string | null> {
  for (const bin of BINARIES) {
    try {
      await run(bin, ['--version']);
      return bin;
    } catch {
      // try the next name
    }
  }
  return null;
}

export interface RunningAlertmanager {
  url: string;
  /** POSTs alerts to /api/v2/alerts as Prometheus would. */
  post(
    alerts: Array<{
      labels: Record<string, string>;
      annotations?: Record<string, string>;
      startsAt?: string;
      endsAt?: string;
      generatorURL?: string;
    }>,
  ): Promise<void>;
  close(): Promise<void>;
}

/** Starts Alertmanager whose only route sends every group to `webhookUrl` with `token` as bearer. */
export async function startAlertmanager(bin: string, webhookUrl: string, token: string): Promise<RunningAlertmanager> {
  const work = await mkdtemp(path.join(tmpdir(), 'incident-scout-am-'));
  const config = path.join(work, 'alertmanager.yml');
  await writeFile(
    config,
    [
      'route:',
      '  receiver: scout',
      "  group_by: ['alertname', 'service']",
      '  group_wait: 1s',
      '  group_interval: 2s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: scout',
      '    webhook_configs:',
      `      - url: ${JSON.stringify(webhookUrl)}`,
      '        send_resolved: true',
      '        http_config:',
      '          authorization:',
      '            type: Bearer',
      `            credentials: ${JSON.stringify(token)}`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess({
    name: 'alertmanager',
    bin,
    work,
    readyUrl: `${url}/-/ready`,
    timeoutMs: 30_000,
    args: [
      `--config.file=${config}`,
      `--storage.path=${path.join(work, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
  });
  return {
    url,
    async post(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (!res.ok) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    close: proc.close,
  };
}

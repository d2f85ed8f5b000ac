// What an operator sees when `incident-scout serve` cannot start: one line naming the variable and
// the problem, no stack trace, and an exit code (2: change the configuration, 1: a dependency is down).
// The real bin runs against the local Slack fake.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SCENARIO } from '../../src/config';
import { startSlackFake, type RunningSlackFake } from '../../src/demo/slack-fake';
import { freePort, runCli, spawnApp } from '../helpers/spawn-app';

let slack: RunningSlackFake;
let empty: string;
beforeAll(async () => {
  slack = await startSlackFake();
  empty = mkdtempSync(path.join(tmpdir(), 'scout-startup-'));
});
afterAll(async () => {
  await slack.close();
  rmSync(empty, { recursive: true, force: true });
});

const base = (): Record<string, string> => ({
  SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
  SLACK_SIGNING_SECRET: 'startup-secret',
  SLACK_API_URL: slack.url,
  EVIDENCE_DIR: DEFAULT_SCENARIO,
  LOG_LEVEL: 'error',
});
const lines = (s: string) =>
  s
    .trim()
    .split('\n')
    .filter((l) => l.length > 0);

it('exits 2 with one line naming SLACK_BOT_TOKEN and Slack’s error when Slack rejects the token', async () => {
  const r = await runCli(['serve'], {
    ...base(),
    SLACK_BOT_TOKEN: 'xoxb-revoked-token',
    PORT: String(await freePort()),
  });
  expect(r.code).toBe(2);
  expect(lines(r.stderr)).toEqual([expect.stringContaining('SLACK_BOT_TOKEN')]);
  expect(r.stderr).toContain('invalid_auth');
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr + r.stdout).not.toContain('xoxb-revoked-token');
});

it('exits 1 naming the URL and method when Slack cannot be reached, after bounded retries', async () => {
  const closed = await freePort();
  const r = await runCli(
    ['serve'],
    { ...base(), SLACK_API_URL: `http://127.0.0.1:${closed}/api/`, PORT: String(await freePort()) },
    { timeoutMs: 60_000 },
  );
  expect(r.code).toBe(1);
  expect(lines(r.stderr)).toEqual([
    `could not reach Slack: POST http://127.0.0.1:${closed}/api/auth.test (auth.test) failed after retries: ECONNREFUSED (check SLACK_API_URL, DNS and the network)`,
  ]);
  expect(r.ms).toBeLessThan(55_000);
});

it('reports a malformed token once, naming the variable and what is expected', async () => {
  const r = await runCli(['serve'], { ...base(), SLACK_BOT_TOKEN: 'abc' });
  expect(r.code).toBe(2);
  expect(lines(r.stderr)).toEqual(['env SLACK_BOT_TOKEN: expected a bot token starting with xoxb-']);
});

it('refuses an EVIDENCE_DIR that is not a scenario directory, saying what is missing', async () => {
  const r = await runCli(['serve'], { ...base(), EVIDENCE_DIR: empty });
  expect(r.code).toBe(2);
  expect(lines(r.stderr)).toHaveLength(1);
  expect(r.stderr).toContain(
    `env EVIDENCE_DIR: ${empty} is not a scenario directory (it has none of incident.yaml, logs/, metrics/`,
  );
  expect(r.stderr).not.toContain('DESIGN.md');
  const missing = await runCli(['serve'], { ...base(), EVIDENCE_DIR: path.join(empty, 'nope') });
  expect(missing.stderr).toContain(
    `env EVIDENCE_DIR: ${path.join(empty, 'nope')} does not exist; expected a scenario directory`,
  );
});

it('warns once at start when the catalog still names the demo’s placeholder approvers', async () => {
  const app = await spawnApp({ ...base(), LOG_LEVEL: 'info' });
  try {
    const warnings = app
      .output()
      .split('\n')
      .filter((l) => l.includes('placeholder approvers'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('U0DEMOLEAD');
    expect(warnings[0]).toContain('"level":"warn"');
  } finally {
    await app.kill();
  }
});

it('serve --help prints usage and exits 0 without listening or calling Slack', async () => {
  const before = slack.fake.callLog.length;
  const r = await runCli(['serve', '--help'], base());
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^usage: incident-scout serve\n/);
  expect(r.stderr).toBe('');
  expect(slack.fake.callLog.length).toBe(before);
});

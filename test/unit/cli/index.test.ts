import { PassThrough } from 'node:stream';
import { cliHelp, main } from '../../../src/cli';

function io() {
  const out = new PassThrough();
  const err = new PassThrough();
  const read = (s: PassThrough) => () => (s.read() as Buffer | null)?.toString('utf8') ?? '';
  return { io: { out, err }, out: read(out), err: read(err) };
}

describe('incident-scout CLI', () => {
  it('prints help listing every command', async () => {
    const t = io();
    expect(await main(['help'], {}, t.io)).toBe(0);
    const help = t.out();
    for (const cmd of ['serve', 'demo', 'analyze', 'templates', 'audit', 'postmortem', 'help', '--version'])
      expect(help).toContain(`incident-scout ${cmd}`);
    expect(help).toBe(cliHelp());
  });

  it('refuses an unknown command with exit code 2', async () => {
    const t = io();
    expect(await main(['deploy'], {}, t.io)).toBe(2);
    expect(t.err()).toContain('unknown command "deploy"');
    expect(await main(['constructor'], {}, t.io)).toBe(2);
  });

  it('serve without Slack credentials prints each problem on its own line and exits 2', async () => {
    const t = io();
    expect(await main(['serve'], { SLACK_APP_TOKEN: 'not-an-app-token' }, t.io)).toBe(2);
    const lines = t.err().trim().split('\n');
    expect(lines).toContain('env SLACK_APP_TOKEN: expected an app-level token starting with xapp-');
    expect(lines).toContain('env SLACK_BOT_TOKEN: required to serve (a bot token starting with xoxb-)');
  });

  it('serve with credentials but no evidence source says which variables to set', async () => {
    const t = io();
    expect(await main(['serve'], { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }, t.io)).toBe(2);
    expect(t.err()).toContain('no evidence source configured (set EVIDENCE_DIR, PROMETHEUS_URL or LOKI_URL)');
  });
});

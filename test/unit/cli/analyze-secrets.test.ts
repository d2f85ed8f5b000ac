// `incident-scout analyze` on a scenario whose logs, metric labels, changes and collector envelopes hold
// secrets: what it prints (the digest or --json) names the failing dependencies and changes but never a
// secret, including the parts of one that a clipped excerpt or a lower-cased host name would hide from the
// redactor.
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCommand } from '../../../src/cli/analyze';
import { textSink } from '../../helpers/text-sink';

const EXAMPLE = join(__dirname, '../../../examples/scenarios/checkout-latency');

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyMTIzNDUifQ.Zk3p9QmXvB2aL8sT0wYr';
const SECRETS = {
  urlPassword: 'PgS3cretXy9',
  queryToken: 'QtOkEn55Zx9Rr',
  queryApiKey: 'ApiK3yQ5Vv8Ww',
  jwtSignature: 'Zk3p9QmXvB2aL8sT0wYr',
  jwtPayload: 'eyJzdWIiOiJ1c2VyMTIzNDUifQ',
  keyBody: 'MIIEpAIBAAKCAQEAx0wHmK3yL1nE0ne',
  labelToken: 'MetrT0kQ9z',
  labelPassword: 'MetrPw8z',
  changeKey: 'sk_live_ChgSk51Qw8Er7Ty6Ui5Op4',
  changePassword: 'ChgDbPw44',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scout-secrets-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  const at = (i: number): string => new Date(Date.UTC(2026, 10, 27, 3, 4, i)).toISOString();
  const cri: string[] = [];
  const docker: string[] = [];
  const journal: string[] = [];
  for (let i = 0; i < 40; i++) {
    cri.push(`${at(i)} stderr F ERROR connect postgres://app:${SECRETS.urlPassword}@db.internal:5432/shop failed`);
    cri.push(
      `${at(i)} stderr F ERROR GET https://api.vendor.io/v1/charge?token=${SECRETS.queryToken}&api_key=${SECRETS.queryApiKey} failed 503`,
    );
    docker.push(
      JSON.stringify({
        log: `ERROR upstream rejected Authorization: Bearer ${JWT} code=401\n`,
        stream: 'stderr',
        time: at(i),
      }),
    );
    const key = ['-----BEGIN RSA PRIVATE KEY-----', SECRETS.keyBody, '-----END RSA PRIVATE KEY-----'];
    journal.push(
      JSON.stringify({
        MESSAGE: ['ERROR tls setup failed with key', ...key].join('\n'),
        PRIORITY: '3',
        __REALTIME_TIMESTAMP: String(Date.parse(at(i)) * 1000),
      }),
    );
  }
  writeFileSync(join(dir, 'logs/ledger.log'), `${cri.join('\n')}\n`);
  writeFileSync(join(dir, 'logs/fraud.log'), `${docker.join('\n')}\n`);
  writeFileSync(join(dir, 'logs/edge-proxy.log'), `${journal.join('\n')}\n`);
  const label = `service="ledger",token="${SECRETS.labelToken}",upstream="https://user:${SECRETS.labelPassword}@psp.example"`;
  const points = Array.from({ length: 60 }, (_, k) => {
    const t = Date.UTC(2026, 10, 27, 2, 52) / 1000 + k * 15;
    return `ledger_errors_total{${label}} ${k < 45 ? k : 45 + (k - 45) * 50} ${t}`;
  });
  writeFileSync(join(dir, 'metrics/ledger.prom'), `# TYPE ledger_errors counter\n${points.join('\n')}\n# EOF\n`);
  appendFileSync(
    join(dir, 'changes.jsonl'),
    `${JSON.stringify({
      id: 'chg-9001',
      time: '2026-11-27T03:05:00Z',
      service: 'ledger',
      kind: 'config',
      summary: `rotate PSP key to ${SECRETS.changeKey} and DB_PASSWORD=${SECRETS.changePassword}`,
    })}\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<string> {
  const out = textSink();
  const err = textSink();
  const code = await analyzeCommand([dir, ...args], out, err);
  expect({ code, err: err.text }).toEqual({ code: 0, err: '' });
  return out.text;
}

/** The planted secrets found in `text`, whatever their case (a host name is printed lower-cased). */
const leaked = (text: string): string[] =>
  Object.entries(SECRETS)
    .filter(([, s]) => text.toLowerCase().includes(s.toLowerCase()))
    .map(([name]) => name);

describe('incident-scout analyze on evidence holding secrets', () => {
  it('prints the JSON report without any of them, still naming the failing host and the change', async () => {
    const text = await run(['--json']);
    expect(leaked(text)).toEqual([]);
    const report = JSON.parse(text) as {
      suspects: Array<{ service: string }>;
      changes: Array<{ id: string; summary: string }>;
      anomalies: Array<{ key: string }>;
    };
    expect(report.suspects.map((s) => s.service)).toContain('db.internal');
    expect(report.anomalies.map((a) => a.key)).toContain(
      'ledger_errors_total:rate{service="ledger",token="[REDACTED:secret]",upstream="https://user:[REDACTED:password]@psp.example"}',
    );
    expect(report.changes.find((c) => c.id === 'chg-9001')?.summary).toMatch(
      /^rotate PSP key to \[REDACTED:stripe_key\] and DB_PASSWORD=\[REDACTED:secret\]$/,
    );
  });

  it('prints the digest without any of them', async () => {
    expect(leaked(await run([]))).toEqual([]);
  });
});

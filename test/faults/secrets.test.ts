// 104 secrets of 41 formats written into a copy of the example scenario (logs of five formats and
// change summaries). Investigations with the deterministic brain and with Claude (the fake records every
// request) must never put one into Slack (messages, the exported audit file), into a request to the model, into
// the app's debug logs, or into the store (documents, the audit stream, queue jobs).
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  startAnthropicFake,
  type RecordedRequest,
  type RunningAnthropicFake,
  type ScriptedReply,
} from '../support/anthropic-fake';
import { SlackEventClient, startSlackFake, type RunningSlackFake } from '../../src/demo/slack-fake';
import { Rng } from '../../tools/scenario/prng';
import { Redis } from 'ioredis';
import {
  addPeople,
  allReplies,
  appEnv,
  competentModel,
  conversationOf,
  copyScenario,
  isSynthesis,
  LEAD,
  SIGNING_SECRET,
  SRE,
  startPrivateRedis,
  tempDir,
  type PrivateRedis,
} from '../helpers/faults';
import { spawnApp, type AppProcess } from '../helpers/spawn-app';

const rng = new Rng(5050);
const pick = (alphabet: string, n: number): string =>
  Array.from({ length: n }, () => alphabet[rng.int(0, alphabet.length - 1)]).join('');
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64 = `${ALNUM}+/`;
const URLSAFE = `${ALNUM}-_`;

interface Secret {
  kind: string;
  /** The part that must never leave: the token, the password, a line of the key. */
  value: string;
  /** How it is written into a log line or a change summary. */
  written: string;
}

/** 104 secrets of 41 formats; each value is unique and long enough that a chance occurrence elsewhere is impossible. */
function makeSecrets(): Secret[] {
  const s: Secret[] = [];
  const add = (kind: string, n: number, make: (i: number) => { value: string; written: string }): void => {
    for (let i = 0; i < n; i += 1) s.push({ kind, ...make(i) });
  };
  add('aws_access_key_id', 5, () => {
    const v = `AKIA${pick(UPPER, 16)}`;
    return { value: v, written: `using access key ${v} for s3 upload` };
  });
  add('aws_secret_key', 4, () => {
    const v = pick(B64, 40);
    return { value: v, written: `aws_secret_access_key=${v}` };
  });
  add('github_token', 4, () => {
    const v = `ghp_${pick(ALNUM, 36)}`;
    return { value: v, written: `git clone failed with token ${v}` };
  });
  add('github_pat', 2, () => {
    const v = `github_pat_${pick(ALNUM, 22)}_${pick(ALNUM, 59)}`;
    return { value: v, written: `GITHUB_TOKEN=${v}` };
  });
  add('slack_token', 4, (i) => {
    const v = `${i % 2 ? 'xoxp' : 'xoxb'}-${pick('0123456789', 12)}-${pick('0123456789', 12)}-${pick(ALNUM, 24)}`;
    return { value: v, written: `slack notify with ${v} failed` };
  });
  add('anthropic_key', 3, () => {
    const v = `sk-ant-api03-${pick(URLSAFE, 80)}`;
    return { value: v, written: `llm client key=${v}` };
  });
  add('stripe_key', 3, (i) => {
    const v = `${i ? 'sk' : 'rk'}_live_${pick(ALNUM, 24)}`;
    return { value: v, written: `stripe charge failed using ${v}` };
  });
  add('google_api_key', 3, () => {
    const v = `AIza${pick(URLSAFE, 35)}`;
    return { value: v, written: `maps geocode key ${v} quota exceeded` };
  });
  add('jwt', 4, () => {
    const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const v = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: `u_${pick(ALNUM, 10)}`, iat: 1795000000 })}.${pick(URLSAFE, 43)}`;
    return { value: v, written: `session cookie jwt=${v} rejected` };
  });
  add('bearer', 4, () => {
    const v = pick(ALNUM, 32);
    return { value: v, written: `upstream call with header Authorization: Bearer ${v} got 401` };
  });
  add('url_password', 4, (i) => {
    const v = `Pw${pick(ALNUM, 14)}`;
    return {
      value: v,
      written: `connecting to ${['postgres', 'redis', 'amqp', 'https'][i]}://svc_user:${v}@db-${i}.internal:5432/shop`,
    };
  });
  add('pem_private_key', 2, () => {
    const line = pick(B64, 64);
    return {
      value: line,
      written: `-----BEGIN RSA PRIVATE KEY-----\\n${line}\\n${pick(B64, 64)}\\n-----END RSA PRIVATE KEY-----`,
    };
  });
  add('logfmt_password', 4, () => {
    const v = `lf${pick(ALNUM, 16)}`;
    return { value: v, written: `db_password=${v}` };
  });
  add('json_password', 4, () => {
    const v = `js${pick(ALNUM, 16)}`;
    return { value: v, written: `{"user":"svc","password":"${v}"}` };
  });
  // The formats of issue 14's attack run, and more of the scanners' rule sets: two of each.
  const two = (kind: string, make: () => { value: string; written: string }): void => add(kind, 2, make);
  const HEX = '0123456789abcdef';
  two('redis_empty_user', () => {
    const v = `rp${pick(ALNUM, 16)}`;
    return { value: v, written: `redis://:${v}@cache-1:6379/0 refused` };
  });
  two('url_password_with_at', () => {
    const v = `Pw@${pick(ALNUM, 14)}`;
    return { value: v, written: `dsn postgres://app:${v}@db.internal:5432/x` };
  });
  two('db_password_colon', () => {
    const v = `dc${pick(ALNUM, 16)}`;
    return { value: v, written: `DB_PASSWORD: ${v}` };
  });
  two('password_no_space', () => {
    const v = `pn${pick(ALNUM, 16)}`;
    return { value: v, written: `login failed password:${v}` };
  });
  two('password_spaced', () => {
    const v = `ps${pick(ALNUM, 16)}`;
    return { value: v, written: `password = ${v}` };
  });
  two('x_api_key', () => {
    const v = pick(ALNUM, 28);
    return { value: v, written: `upstream 403 X-Api-Key: ${v}` };
  });
  two('slack_refresh', () => {
    const v = `xoxe-1-${pick(ALNUM, 40)}`;
    return { value: v, written: `token rotation got ${v}` };
  });
  two('slack_webhook', () => {
    const v = pick(ALNUM, 24);
    return {
      value: v,
      written: `notify https://hooks.slack.com/services/T${pick(UPPER, 8)}/B${pick(UPPER, 8)}/${v} failed`,
    };
  });
  two('cookie', () => {
    const v = pick(ALNUM, 26);
    return { value: v, written: `GET / Cookie: session=${v}; theme=dark` };
  });
  two('double_percent', () => {
    const v = `dp${pick(ALNUM, 16)}`;
    return { value: v, written: `GET /cb?next=password%253D${v}` };
  });
  two('azure_storage', () => {
    const v = `${pick(B64, 86)}==`;
    return {
      value: v.slice(0, 60),
      written: `DefaultEndpointsProtocol=https;AccountName=acmelogs;AccountKey=${v};EndpointSuffix=core.windows.net`,
    };
  });
  two('sendgrid', () => {
    const v = `SG.${pick(URLSAFE, 22)}.${pick(URLSAFE, 43)}`;
    return { value: v, written: `mail send failed with ${v}` };
  });
  two('npm_token', () => {
    const v = `npm_${pick(ALNUM, 36)}`;
    return { value: v, written: `npm publish using ${v}` };
  });
  two('gcp_private_key_id', () => {
    const v = pick(HEX, 40);
    return { value: v, written: `{"type":"service_account","private_key_id":"${v}"}` };
  });
  two('fullwidth_aws', () => {
    const v = `AKIA${pick(UPPER, 16)}`;
    return {
      value: v,
      written: `credentials ${[...v].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('')} used`,
    };
  });
  two('zero_width_slack', () => {
    const v = `xoxb-${pick('0123456789', 12)}-${pick(ALNUM, 24)}`;
    return { value: v, written: `bot ${v.slice(0, 3)}\u200b${v.slice(3)} refused` };
  });
  two('base64_aws', () => {
    const v = Buffer.from(`aws_access_key_id=AKIA${pick(UPPER, 16)}`).toString('base64');
    return { value: v, written: `config blob=${v}` };
  });
  two('gitlab_token', () => {
    const v = `glpat-${pick(URLSAFE, 20)}`;
    return { value: v, written: `git push with ${v}` };
  });
  two('twilio_key', () => {
    const v = `SK${pick(HEX, 32)}`;
    return { value: v, written: `sms via ${v}` };
  });
  two('stripe_webhook', () => {
    const v = `whsec_${pick(ALNUM, 32)}`;
    return { value: v, written: `signature check with ${v} failed` };
  });
  two('gcp_oauth_secret', () => {
    const v = `GOCSPX-${pick(URLSAFE, 28)}`;
    return { value: v, written: `oauth client secret ${v}` };
  });
  two('vault_token', () => {
    const v = `hvs.${pick(ALNUM, 30)}`;
    return { value: v, written: `vault read with ${v}` };
  });
  two('azure_sas', () => {
    const v = pick(ALNUM, 32);
    return { value: v, written: `GET https://acme.blob.core.windows.net/c/b?sv=2022-11-02&sig=${v}%3D` };
  });
  two('proxy_basic', () => {
    const v = Buffer.from(`proxyuser:${pick(ALNUM, 16)}`).toString('base64');
    return { value: v, written: `Proxy-Authorization: Basic ${v}` };
  });
  two('digitalocean', () => {
    const v = `dop_v1_${pick(HEX, 64)}`;
    return { value: v, written: `doctl auth ${v}` };
  });
  two('huggingface', () => {
    const v = `hf_${pick('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 34)}`;
    return { value: v, written: `model pull with ${v}` };
  });
  return s;
}

const SECRETS = makeSecrets();

/** Writes every secret into the scenario: inside the incident window, as new error lines of five log formats, and in change summaries. */
function seed(dir: string): void {
  const at = (i: number): Date => new Date(Date.parse('2026-11-27T03:03:00Z') + i * 5_000);
  const iso = (d: Date): string => d.toISOString();
  const lines: Record<string, string[]> = {
    'payments.log': [],
    'checkout.log': [],
    'api-gateway.log': [],
    'inventory.log': [],
    'web.log': [],
  };
  SECRETS.forEach((sec, i) => {
    const d = at(i);
    const text = sec.written.replace(/\\n/g, '\n'); // PEM keys as real multi-line text in plain-text logs
    switch (i % 5) {
      case 0:
        lines['payments.log']!.push(
          `${iso(d).replace('T', ' ').replace('Z', '')}  ERROR 1 --- [nio-8080-exec-9] c.s.payments.api.PaymentController       : ${text}`,
        );
        break;
      case 1:
        lines['checkout.log']!.push(
          `ts=${iso(d)} level=error msg="secret handling failed" detail=${JSON.stringify(sec.written)} ${sec.kind === 'logfmt_password' ? sec.written : ''}`,
        );
        break;
      case 2:
        lines['api-gateway.log']!.push(
          JSON.stringify({
            ts: iso(d),
            level: 'error',
            msg: sec.written,
            ...(sec.kind === 'json_password' ? (JSON.parse(sec.written) as object) : {}),
          }),
        );
        break;
      case 3:
        lines['inventory.log']!.push(
          `${iso(d).replace('T', ' ').replace('Z', '').replace('.', ',')} ERROR inventory.auth: ${text}`,
        );
        break;
      default:
        lines['web.log']!.push(
          `10.0.9.9 - - [27/Nov/2026:${iso(d).slice(11, 19)} +0000] "GET /api/orders?token=${encodeURIComponent(sec.value)}&q=${encodeURIComponent(sec.written)} HTTP/1.1" 500 12 "-" "curl/8" rt=1.2`,
        );
    }
  });
  for (const [file, add] of Object.entries(lines)) appendFileSync(path.join(dir, 'logs', file), `${add.join('\n')}\n`);
  // Change summaries are shown in findings and the synthesis: every change gets a secret in its summary.
  const changesFile = path.join(dir, 'changes.jsonl');
  const changes = readFileSync(changesFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { summary: string });
  const inChanges = SECRETS.filter((_, i) => i % 7 === 3);
  changes.forEach((c, i) => {
    const sec = inChanges[i % inChanges.length]!;
    c.summary = `${c.summary} [${sec.written}]`;
  });
  writeFileSync(changesFile, `${changes.map((c) => JSON.stringify(c)).join('\n')}\n`);
}

let slack: RunningSlackFake;
let redis: PrivateRedis;
let llm: RunningAnthropicFake;
let scenario: string;
const tmp = tempDir('secrets');

beforeAll(async () => {
  scenario = copyScenario(tmp.dir);
  seed(scenario);
  slack = await startSlackFake();
  llm = await startAnthropicFake();
  redis = await startPrivateRedis();
  addPeople(slack.fake);
});

afterAll(async () => {
  await llm?.close();
  await slack?.close();
  await redis?.close();
  tmp.cleanup();
});

/** Everything the bot sent to Slack: every API call's arguments, every response_url message, every uploaded file. */
function slackText(): string {
  const { fake } = slack;
  return [
    JSON.stringify(fake.calls().map((c) => c.args)),
    JSON.stringify(fake.ephemerals()),
    ...fake.files().map((f) => f.content?.toString('utf8') ?? ''),
  ].join('\n');
}

/** Secrets found in a sink's text, read as a person would (full-width forms and zero-width characters undone). */
function leaked(where: string, raw: string): string[] {
  const text = raw.normalize('NFKC').replace(/[\u00AD\u200B-\u200F\u2060-\u2064\uFEFF]/g, '');
  return SECRETS.filter((s) => text.includes(s.value)).map(
    (s) =>
      `${s.kind} in ${where}: …${text.slice(Math.max(0, text.indexOf(s.value) - 80), text.indexOf(s.value) + s.value.length + 20)}…`,
  );
}

/** Everything the app stored under `prefix` in Redis: documents, the audit stream, queue jobs. */
async function storeText(prefix: string): Promise<string> {
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    const out: string[] = [];
    for (const key of await client.keys(`${prefix}*`)) {
      const type = await client.type(key);
      if (type === 'string') out.push(String(await client.get(key)));
      else if (type === 'hash') out.push(JSON.stringify(await client.hgetall(key)));
      else if (type === 'stream') out.push(JSON.stringify(await client.xrange(key, '-', '+')));
      else if (type === 'list') out.push(JSON.stringify(await client.lrange(key, 0, -1)));
      else if (type === 'set') out.push(JSON.stringify(await client.smembers(key)));
      else if (type === 'zset') out.push(JSON.stringify(await client.zrange(key, '0', '-1')));
    }
    expect(out.length).toBeGreaterThan(0);
    return out.join('\n');
  } finally {
    client.disconnect();
  }
}

/** Opens an incident on a spawned app, waits for the synthesis, asks a follow-up and exports the audit trail. */
async function investigate(name: string, extraEnv: Record<string, string>): Promise<AppProcess> {
  const app = await spawnApp(
    appEnv({
      slackUrl: slack.url,
      evidenceDir: scenario,
      extra: { LOG_LEVEL: 'debug', REDIS_URL: redis.url, REDIS_PREFIX: `${name}:`, ...extraEnv },
    }),
  );
  try {
    const client = new SlackEventClient({ appUrl: app.url, signingSecret: SIGNING_SECRET, fake: slack.fake });
    const { channelId } = await client.openIncidentChannel(name, LEAD);
    await slack.fake.waitFor(() => allReplies(slack.fake, channelId).some(isSynthesis), 60_000, 'the synthesis');
    await client.sendCommand({ text: 'audit', user_id: SRE, channel_id: channelId });
    await client.sendCommand({ text: 'status', user_id: SRE, channel_id: channelId });
    await slack.fake.waitFor(
      (f) =>
        f.files().some((file) => file.channel === channelId && file.filename.endsWith('.jsonl')) &&
        f.ephemerals(channelId, SRE).length >= 2,
      20_000,
      'the audit file and the replies',
    );
    // The data did reach the bot: the seeded error lines show up as evidence somewhere in the thread.
    expect(JSON.stringify(slack.fake.messages(channelId))).toMatch(/REDACTED|redacted|secret handling failed|<\*>/);
    return app;
  } catch (err) {
    await app.kill('SIGKILL');
    throw err;
  }
}

/** A model that also searches the logs for secret-looking words, and repeats what it was shown. */
function nosyModel(req: RecordedRequest): ScriptedReply {
  const who = conversationOf(req);
  const turns = (req.body.messages as Array<{ role: string }>).filter((m) => m.role === 'assistant').length;
  if (who === 'logs' && turns === 0) {
    return {
      content: ['password', 'token', 'key', 'Bearer', 'PRIVATE KEY'].map((query) => ({
        type: 'tool_use' as const,
        name: 'logs_search',
        input: { query },
      })),
    };
  }
  return competentModel()(req);
}

it('keeps every secret out of Slack and the logs with the deterministic brain', async () => {
  expect(SECRETS.length).toBeGreaterThanOrEqual(100);
  expect(new Set(SECRETS.map((x) => x.kind)).size).toBeGreaterThanOrEqual(30);
  const app = await investigate('inc-secrets-deterministic', {});
  await app.kill('SIGTERM');
  expect([
    ...leaked('Slack', slackText()),
    ...leaked('the app logs', app.output()),
    ...leaked('the store', await storeText('inc-secrets-deterministic:')),
  ]).toEqual([]);
}, 90_000);

it('keeps every secret out of Slack, the model requests and the logs with Claude', async () => {
  llm.fake.respondWith(nosyModel);
  const app = await investigate('inc-secrets-claude', {
    ANTHROPIC_API_KEY: 'sk-ant-faults-secrets-000000000000000',
    ANTHROPIC_BASE_URL: llm.url,
  });
  await app.kill('SIGTERM');
  expect(llm.fake.requests.length).toBeGreaterThan(4);
  expect(llm.fake.scriptErrors).toEqual([]);
  // The searches found the seeded lines (so the model was shown them, redacted).
  expect(llm.fake.bodiesText()).toMatch(/REDACTED/);
  expect([
    ...leaked('Slack', slackText()),
    ...leaked('a request to the model', llm.fake.bodiesText()),
    ...leaked('the app logs', app.output()),
    ...leaked('the store', await storeText('inc-secrets-claude:')),
  ]).toEqual([]);
}, 90_000);

// Hostile and broken requests at the running bot: slash commands and button clicks with random unicode,
// 100 KB of text, missing or mistyped fields, bodies that are not what their content-type says. Each gets
// a clear ephemeral answer at its response_url or a 4xx, and the process stays up and healthy.
import { randomBytes } from 'node:crypto';
import {
  SlackEventClient,
  startSlackFake,
  type RunningSlackFake,
  type SlackHttpResult,
} from '../../src/demo/slack-fake';
import { Rng } from '../../tools/scenario/prng';
import { addPeople, appEnv, healthz, LEAD, SIGNING_SECRET, SRE } from '../helpers/faults';
import { spawnApp, type AppProcess } from '../helpers/spawn-app';

/** Slack gives up on a request after 3 s; anything slower than this is no answer at all. */
const ANSWER_MS = 5_000;

let slack: RunningSlackFake;
let app: AppProcess;
let client: SlackEventClient;
let incident: string;
let plain: string;

beforeAll(async () => {
  slack = await startSlackFake();
  addPeople(slack.fake);
  app = await spawnApp(appEnv({ slackUrl: slack.url }));
  // A request the app never answers must show up as a problem, not hang the suite.
  const fetchFn: typeof fetch = (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(ANSWER_MS) });
  client = new SlackEventClient({ appUrl: app.url, signingSecret: SIGNING_SECRET, fake: slack.fake, fetchFn });
  ({ channelId: incident } = await client.openIncidentChannel('inc-malformed', LEAD));
  plain = slack.fake.addChannel({ name: 'general', botIsMember: true });
  await slack.fake.waitFor(
    (f) => f.messages(incident).some((m) => m.replies.length > 0),
    20_000,
    'the first investigation thread',
  );
});

afterAll(async () => {
  await app?.kill('SIGKILL');
  await slack?.close();
});

// ---- generators (seeded: a failure names its case and replays the same way) ----

const ALPHABETS = [
  [0x20, 0x7e],
  [0x00, 0x1f],
  [0x80, 0x2ff],
  [0x590, 0x6ff] /* RTL */,
  [0x200b, 0x200f] /* zero-width, marks */,
  [0x2028, 0x202e] /* separators, bidi overrides */,
  [0x3040, 0x30ff],
  [0x4e00, 0x4e80],
  [0xfe00, 0xfe0f],
  [0xfff0, 0xffff],
  [0x1f300, 0x1f6ff] /* emoji */,
  [0xe0000, 0xe007f] /* tags */,
] as const;

function unicode(rng: Rng, max: number): string {
  const n = rng.int(0, max);
  let s = '';
  for (let i = 0; i < n; i += 1) {
    const roll = rng.next();
    if (roll < 0.03)
      s += String.fromCharCode(rng.int(0xd800, 0xdfff)); // a lone surrogate
    else if (roll < 0.1)
      s += rng.pick([
        '`',
        '*',
        '_',
        '~',
        '<!channel>',
        '<@U0DEMOLEAD>',
        '&amp;',
        '"',
        "'",
        '\\',
        '=',
        ' ',
        'since=',
        '${',
        '$(',
        '%00',
        '\n',
      ]);
    else {
      const [lo, hi] = rng.pick(ALPHABETS);
      s += String.fromCodePoint(rng.int(lo, hi));
    }
  }
  return s;
}

const SUBCOMMANDS = [
  '',
  'help',
  'status',
  'stop',
  'actions',
  'audit',
  'propose',
  'propose restart-pods',
  'propose restart-pods service=',
  'start since=',
  'nonsense',
];

interface Case {
  name: string;
  /** Events API deliveries have no response_url: an ack is the whole answer. */
  event?: boolean;
  send(): Promise<SlackHttpResult & { responseUrl?: string }>;
}

function commandCases(rng: Rng, n: number): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < n; i += 1) {
    const sub = rng.pick(SUBCOMMANDS);
    const text = `${sub} ${unicode(rng, 60)}`.trimStart();
    const channel = rng.next() < 0.5 ? incident : plain;
    cases.push({
      name: `command #${i} ${JSON.stringify(text).slice(0, 80)}`,
      send: () => client.sendCommand({ text, user_id: rng.pick([LEAD, SRE]), channel_id: channel }),
    });
  }
  const huge = 'x'.repeat(50_000) + unicode(new Rng(7), 2_000).repeat(10).slice(0, 50_000);
  cases.push({
    name: 'command with 100 KB of text',
    send: () =>
      client.sendCommand({ text: `propose restart-pods service=${huge}`, user_id: SRE, channel_id: incident }),
  });
  cases.push({
    name: 'command status with 100 KB of text',
    send: () => client.sendCommand({ text: `status ${huge}`, user_id: SRE, channel_id: incident }),
  });
  return cases;
}

/** A form-encoded request built field by field, with a response_url the fake serves. */
function rawForm(
  fields: Record<string, string>,
  withResponseUrl = true,
): () => Promise<SlackHttpResult & { responseUrl?: string }> {
  return async () => {
    const responseUrl = withResponseUrl
      ? slack.fake.createResponseUrl({ channel: fields.channel_id ?? incident, user: fields.user_id ?? SRE })
      : undefined;
    const body = new URLSearchParams({ ...fields, ...(responseUrl ? { response_url: responseUrl } : {}) }).toString();
    const r = await client.raw({ body, contentType: 'application/x-www-form-urlencoded' });
    return { ...r, ...(responseUrl ? { responseUrl } : {}) };
  };
}

function brokenCommands(): Case[] {
  const base = { command: '/triage', team_id: slack.fake.teamId, api_app_id: 'A0FAKEAPP1' };
  const trig = (): string => `${Date.now()}.${randomBytes(8).toString('hex')}`;
  return [
    {
      name: 'command without user_id',
      send: () => rawForm({ ...base, text: 'status', channel_id: incident, trigger_id: trig() })(),
    },
    {
      name: 'command without channel_id',
      send: () => rawForm({ ...base, text: 'status', user_id: SRE, trigger_id: trig() })(),
    },
    {
      name: 'command with empty ids',
      send: () => rawForm({ ...base, text: 'help', user_id: '', channel_id: '', trigger_id: trig() })(),
    },
    {
      name: 'command without text',
      send: () => rawForm({ ...base, user_id: SRE, channel_id: incident, trigger_id: trig() })(),
    },
    {
      name: 'command without a response_url',
      send: () => rawForm({ ...base, text: 'help', user_id: SRE, channel_id: incident, trigger_id: trig() }, false)(),
    },
  ];
}

type Action = Record<string, unknown>;

// Slack stamps every click with its own action_ts (part of the dedupe identity): never reuse one.
let clicks = 0;
const nextActionTs = (): string => `${Math.floor(Date.now() / 1000)}.${String((clicks += 1)).padStart(6, '0')}`;

function blockAction(
  mutate: (p: Record<string, unknown>) => void,
  opts: { actionId?: string; value?: unknown } = {},
): () => Promise<SlackHttpResult & { responseUrl?: string }> {
  return async () => {
    const responseUrl = slack.fake.createResponseUrl({ channel: incident, user: LEAD });
    const action: Action = {
      type: 'button',
      action_id: opts.actionId ?? 'approve_proposal',
      block_id: 'b1',
      value: opts.value ?? 'P-1:abc',
      action_ts: nextActionTs(),
    };
    const payload: Record<string, unknown> = {
      type: 'block_actions',
      api_app_id: 'A0FAKEAPP1',
      trigger_id: `${Date.now()}.${randomBytes(8).toString('hex')}`,
      user: { id: LEAD, username: 'dana' },
      team: { id: slack.fake.teamId },
      channel: { id: incident, name: 'inc-malformed' },
      container: { type: 'message', message_ts: '1.000001', channel_id: incident },
      response_url: responseUrl,
      actions: [action],
    };
    mutate(payload);
    const r = await client.raw({
      body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    return { ...r, responseUrl };
  };
}

function actionCases(rng: Rng, n: number): Case[] {
  const ids = ['approve_proposal', 'reject_proposal', 'dig_deeper'];
  const cases: Case[] = [];
  for (let i = 0; i < n; i += 1) {
    const actionId = rng.pick(ids.slice(0, 2)); // dig_deeper would start real rounds: a few fixed cases below
    const value = rng.next() < 0.8 ? unicode(rng, 80) : unicode(rng, 3000);
    cases.push({
      name: `${actionId} #${i} value ${JSON.stringify(value).slice(0, 60)}`,
      send: blockAction(() => undefined, { actionId, value }),
    });
  }
  const mutations: Array<[string, (p: Record<string, unknown>) => void]> = [
    [
      'actions not an array',
      (p) => {
        p.actions = { action_id: 'approve_proposal', value: 'P-1:abc' };
      },
    ],
    [
      'actions empty',
      (p) => {
        p.actions = [];
      },
    ],
    [
      'action value a number',
      (p) => {
        (p.actions as Action[])[0]!.value = 42;
      },
    ],
    [
      'action value an object',
      (p) => {
        (p.actions as Action[])[0]!.value = { nested: true };
      },
    ],
    [
      'action_id a number',
      (p) => {
        (p.actions as Action[])[0]!.action_id = 7;
      },
    ],
    [
      'no user',
      (p) => {
        delete p.user;
      },
    ],
    [
      'user a string',
      (p) => {
        p.user = LEAD;
      },
    ],
    [
      'no channel and no container',
      (p) => {
        delete p.channel;
        delete p.container;
      },
    ],
    [
      'channel id a number',
      (p) => {
        p.channel = { id: 5 };
        delete p.container;
      },
    ],
    [
      'actions a string',
      (p) => {
        p.actions = 'approve_proposal';
      },
    ],
    [
      'action null',
      (p) => {
        p.actions = [null];
      },
    ],
  ];
  for (const [name, m] of mutations) {
    for (const actionId of ids) cases.push({ name: `${actionId}: ${name}`, send: blockAction(m, { actionId }) });
  }
  return cases;
}

function brokenBodies(): Case[] {
  const raw = (name: string, body: string, contentType: string): Case => ({
    name,
    event: contentType === 'application/json',
    send: () => client.raw({ body, contentType }),
  });
  return [
    raw(
      'payload that is not JSON',
      new URLSearchParams({ payload: '{"type":"block_actions",' }).toString(),
      'application/x-www-form-urlencoded',
    ),
    raw(
      'payload that is JSON null',
      new URLSearchParams({ payload: 'null' }).toString(),
      'application/x-www-form-urlencoded',
    ),
    raw(
      'payload that is a JSON string',
      new URLSearchParams({ payload: '"hello"' }).toString(),
      'application/x-www-form-urlencoded',
    ),
    raw('empty form body', '', 'application/x-www-form-urlencoded'),
    raw('empty JSON body', '', 'application/json'),
    raw('JSON body that is not JSON', '{"type":"event_callback"', 'application/json'),
    raw('JSON array body', '[1,2,3]', 'application/json'),
    raw('form body sent as JSON', 'command=%2Ftriage&text=help', 'application/json'),
    raw('text/plain body', 'hello', 'text/plain'),
    raw('no content-type word', 'payload=x', 'application/octet-stream'),
    raw(
      'event_callback without event',
      JSON.stringify({ type: 'event_callback', event_id: 'Ev0MALFORMED1', team_id: 'T0FAKE0001' }),
      'application/json',
    ),
    raw(
      'app_mention without channel or text',
      JSON.stringify({
        type: 'event_callback',
        event_id: 'Ev0MALFORMED2',
        team_id: 'T0FAKE0001',
        event: { type: 'app_mention', user: LEAD, ts: '1.2' },
      }),
      'application/json',
    ),
    raw(
      'channel_created with a numeric name',
      JSON.stringify({
        type: 'event_callback',
        event_id: 'Ev0MALFORMED3',
        team_id: 'T0FAKE0001',
        event: { type: 'channel_created', channel: { id: 'C0X', name: 12 } },
      }),
      'application/json',
    ),
  ];
}

/** Sends `cases` with a few in flight at once. */
async function sendAll(
  cases: Case[],
  parallel: number,
): Promise<Array<{ c: Case; r: SlackHttpResult & { responseUrl?: string } }>> {
  const out: Array<{ c: Case; r: SlackHttpResult & { responseUrl?: string } }> = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        out.push({ c, r: await c.send().catch((err: unknown) => ({ status: -1, body: String(err), ms: ANSWER_MS })) });
      }
    }),
  );
  return out;
}

function answerAt(responseUrl: string): string | undefined {
  const id = responseUrl.split('/').pop() ?? '';
  const target = slack.fake.responseTargets.get(id);
  if (!target || target.uses === 0) return undefined;
  const e = slack.fake
    .ephemerals()
    .filter((x) => x.source === 'response_url' && x.channel === target.channel && x.user === target.user);
  return e.length > 0 ? e.map((x) => x.text).join('\n') : '(answered)';
}

it('answers every malformed command and click clearly or with a 4xx, and stays up', async () => {
  const rng = new Rng(20261127);
  const cases = [...commandCases(rng, 180), ...brokenCommands(), ...actionCases(rng, 90), ...brokenBodies()];
  expect(cases.length).toBeGreaterThanOrEqual(300);
  const results = await sendAll(cases, 8);

  const problems: string[] = [];
  for (const { c, r } of results) {
    if (r.status >= 400 && r.status < 500) continue;
    if (r.status !== 200)
      problems.push(`${c.name}: ${r.status === -1 ? `no HTTP answer within ${ANSWER_MS} ms` : `HTTP ${r.status}`}`);
  }
  // Every acked request with a response_url gets its answer there.
  const acked = results.filter(({ r }) => r.status === 200 && r.responseUrl);
  await slack.fake
    .waitFor(() => acked.every(({ r }) => answerAt(r.responseUrl!)), 30_000, 'an answer to every acked request')
    .catch(() => undefined);
  for (const { c, r } of acked) {
    const answer = answerAt(r.responseUrl!);
    if (!answer) problems.push(`${c.name}: acked, but no answer at its response_url`);
    else if (/Something went wrong/.test(answer))
      problems.push(`${c.name}: an internal error instead of a clear answer: ${answer.slice(0, 120)}`);
  }
  // An acked request with nowhere to answer must have been a 4xx instead.
  for (const { c, r } of results)
    if (r.status === 200 && !r.responseUrl && !c.event && !/without a response_url/.test(c.name))
      problems.push(`${c.name}: acked with no way to answer`);
  expect(problems).toEqual([]);

  expect((await healthz(app.port)).status).toBe(200);
  expect(app.child.exitCode).toBeNull();
  expect(app.output()).not.toMatch(/unhandled|uncaught|"level":"fatal"/i);
}, 180_000);

// Shared wiring for the fault suite (test/faults/**): a private redis-server that can be shut down and
// restarted on the same port and data dir, the Slack and Anthropic fakes, the env of a spawned app, a
// scripted Claude that plays scouts and the lead correctly, and readers of an investigation thread.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_SCENARIO, PACKAGE_ROOT } from '../../src/config';
import { lastToolResults, type RecordedRequest, type ScriptedReply } from '../support/anthropic-fake';
import type { FakeMessage, SlackFake } from '../../src/demo/slack-fake';
import { freePort } from './spawn-app';

const run = promisify(execFile);

export const SIGNING_SECRET = 'faults-signing-secret-0123456789';
/** The remediation catalog's approver (manifests/actions.yaml) and a second on-call person. */
export const LEAD = 'U0DEMOLEAD';
export const SRE = 'U0DEMOSRE';
/** Where the demo's stand-in kubectl lives: approved actions run it instead of a real cluster. */
export const DEMO_EXEC_PATH = path.join(PACKAGE_ROOT, 'examples', 'demo', 'bin');

/** A fresh temporary directory, removed by `cleanup`. */
export function tempDir(label: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `scout-faults-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A copy of the example scenario that a test may change. */
export function copyScenario(into: string): string {
  const dir = path.join(into, 'scenario');
  cpSync(DEFAULT_SCENARIO, dir, { recursive: true });
  return dir;
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** SHUTDOWN (persistence on: the AOF is fsynced first); resolves when the process has exited. */
  shutdown(): Promise<void>;
  /** Starts redis-server again on the same port and data dir; resolves when it answers PING. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a redis-server of this test's own (never the shared one) with append-only persistence. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const tmp = tempDir('redis');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const start = async (): Promise<void> => {
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        tmp.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    );
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    for (let i = 0; i < 100; i += 1) {
      try {
        const { stdout } = await run('redis-cli', ['-p', String(port), 'ping']);
        if (stdout.trim() === 'PONG') return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`redis-server on port ${port} did not answer PING`);
  };
  const shutdown = async (): Promise<void> => {
    if (!child || child.exitCode !== null) return;
    await run('redis-cli', ['-p', String(port), 'shutdown']).catch(() => undefined); // the connection drops as it exits
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    shutdown,
    start,
    async close() {
      if (child && child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      tmp.cleanup();
    },
  };
}

/** Env for `spawnApp` against the fakes. */
export function appEnv(o: {
  slackUrl: string;
  evidenceDir?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: o.slackUrl,
    EVIDENCE_DIR: o.evidenceDir ?? DEFAULT_SCENARIO,
    SCOUT_EXEC_PATH: DEMO_EXEC_PATH,
    ...o.extra,
  };
}

/** The people of the demo workspace, with the on-call group the catalog names. */
export function addPeople(fake: SlackFake): void {
  fake.addUser({ id: LEAD, name: 'dana', realName: 'Dana Lee' });
  fake.addUser({ id: SRE, name: 'sam', realName: 'Sam Ortiz' });
  fake.addUsergroup({ id: 'S0ONCALL', handle: 'oncall', users: [LEAD, SRE] });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** GET /healthz of an app; status 0 when it does not answer. */
export async function healthz(port: number): Promise<{ status: number; body: unknown }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3_000) });
    return { status: res.status, body: (await res.json()) as unknown };
  } catch {
    return { status: 0, body: null };
  }
}

/** Polls /healthz until it answers 200 or `timeoutMs` passes; returns the last status. */
export async function waitHealthy(port: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    last = (await healthz(port)).status;
    if (last === 200) return last;
    await sleep(100);
  }
  return last;
}

// ---- reading an investigation thread ----

export const isSynthesis = (m: FakeMessage): boolean => m.metadata?.event_type === 'incident_scout_hypotheses';
export const isProposal = (m: FakeMessage): boolean => m.metadata?.event_type === 'incident_scout_proposal';
/** The scout a finding reply is from (`Scout logs: ...`), or undefined for other replies. */
export const findingScout = (m: FakeMessage): string | undefined => /^Scout ([a-z]+)/.exec(m.text)?.[1];

/** Every investigation thread (top-level messages with replies) in a channel. */
export function threadsOf(fake: SlackFake, channel: string): Array<FakeMessage & { replies: FakeMessage[] }> {
  return fake.messages(channel).filter((m) => m.replies.length > 0 || /Investigation/i.test(m.text));
}

/** All replies in the channel, over every thread. */
export function allReplies(fake: SlackFake, channel: string): FakeMessage[] {
  return fake.messages(channel).flatMap((m) => m.replies);
}

/** How many times each scout's finding was posted in the channel. */
export function findingCounts(fake: SlackFake, channel: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of allReplies(fake, channel)) {
    const scout = findingScout(r);
    if (scout) counts[scout] = (counts[scout] ?? 0) + 1;
  }
  return counts;
}

/** Text plus blocks of a message: what a person reads. */
export function readable(m: { text: string; blocks?: unknown[] | undefined }): string {
  return `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;
}

// ---- a scripted Claude ----

const MAIN_TOOL: Record<string, string> = {
  logs: 'logs_patterns',
  metrics: 'metrics_anomalies',
  changes: 'changes_list',
};

interface Body {
  system?: Array<{ text: string }>;
  messages: Array<{ role: string }>;
}

/** Which conversation a request belongs to: the lead, or a scout by name. */
export function conversationOf(req: RecordedRequest): string {
  const sys = (req.body as unknown as Body).system?.[0]?.text ?? '';
  if (sys.includes('lead of an incident')) return 'lead';
  return /the "(\w+)" scout/.exec(sys)?.[1] ?? 'unknown';
}

/**
 * A model that does its job: each scout calls its main tool once, then reports one claim citing the
 * first evidence id it was given (echoing that evidence's text, as a model would quote it); the lead
 * submits payments as the top hypothesis. `delayMs` slows every answer down.
 */
export function competentModel(delayMs = 0): (req: RecordedRequest) => ScriptedReply {
  return (req) => {
    const reply = competentReply(req);
    return delayMs > 0 ? { delayMs, then: reply } : reply;
  };
}

function competentReply(req: RecordedRequest): Exclude<ScriptedReply, { delayMs: number }> {
  const who = conversationOf(req);
  const usage = { input_tokens: 800, output_tokens: 120 };
  if (who === 'lead') {
    return {
      content: [
        {
          type: 'tool_use',
          name: 'submit_hypotheses',
          input: {
            summary: 'payments deploy',
            hypotheses: [
              { service: 'payments', cause: 'deploy chg-1044 made db queries slow', confidence: 0.8, evidence: ['E1'] },
            ],
            red_herrings: [],
          },
        },
      ],
      usage,
    };
  }
  const turns = (req.body as unknown as Body).messages.filter((m) => m.role === 'assistant').length;
  if (turns === 0)
    return {
      content: [
        { type: 'text', text: 'Looking.' },
        { type: 'tool_use', name: MAIN_TOOL[who] ?? 'topology', input: {} },
      ],
      usage,
    };
  const result = lastToolResults(req)[0]?.text ?? '';
  const seen = /\[(E\d+)\]/.exec(result)?.[1] ?? 'E1';
  return {
    content: [
      {
        type: 'tool_use',
        name: 'report_findings',
        input: {
          summary: `${who} report`,
          confidence: 0.7,
          claims: [{ text: `${who}: ${result.slice(0, 400)}`, evidence: [seen] }],
        },
      },
    ],
    usage,
  };
}

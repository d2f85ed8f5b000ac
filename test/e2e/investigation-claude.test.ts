// The Claude brain end to end: the real app and the real Anthropic SDK (ANTHROPIC_API_KEY +
// ANTHROPIC_BASE_URL) against the project's Anthropic fake. What a person must be able to trust: a claim
// citing evidence no tool issued is shown as unverified; an overloaded API degrades to the deterministic
// plan and the thread says so; a scout scoped away from a service never sees that service's data.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SCENARIO } from '../../src/config';
import { lastToolResults } from '../support/anthropic-fake';
import {
  findingReplies,
  hypothesesOf,
  readable,
  repliesTo,
  startInvestigationApp,
  synthesisReplies,
  waitForSynthesis,
  type InvestigationApp,
} from '../helpers/investigation';
import {
  investigationResponder,
  reportFindings,
  requestsOf,
  TURN_USAGE,
  toolUse,
  toolUses,
} from '../helpers/investigation-claude';

const apps: InvestigationApp[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const a of apps) await a.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function claudeApp(env: Record<string, string> = {}): Promise<InvestigationApp> {
  const app = await startInvestigationApp({ claude: true, env });
  apps.push(app);
  return app;
}

async function investigate(app: InvestigationApp, name: string) {
  const { channelId } = await app.client.openIncidentChannel(name, 'U0ONCALL01');
  await waitForSynthesis(app.slack.fake, channelId, 1, 45_000);
  await app.runtime.queue.drain(20_000);
  const thread = app.slack.fake.messages(channelId).find((m) => /^Investigation · round 1/.test(m.text));
  if (!thread) throw new Error('no investigation thread');
  return { channelId, thread };
}

function findingOf(thread: Parameters<typeof findingReplies>[0], scout: string) {
  const f = findingReplies(thread).find((r) => r.text.startsWith(`Scout ${scout}:`));
  if (!f) throw new Error(`no finding reply from ${scout}`);
  return f;
}

describe('citations', () => {
  it('shows a claim citing an evidence id no tool issued (E999) as unverified, and one blaming a steady error as contradicted', async () => {
    const app = await claudeApp();
    const anthropic = app.anthropic!;
    anthropic.fake.respondWith(
      investigationResponder({
        scout: (t) => {
          if (t.scout !== 'logs') return undefined;
          if (t.turn === 0) {
            return toolUses([
              { name: 'logs_patterns', input: { service: 'payments', errors_only: true, limit: 5 } },
              { name: 'logs_patterns', input: { service: 'inventory', errors_only: true, limit: 5 } },
            ]);
          }
          const text = t.results.map((r) => r.text).join('\n');
          const rising = /\[(E\d+)\] payments \[(?:new|surging)\]/.exec(text)?.[1];
          const steady = /\[(E\d+)\] inventory \[steady\]/.exec(text)?.[1];
          if (!rising || !steady)
            throw new Error(`expected a new payments template and a steady inventory one in:\n${text}`);
          return reportFindings('Payments errors appeared at the onset.', [
            {
              text: 'Payment authorization failures are new since the onset.',
              evidence: [rising],
              service: 'payments',
            },
            { text: 'The ledger service reported a disk alarm.', evidence: ['E999'] },
            // Blames a template that was just as frequent before the onset: the analyzers contradict it.
            {
              text: 'Inventory token refresh errors caused the checkout outage.',
              evidence: [steady],
              service: 'inventory',
            },
          ]);
        },
        // The lead also tries to cite the made-up id: it must not reach the hypotheses.
        lead: (req) => {
          const text = JSON.stringify(req.body.messages);
          const real = /\[(E\d+)\]/.exec(text)?.[1] ?? 'E1';
          return toolUse('submit_hypotheses', {
            summary: 'Payments deploy.',
            red_herrings: [],
            hypotheses: [
              {
                service: 'payments',
                cause: 'deploy chg-1044 made authorization slow',
                confidence: 0.8,
                evidence: [real, 'E999'],
              },
            ],
          });
        },
      }),
    );
    const { thread } = await investigate(app, 'inc-claude-citations');

    const logs = readable(findingOf(thread, 'logs'));
    expect(findingOf(thread, 'logs').text).toContain('(1 verified, 1 unverified, 1 contradicted)');
    const lines = logs.split('\n');
    expect(lines.find((l) => l.includes('The ledger service reported a disk alarm.'))).toMatch(/unverified/);
    expect(lines.find((l) => l.includes('The ledger service reported a disk alarm.'))).toContain('E999');
    expect(logs).toMatch(/cites E999, which this scout's tool gate never issued/);
    expect(lines.find((l) => l.includes('Payment authorization failures are new since the onset.'))).toMatch(
      /:white_check_mark: verified/,
    );
    const blame = lines.findIndex((l) => l.includes('Inventory token refresh errors caused the checkout outage.'));
    expect(lines[blame]).toMatch(/:no_entry: contradicted/);
    expect(lines[blame + 1]).toMatch(/was steady: already as frequent before the onset/);

    const meta = hypothesesOf(synthesisReplies(thread)[0]!);
    expect(meta.hypotheses[0]?.service).toBe('payments');
    expect(meta.hypotheses[0]?.evidence).not.toContain('E999');
    expect(meta.hypotheses[0]?.evidence.length).toBeGreaterThan(0);
    expect(anthropic.fake.scriptErrors).toEqual([]);
  });
});

describe('LLM faults', () => {
  it('falls back to the deterministic plan after a run of 529s, says so in the thread, and still ranks payments first', async () => {
    const app = await claudeApp();
    const anthropic = app.anthropic!;
    const overloaded = new Set(['logs', 'metrics']);
    anthropic.fake.respondWith(
      investigationResponder({ scout: (t) => (overloaded.has(t.scout) ? { status: 529 } : undefined) }),
    );
    const { thread } = await investigate(app, 'inc-claude-overloaded');

    for (const scout of overloaded) {
      const reply = findingOf(thread, scout);
      expect(readable(reply)).toMatch(/Fell back to the deterministic plan: the Claude API was overloaded \(529\)/);
      expect(readable(reply)).toContain('· deterministic analyzers');
      // The deterministic plan still brings evidence and checked claims.
      expect(readable(reply)).toMatch(/`E\d+`/);
      // The SDK retried before giving up: one request plus its retries, no more.
      expect(requestsOf(anthropic.fake.requests, scout)).toHaveLength(1 + app.config.anthropic.maxRetries);
    }
    // The scout that was not overloaded stayed on Claude.
    expect(readable(findingOf(thread, 'changes'))).toContain('· Claude');
    expect(readable(findingOf(thread, 'changes'))).not.toContain('Fell back');
    // The status card shows which scouts fell back.
    const card = readable(thread);
    for (const scout of overloaded) expect(card).toMatch(new RegExp(`:warning: \\*${scout}\\* fallback`));
    expect(card).toMatch(/\*changes\* done/);
    expect(hypothesesOf(synthesisReplies(thread)[0]!).hypotheses[0]?.service).toBe('payments');
  });
});

describe('scout scope', () => {
  it('refuses a scoped scout’s call for another service, tells the scout, audits it, and keeps that data out of its finding', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scout-scope-'));
    dirs.push(dir);
    writeFileSync(
      path.join(dir, 'scouts.yaml'),
      [
        'scouts:',
        '  - name: checkout-logs',
        '    purpose: Reads only the checkout service logs, nothing else.',
        '    tools: [logs_patterns, logs_search]',
        '    scope: { services: [checkout], sources: ["*"] }',
        '    budget: { max_tool_calls: 6, max_turns: 5, max_seconds: 60, max_output_tokens: 3000 }',
      ].join('\n'),
    );
    writeFileSync(path.join(dir, 'incident-scout.yaml'), `manifests:\n  scouts: ${path.join(dir, 'scouts.yaml')}\n`);
    const app = await claudeApp({ TRIAGE_CONFIG: path.join(dir, 'incident-scout.yaml') });
    expect(app.config.scouts.map((s) => s.name)).toEqual(['checkout-logs']);
    const anthropic = app.anthropic!;
    anthropic.fake.respondWith(
      investigationResponder({
        scout: (t) => {
          if (t.turn === 0) {
            // One call names payments outright, one asks for everything with no service at all.
            return toolUses([
              { name: 'logs_patterns', input: { service: 'payments', limit: 10 } },
              { name: 'logs_search', input: { query: 'payment' } },
            ]);
          }
          return reportFindings('Checkout saw failing calls.', [
            { text: 'Checkout logged failures at the onset.', evidence: t.issuedIds.slice(0, 2) },
          ]);
        },
      }),
    );
    const { channelId, thread } = await investigate(app, 'inc-claude-scope');

    const scoutRequests = requestsOf(anthropic.fake.requests, 'checkout-logs');
    expect(scoutRequests.length).toBeGreaterThanOrEqual(2);
    // The refusal came back to the scout as an error tool_result in its next request.
    const results = lastToolResults(scoutRequests[1]!);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ is_error: true });
    expect(results[0]?.text).toMatch(/refused: service "payments" is outside the scope of scout checkout-logs/);
    // The search without a service (which over all services would match payments' "Authorized payment"
    // lines) came back filtered to what the scout may read.
    expect(results[1]?.is_error).toBe(false);
    expect(results[1]?.text).toMatch(/\[E1\] checkout "/);

    // Payments' own log lines (its Java controller, its new authorization error) reached neither the
    // model (any request of this scout) nor the scout's finding reply.
    const seenByScout = scoutRequests.map((r) => JSON.stringify(r.body.messages)).join('\n');
    const reply = readable(findingReplies(thread)[0]!);
    for (const text of [seenByScout, reply]) {
      expect(text).not.toMatch(/PaymentController/);
      expect(text).not.toMatch(/Payment authorization failed/);
      expect(text).not.toMatch(/payments \[(new|surging|steady)\]/);
      expect(text).not.toMatch(/\bpayments \\?"/);
    }

    const audit = await app.runtime.store.readAudit(channelId);
    const refused = audit.filter((r) => r.kind === 'tool_refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      actor: 'checkout-logs',
      detail: { tool: 'logs_patterns', reason: 'scope_denied' },
    });
    expect(String(refused[0]?.detail.args)).toContain('payments');
    // Only the in-scope search ran.
    const calls = audit.filter((r) => r.kind === 'tool_call' && r.actor === 'checkout-logs');
    expect(calls.length).toBe(1);
  });
});

describe('/triage status with the Claude brain', () => {
  it('reports each scout’s tool calls and tokens against its budget', async () => {
    const app = await claudeApp();
    app.anthropic!.fake.respondWith(investigationResponder());
    const { channelId } = await investigate(app, 'inc-claude-status');
    const r = await app.client.sendCommand({ text: 'status', user_id: 'U0ONCALL01', channel_id: channelId });
    expect(r.status).toBe(200);
    const reply = await app.slack.fake.waitFor(
      () => repliesTo(app.slack.fake, channelId, 'U0ONCALL01').find((t) => t.includes('Investigation round 1')),
      5000,
      'status reply',
    );
    expect(reply).toMatch(/: \*done\* \(started by the channel.s creation/);
    expect(reply).toContain(', Claude)');
    for (const scout of app.config.scouts) {
      // The default scripted scout makes one tool call over two turns, each turn TURN_USAGE.output_tokens.
      const line = reply.split('\n').find((l) => l.includes(`*${scout.name}*:`));
      expect(line).toContain(`1/${scout.budget.max_tool_calls} tool calls`);
      expect(line).toContain(`${2 * TURN_USAGE.output_tokens}/${scout.budget.max_output_tokens} output tokens`);
    }
  });
});

describe('secrets in evidence', () => {
  it('never sends a password, token or e-mail address from a log line to the model or to Slack', async () => {
    // The example scenario, with payments logging a connection string, a Slack token and an e-mail
    // address in the incident window.
    const dir = mkdtempSync(path.join(tmpdir(), 'scout-secrets-'));
    dirs.push(dir);
    cpSync(DEFAULT_SCENARIO, dir, { recursive: true });
    const logFile = path.join(dir, 'logs', 'payments.log');
    const lines = readFileSync(logFile, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('2026-11-27 03:04:31.839'));
    expect(at).toBeGreaterThan(0);
    const secretLine = (ms: string) =>
      `2026-11-27 03:04:31.${ms} ERROR 1 --- [nio-8080-exec-21] c.s.payments.db.LedgerClient       : ledger connect failed ` +
      'url=postgres://ledger_rw:Hunter2Secret@ledger-db:5432/ledger token=xoxb-1234567890-abcdefghijkl owner=ops.oncall@example.com';
    lines.splice(at + 1, 0, secretLine('900'), secretLine('950'));
    writeFileSync(logFile, lines.join('\n'));
    const secrets = [
      'Hunter2Secret',
      'xoxb-1234567890-abcdefghijkl',
      'ops.oncall@example.com',
      'sk-ant-api03-LEAKEDLEAKEDLEAKEDLEAKED',
    ];

    const app = await claudeApp({ EVIDENCE_DIR: dir });
    const anthropic = app.anthropic!;
    anthropic.fake.respondWith(
      investigationResponder({
        scout: (t) => {
          if (t.scout !== 'logs') return undefined;
          if (t.turn === 0) return toolUse('logs_search', { query: 'ledger connect failed', service: 'payments' });
          // A model may echo a secret it should not know; what it writes goes to Slack, so it is redacted too.
          return reportFindings('Payments cannot reach its ledger database.', [
            {
              text: 'Ledger connections fail since the onset (key sk-ant-api03-LEAKEDLEAKEDLEAKEDLEAKED seen).',
              evidence: t.issuedIds.slice(0, 1),
              service: 'payments',
            },
          ]);
        },
      }),
    );
    const { channelId, thread } = await investigate(app, 'inc-claude-secrets');

    // The model saw the line, with the secrets replaced.
    const logsRequests = requestsOf(anthropic.fake.requests, 'logs');
    const result = lastToolResults(logsRequests[1]!)[0]?.text ?? '';
    expect(result).toContain('ledger connect failed');
    expect(result).toContain('postgres://ledger_rw:[REDACTED:password]@ledger-db');
    expect(result).toContain('[REDACTED:email]');
    const toModel = anthropic.fake.bodiesText();
    const inSlack = app.slack.fake
      .messages(channelId)
      .flatMap((m) => [m, ...m.replies])
      .map((m) => readable(m))
      .join('\n');
    const audit = JSON.stringify(await app.runtime.store.readAudit(channelId));
    for (const secret of secrets.slice(0, 3)) {
      expect(toModel).not.toContain(secret);
      expect(inSlack).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
    expect(inSlack).not.toContain(secrets[3]);
    const reply = readable(findingOf(thread, 'logs'));
    expect(reply).toContain('Ledger connections fail since the onset');
    expect(reply).toContain('[REDACTED:');
    expect(reply).toMatch(/ledger connect failed url=postgres:\/\/ledger_rw:\[REDACTED:password\]@/);
  });
});

// An incident channel opens and the whole bot investigates it (deterministic brain, files source):
// kickoff, one thread whose parent is the status card, a reply per scout, and a synthesis whose metadata
// ranks the true root cause first, citing evidence the findings showed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateScenario } from '../../tools/scenario';
import type { SlackFake } from '../../src/demo/slack-fake';
import {
  evidenceIdsIn,
  findingReplies,
  hypothesesOf,
  investigationThreads,
  readable,
  startInvestigationApp,
  synthesisReplies,
  waitForSynthesis,
  type InvestigationApp,
} from '../helpers/investigation';

const apps: InvestigationApp[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const a of apps) await a.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Opens `inc-<name>` with a signed channel_created and waits for the round's synthesis. */
async function openAndInvestigate(app: InvestigationApp, name: string) {
  const { channelId, result } = await app.client.openIncidentChannel(name, 'U0ONCALL01');
  expect(result.status).toBe(200);
  const thread = await waitForSynthesis(app.slack.fake, channelId);
  // The card's final edit happens before the synthesis is posted; give the queue a moment to go idle.
  await app.runtime.queue.drain(20_000);
  return { channelId, thread: app.slack.fake.messages(channelId).find((m) => m.ts === thread.ts) ?? thread };
}

function updatesOf(fake: SlackFake, channel: string, ts: string): number {
  return fake.calls('chat.update').filter((c) => c.ok && c.args.channel === channel && c.args.ts === ts).length;
}

describe('an incident channel is investigated end to end (deterministic brain)', () => {
  it('posts a kickoff, one investigation thread with a finished status card, a reply per scout and a synthesis ranking payments first', async () => {
    const app = await startInvestigationApp();
    apps.push(app);
    const { fake } = app.slack;
    const { channelId, thread } = await openAndInvestigate(app, 'inc-checkout-latency');

    const top = fake.messages(channelId);
    // Kickoff first, then the investigation's status card: nothing else at the top level.
    expect(top).toHaveLength(2);
    expect(readable(top[0]!)).toContain('Incident Scout is on it.');
    expect(investigationThreads(fake, channelId)).toHaveLength(1);
    expect(top[1]!.ts).toBe(thread.ts);

    // The card was edited in place while the scouts ran, and shows the final state of every scout.
    expect(updatesOf(fake, channelId, thread.ts)).toBeGreaterThan(0);
    const card = readable(thread);
    expect(thread.text).toMatch(/^Investigation · round 1 · done/);
    for (const scout of app.config.scouts) expect(card).toMatch(new RegExp(`\\*${scout.name}\\* done`));
    expect(card).not.toContain('/triage stop` to stop');

    const findings = findingReplies(thread);
    expect(findings.length).toBeGreaterThanOrEqual(3);
    expect(findings.map((f) => f.text.split(':')[0]).sort()).toEqual(
      app.config.scouts.map((s) => `Scout ${s.name}`).sort(),
    );

    const syntheses = synthesisReplies(thread);
    expect(syntheses).toHaveLength(1);
    const meta = hypothesesOf(syntheses[0]!);
    expect(meta.investigation_id).toMatch(/^inv-/);
    expect(meta.hypotheses[0]).toMatchObject({ rank: 1, service: 'payments' });
    expect(meta.hypotheses.map((h) => h.rank)).toEqual(meta.hypotheses.map((_, i) => i + 1));
    // The top hypothesis cites evidence, and every id it shows was shown to people in a finding reply,
    // where evidence is numbered E1, E2 ... in the order the thread shows it.
    const shown = new Set(findings.flatMap((f) => [...evidenceIdsIn(f)]));
    expect(meta.hypotheses[0]!.evidence.length).toBeGreaterThan(0);
    const topFor = forIdsOfTop(syntheses[0]!);
    expect(topFor.length).toBe(meta.hypotheses[0]!.evidence.length);
    for (const id of topFor) expect(shown).toContain(id);
    const firstSeen = [...new Set(findings.flatMap((f) => [...evidenceIdsIn(f)]))].map((id) => Number(id.slice(1)));
    expect(firstSeen).toEqual([...firstSeen].sort((a, b) => a - b));
    // What a person reads matches the metadata: payments at rank 1, the culprit deploy named.
    expect(readable(syntheses[0]!)).toMatch(/\*1\. payments\*/);
    expect(readable(syntheses[0]!)).toContain('chg-1044');
    // The scenario's red herrings are named as such: inventory's steady errors, the unrelated notifications deploy.
    const herrings = readable(syntheses[0]!).split('*Red herrings*')[1] ?? '';
    expect(herrings).toMatch(/inventory .*cache miss for sku/);
    expect(herrings).toMatch(/inventory .*failed to refresh token/);
    expect(herrings).toMatch(/deploy notifications v1\.8\.3/);
  });

  it('ranks the generated scenario’s root cause (inventory) first when that is what broke', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scout-inv-e2e-'));
    dirs.push(dir);
    const truth = generateScenario({ seed: 7, rootCause: 'inventory', out: dir });
    const app = await startInvestigationApp({ env: { EVIDENCE_DIR: dir } });
    apps.push(app);
    const { thread } = await openAndInvestigate(app, 'inc-inventory-slow');

    expect(findingReplies(thread).length).toBeGreaterThanOrEqual(3);
    const meta = hypothesesOf(synthesisReplies(thread)[0]!);
    expect(meta.hypotheses[0]?.service).toBe('inventory');
    const shown = new Set(findingReplies(thread).flatMap((f) => [...evidenceIdsIn(f)]));
    for (const id of forIdsOfTop(synthesisReplies(thread)[0]!)) expect(shown).toContain(id);
    expect(readable(synthesisReplies(thread)[0]!)).toContain(truth.culpritChange);
    const herrings = readable(synthesisReplies(thread)[0]!).split('*Red herrings*')[1] ?? '';
    expect(herrings).toContain(truth.steadyErrorService);
  });
});

/** The evidence ids the synthesis shows for its top hypothesis (its "For:" line). */
function forIdsOfTop(m: { text: string; blocks?: unknown[] | undefined }): string[] {
  const line = /\*1\. [^*]+\*[^]*?For: ([^\n"]*)/.exec(readable(m))?.[1] ?? '';
  return line.match(/\bE\d+\b/g) ?? [];
}

// A whole round over the example scenario (root cause: a bad payments deploy) with the deterministic
// brain, as people see it in the Slack thread.
import { startSlackFake, type RunningSlackFake } from '../../../src/demo/slack-fake';
import type { EvidenceSource, LogEvent } from '../../../src/evidence/types';
import { openFilesSource } from '../../../src/evidence/sources';
import { makeHarness, readable, scenarioConfig, type Harness } from './harness';
import { findingDocs, investigationDocs } from '../../../src/store/kinds';

let slack: RunningSlackFake;

beforeAll(async () => {
  slack = await startSlackFake();
});

afterAll(async () => {
  await slack.close();
});

describe('a deterministic round over the checkout-latency scenario', () => {
  let h: Harness;
  afterEach(async () => {
    await h.queue.close();
  });

  it('posts a status card, one reply per scout finding and a synthesis whose metadata ranks payments first', async () => {
    h = makeHarness(slack);
    const { investigation, created } = await h.svc.start({ incident: h.incident, trigger: 'channel_created' });
    expect(created).toBe(true);
    await h.queue.drain(30_000);

    const threads = slack.fake.messages(h.channel);
    expect(threads).toHaveLength(1);
    const card = threads[0]!;
    expect(card.text).toMatch(/round 1 · done/);
    for (const scout of ['logs', 'metrics', 'changes']) expect(readable(card)).toContain(`*${scout}* done`);

    const findings = card.replies.filter((r) => /^Scout /.test(r.text));
    expect(findings.length).toBeGreaterThanOrEqual(3);
    const changes = findings.find((r) => r.text.startsWith('Scout changes'))!;
    expect(readable(changes)).toMatch(/deploy payments/);
    expect(readable(changes)).toMatch(/Discounted: deploy notifications/);
    const logs = findings.find((r) => r.text.startsWith('Scout logs'))!;
    expect(readable(logs)).toMatch(/inventory .*likely a red herring/);

    const synthesis = card.replies.find((r) => r.metadata?.event_type === 'incident_scout_hypotheses')!;
    expect(synthesis).toBeDefined();
    const payload = synthesis.metadata!.event_payload as {
      investigation_id: string;
      hypotheses: Array<{ rank: number; service: string; confidence: number; evidence: string[] }>;
    };
    expect(payload.investigation_id).toBe(investigation.id);
    expect(payload.hypotheses[0]).toMatchObject({ rank: 1, service: 'payments' });
    expect(payload.hypotheses[0]!.confidence).toBeGreaterThan(payload.hypotheses[1]!.confidence);
    expect(payload.hypotheses[0]!.evidence.length).toBeGreaterThan(0);
    expect(readable(synthesis)).toContain('"action_id":"dig_deeper"');
    expect(readable(synthesis)).toContain(`"value":"${investigation.id}"`);
    expect(readable(synthesis)).toMatch(/Red herrings/);

    // Every id the synthesis cites was issued by a gate and appears in a finding reply.
    const shown = findings.map(readable).join('\n');
    for (const id of payload.hypotheses[0]!.evidence) expect(shown).toContain(id);

    const audit = await h.store.readAudit(h.channel);
    expect(audit.filter((a) => a.kind === 'tool_call').length).toBeGreaterThanOrEqual(3);
    expect(audit.some((a) => a.kind === 'synthesis')).toBe(true);
  });

  it('does not start a second round while one exists, and a re-run job posts nothing twice', async () => {
    h = makeHarness(slack);
    const a = await h.svc.start({ incident: h.incident, trigger: 'channel_created' });
    const b = await h.svc.start({ incident: h.incident, trigger: 'channel_created' });
    expect(b.created).toBe(false);
    expect(b.investigation.id).toBe(a.investigation.id);
    await h.queue.drain(30_000);
    const before = slack.fake.messages(h.channel);
    // A retried job (a crashed worker's) runs the handler again for the same investigation.
    await investigationDocs
      .in(h.store)
      .update(a.investigation.id, (cur) => (cur ? { ...cur, state: 'running' } : undefined));
    await h.svc.handleJob(
      { investigationId: a.investigation.id },
      { id: a.investigation.id, attempt: 2, signal: new AbortController().signal },
    );
    const after = slack.fake.messages(h.channel);
    expect(after).toHaveLength(1);
    expect(after[0]!.replies.map((r) => r.ts)).toEqual(before[0]!.replies.map((r) => r.ts));
  });

  it('answers a follow-up about errors with the logs scout in the thread', async () => {
    h = makeHarness(slack);
    await h.svc.start({ incident: h.incident, trigger: 'channel_created' });
    await h.queue.drain(30_000);
    const card = slack.fake.messages(h.channel)[0]!;
    await h.svc.followUp({
      incidentId: h.channel,
      threadTs: card.ts,
      question: 'what errors does payments log?',
      userId: 'U1',
    });
    await h.queue.drain(30_000);
    const replies = slack.fake.replies(h.channel, card.ts);
    const answer = replies[replies.length - 1]!;
    expect(answer.text).toMatch(/^Scout logs: Re: “what errors does payments log\?”/);
    expect(readable(answer)).toContain('Payment authorization failed');
  });
});

/** The scenario, with log reads held until the test lets them go (a slow backend). */
class HeldLogs implements EvidenceSource {
  readonly name = 'files';
  private release!: () => void;
  readonly held = new Promise<void>((r) => (this.release = r));
  constructor(private readonly inner: EvidenceSource) {}
  capabilities = () => this.inner.capabilities();
  clock = () => this.inner.clock();
  incident = () => this.inner.incident();
  metrics = (q: Parameters<EvidenceSource['metrics']>[0]) => this.inner.metrics(q);
  changes = (q: Parameters<EvidenceSource['changes']>[0]) => this.inner.changes(q);
  topology = () => this.inner.topology();
  problems = () => this.inner.problems();
  private reads = 0;
  /** The first read dates the onset before the scouts start; the scouts' reads wait for `let()`. */
  async *logs(q: Parameters<EvidenceSource['logs']>[0]): AsyncIterable<LogEvent> {
    if (this.reads++ > 0) await this.held;
    yield* this.inner.logs(q);
  }
  let(): void {
    this.release();
  }
}

describe('stopping a round', () => {
  it('posts the findings that arrived and a partial result when a person stops it mid-round', async () => {
    const source = new HeldLogs(openFilesSource(scenarioConfig().evidence.dir as string));
    const h = makeHarness(slack, { source });
    const { investigation } = await h.svc.start({ incident: h.incident, trigger: 'slash', userId: 'U0ALICE' });
    // Wait until the scouts that do not read logs have reported.
    for (let i = 0; i < 400; i++) {
      const done = await Promise.all(
        ['metrics', 'changes'].map((s) => findingDocs.in(h.store).get(`${investigation.id}:${s}`)),
      );
      if (done.every(Boolean)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const stopped = await h.svc.stop(h.channel, 'U0ALICE');
    expect(stopped?.stopRequested).toBe(true);
    await h.queue.drain(30_000);
    source.let();

    const card = slack.fake.messages(h.channel)[0]!;
    expect(card.text).toMatch(/stopped/);
    expect(readable(card)).toMatch(/\*logs\* stopped/);
    const texts = card.replies.map((r) => r.text);
    expect(texts.filter((t) => /^Scout (metrics|changes)/.test(t))).toHaveLength(2);
    expect(texts.some((t) => /^Scout logs/.test(t))).toBe(false);
    expect(texts.some((t) => /Stopped early: a person asked it to stop/.test(t))).toBe(true);
    const synthesis = card.replies.find((r) => r.metadata?.event_type === 'incident_scout_hypotheses')!;
    expect(synthesis.text).toMatch(/^Partial result/);
    expect((await h.svc.status(h.channel))?.state).toBe('stopped');
    await h.queue.close();
  });
});

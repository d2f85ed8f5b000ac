import type { KnownBlock } from '@slack/types';
import type { Finding, Investigation, Synthesis } from '../../../../src/domain/types';
import {
  hypothesesMetadata,
  renderFinding,
  renderNote,
  renderStatusCard,
  renderSynthesis,
  synthesisEvidence,
} from '../../../../src/slack/views/investigation';
import { renderStatusReply } from '../../../../src/slack/views/replies';

const NOW = Date.parse('2026-11-27T03:10:00Z');

function inv(over: Partial<Investigation> = {}): Investigation {
  return {
    id: 'inv-C1-1',
    incidentId: 'C1',
    channelId: 'C1',
    round: 1,
    state: 'running',
    trigger: 'channel_created',
    window: { from: '2026-11-27T02:02:00Z', onset: '2026-11-27T03:02:00Z', to: '2026-11-27T03:08:00Z' },
    brain: 'claude',
    scouts: [
      {
        name: 'logs',
        state: 'running',
        startedAt: '2026-11-27T03:09:30Z',
        toolCalls: 3,
        maxToolCalls: 8,
        inputTokens: 2400,
        outputTokens: 300,
        maxOutputTokens: 4000,
      },
      {
        name: 'metrics',
        state: 'fallback',
        startedAt: '2026-11-27T03:09:00Z',
        finishedAt: '2026-11-27T03:09:20Z',
        toolCalls: 1,
        maxToolCalls: 8,
        inputTokens: 0,
        outputTokens: 0,
        maxOutputTokens: 4000,
        note: 'fell back: overloaded',
      },
    ],
    createdAt: '2026-11-27T03:09:00Z',
    updatedAt: '2026-11-27T03:09:00Z',
    ...over,
  };
}

/** Checks Slack's limits on a list of blocks. */
function expectWithinSlackLimits(blocks: KnownBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const b of blocks) {
    if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150);
    if (b.type === 'context') {
      expect(b.elements.length).toBeLessThanOrEqual(10);
      for (const e of b.elements)
        if ('text' in e && typeof e.text === 'string') expect(e.text.length).toBeLessThanOrEqual(2000);
    }
    if (b.type === 'actions') {
      for (const e of b.elements) {
        if (e.type !== 'button') continue;
        expect(e.text.text.length).toBeLessThanOrEqual(75);
        expect((e.value ?? '').length).toBeLessThanOrEqual(2000);
      }
    }
  }
}

const huge = 'x'.repeat(10_000);

function finding(over: Partial<Finding> = {}): Finding {
  return {
    investigationId: 'inv-C1-1',
    scout: 'logs',
    summary: 'New errors in payments.',
    confidence: 0.6,
    brain: 'claude',
    claims: [
      { text: 'payments logs a new authorization error', evidence: ['E3'], service: 'payments', status: 'verified' },
      {
        text: 'payments is the root cause',
        evidence: ['E999'],
        status: 'unverified',
        note: "cites E999, which this scout's tool gate never issued",
      },
      {
        text: 'inventory token errors caused it',
        evidence: ['E4'],
        status: 'contradicted',
        note: 'the log template it blames (E4) was steady',
      },
    ],
    evidence: [
      {
        id: 'E3',
        scout: 'logs',
        tool: 'logs_patterns',
        source: 'files',
        service: 'payments',
        excerpt: 'payments [new] "Payment authorization failed" <!channel> baseline 0 → 32',
        sparkline: '▁▁▁▁▇█',
      },
      {
        id: 'E4',
        scout: 'logs',
        tool: 'logs_patterns',
        source: 'files',
        service: 'inventory',
        excerpt: 'inventory [steady] "failed to refresh token"',
      },
    ],
    ...over,
  };
}

describe('renderStatusCard', () => {
  it('shows each scout with state, elapsed time, tool calls and tokens against budget', () => {
    const v = renderStatusCard(inv(), NOW);
    const text = JSON.stringify(v.blocks);
    expect(text).toContain('*logs* running · 30s · tools 3/8 · tokens 2.4k in / 300 of 4.0k out');
    expect(text).toContain('*metrics* fallback · 20s · tools 1/8');
    expect(text).toContain('fell back: overloaded');
    // The window is on the incident's clock, and says so.
    expect(text).toContain('Incident clock: baseline from 02:02 UTC, onset *03:02 UTC*');
    expect(text).toContain('`/triage stop` to stop');
    expect(v.text).toMatch(/round 1 · running/);
    expectWithinSlackLimits(v.blocks);
  });

  it('hides tokens with the deterministic brain and the stop hint once done', () => {
    const text = JSON.stringify(
      renderStatusCard(inv({ brain: 'deterministic', state: 'synthesized', finishedAt: '2026-11-27T03:09:40Z' }), NOW)
        .blocks,
    );
    expect(text).not.toContain('tokens');
    expect(text).not.toContain('/triage stop');
    expect(text).toContain('40s elapsed');
  });

  it('says in words who started the round, mentioning the person, never the raw trigger', () => {
    const byPerson = JSON.stringify(renderStatusCard(inv({ trigger: 'slash:U0ONCALL01' }), NOW).blocks);
    expect(byPerson).toContain('started by /triage start (<@U0ONCALL01>)');
    expect(byPerson).not.toContain('slash:');
    expect(JSON.stringify(renderStatusCard(inv({ trigger: 'alert' }), NOW).blocks)).toContain('started by an alert');
  });

  it('`/triage status` says the state and who started the round in the same words as the card', () => {
    const reply = renderStatusReply(
      inv({ trigger: 'channel_created:U0LEAD', state: 'synthesized', finishedAt: '2026-11-27T03:09:40Z' }),
      'inc-checkout',
    );
    expect(reply.text).toContain("*done* (started by the channel's creation (<@U0LEAD>),");
    expect(reply.text).not.toContain('channel_created');
    expect(reply.text).not.toContain('synthesized');
  });

  it('shows a scout that never started in a stopped round as not run, not as queued', () => {
    const queued = { ...inv().scouts[0]!, state: 'queued' as const, toolCalls: 0 };
    const v = renderStatusCard(inv({ state: 'stopped', finishedAt: '2026-11-27T03:09:40Z', scouts: [queued] }), NOW);
    expect(v.text).toContain('round 1 · stopped: logs not run');
    expect(JSON.stringify(v.blocks)).toContain('*logs* not run');
    expect(JSON.stringify(v.blocks)).not.toContain('queued');
    expect(renderStatusCard(inv({ scouts: [queued] }), NOW).text).toContain('logs queued');
  });

  it('stays within limits with a huge focus and many scouts', () => {
    const scouts = Array.from({ length: 80 }, (_, i) => ({ ...inv().scouts[0]!, name: `s${i}`, note: huge }));
    expectWithinSlackLimits(renderStatusCard(inv({ focus: huge, scouts }), NOW).blocks);
  });
});

describe('renderFinding', () => {
  it('marks each claim verified, unverified or contradicted, with the reason and the evidence behind it', () => {
    const v = renderFinding(finding());
    const text = JSON.stringify(v.blocks);
    expect(text).toContain(':white_check_mark: verified · payments logs a new authorization error `E3`');
    expect(text).toContain(':grey_question: unverified · payments is the root cause `E999`');
    expect(text).toContain("cites E999, which this scout's tool gate never issued");
    expect(text).toContain(':no_entry: contradicted · inventory token errors caused it `E4`');
    expect(text).toContain('`E3` ▁▁▁▁▇█ payments [new]');
    expect(v.text).toContain('1 verified, 1 unverified, 1 contradicted');
    expectWithinSlackLimits(v.blocks);
  });

  it('numbers cited evidence in the order shown, leaves uncited evidence out, and gives confidence in words', () => {
    const uncited = {
      id: 'E7',
      scout: 'logs',
      tool: 'logs_patterns',
      source: 'files',
      excerpt: 'web [steady] "GET /health"',
    };
    const f = finding({ evidence: [uncited, ...finding().evidence] });
    const labels: Record<string, string> = { E3: 'E1', E999: 'E2', E4: 'E3' };
    const text = JSON.stringify(renderFinding(f, (id) => labels[id] ?? id).blocks);
    expect(text).toContain('payments logs a new authorization error `E1`');
    expect(text).toContain('inventory token errors caused it `E3`');
    expect(text).toMatch(/\*Evidence\*\\n`E1` [^`]*\\n`E3` inventory/);
    expect(text).not.toContain('GET /health');
    expect(text).toContain('1 uncited evidence item kept in the audit trail');
    expect(text).toContain('*Scout logs* · possible');
    expect(text).toContain('Confidence possible (60%)');
  });

  it('escapes evidence so a log line cannot ping the channel', () => {
    const text = JSON.stringify(renderFinding(finding()).blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('says when the scout fell back to the deterministic plan', () => {
    const text = JSON.stringify(
      renderFinding(
        finding({ brain: 'deterministic', fallbackReason: 'the Claude API was overloaded (529) after retries' }),
      ).blocks,
    );
    expect(text).toContain('Fell back to the deterministic plan: the Claude API was overloaded (529) after retries.');
  });

  it('stays within limits with huge and many claims and evidence', () => {
    const claims = Array.from({ length: 60 }, (_, i) => ({
      text: huge,
      evidence: [`E${i}`],
      status: 'verified' as const,
      note: huge,
    }));
    const evidence = Array.from({ length: 60 }, (_, i) => ({
      id: `E${i}`,
      scout: 'logs',
      tool: 'logs_patterns',
      source: 'files',
      excerpt: huge,
    }));
    expectWithinSlackLimits(renderFinding(finding({ summary: huge, claims, evidence })).blocks);
  });
});

describe('renderSynthesis', () => {
  const synthesis: Synthesis = {
    investigationId: 'inv-C1-1',
    summary: 'Top suspect: payments (possible).',
    partial: false,
    hypotheses: [
      {
        rank: 1,
        service: 'payments',
        cause: 'deploy v4.2.0 29s before onset',
        confidence: 0.64,
        evidence: ['E4', 'E9'],
        against: ['!depends on anomalous postgres'],
        change: 'chg-1044',
      },
      {
        rank: 2,
        service: 'postgres',
        cause: 'connections up',
        confidence: 0.09,
        evidence: ['E18'],
        against: ['E20'],
        change: null,
      },
    ],
    redHerrings: [{ what: 'inventory token refresh errors', why: 'already frequent before onset', evidence: ['E19'] }],
  };

  it('ranks hypotheses with confidence, evidence for and against, red herrings and a Dig deeper button', () => {
    const v = renderSynthesis(inv(), synthesis);
    const text = JSON.stringify(v.blocks);
    // Words in the headline, the numbers (rounded to 5 points) in the context line.
    expect(text).toContain('*1. payments* · possible · change `chg-1044`');
    expect(text).toContain('*2. postgres* · unlikely');
    expect(text).not.toContain('64%');
    expect(text).toContain('Confidence behind the words: 1. payments 65%, 2. postgres 10%');
    expect(text).toContain('For: `E4` `E9`');
    expect(text).toContain('Against: depends on anomalous postgres');
    expect(text).toContain('Against: `E20`');
    expect(text).toContain('*Red herrings*');
    expect(text).toContain('inventory token refresh errors: already frequent before onset `E19`');
    const actions = v.blocks.find((b) => b.type === 'actions');
    expect(actions).toMatchObject({
      elements: [{ type: 'button', action_id: 'dig_deeper', value: 'inv-C1-1', text: { text: 'Dig deeper' } }],
    });
    expectWithinSlackLimits(v.blocks);
  });

  it('shows evidence by the labels of the thread, in the order they appear', () => {
    const labels: Record<string, string> = { E4: 'E1', E9: 'E2', E20: 'E3', E18: 'E4', E19: 'E5' };
    const text = JSON.stringify(renderSynthesis(inv(), synthesis, (id) => labels[id] ?? id).blocks);
    expect(text).toContain('For: `E1` `E2`');
    expect(text).toContain('Against: `E3`');
    expect(text).toContain('already frequent before onset `E5`');
    expect(synthesisEvidence(synthesis)).toEqual(['E4', 'E9', 'E18', 'E20', 'E19']);
  });

  it('labels a partial result', () => {
    const v = renderSynthesis(inv(), { ...synthesis, partial: true });
    expect(v.text).toMatch(/^Partial result/);
    expect(JSON.stringify(v.blocks)).toContain('Hypotheses (partial result)');
  });

  it('keeps the Dig deeper button within 50 blocks however many hypotheses', () => {
    const many = {
      ...synthesis,
      hypotheses: Array.from({ length: 80 }, (_, i) => ({ ...synthesis.hypotheses[0]!, rank: i + 1, cause: huge })),
    };
    const v = renderSynthesis(inv(), many);
    expectWithinSlackLimits(v.blocks);
    expect(v.blocks[v.blocks.length - 1]).toMatchObject({ type: 'actions' });
  });

  it('carries the hypotheses as message metadata', () => {
    expect(hypothesesMetadata(inv(), synthesis)).toEqual({
      event_type: 'incident_scout_hypotheses',
      event_payload: {
        investigation_id: 'inv-C1-1',
        hypotheses: [
          {
            rank: 1,
            service: 'payments',
            cause: 'deploy v4.2.0 29s before onset',
            confidence: 0.64,
            evidence: ['E4', 'E9'],
          },
          { rank: 2, service: 'postgres', cause: 'connections up', confidence: 0.09, evidence: ['E18'] },
        ],
      },
    });
  });
});

describe('renderNote', () => {
  it('escapes and bounds the text', () => {
    const v = renderNote(`<@U123> ${huge}`);
    expect(JSON.stringify(v.blocks)).toContain('&lt;@U123&gt;');
    expectWithinSlackLimits(v.blocks);
  });
});

describe('untrusted markup in the top-level text', () => {
  const markup = 'errors spiked <!channel> after <http://evil.example|the deploy>';

  it("escapes a ping and a disguised link from evidence or the model in every view's text, not only its blocks", () => {
    const texts = [
      renderFinding(finding({ summary: markup })).text,
      renderSynthesis(inv(), {
        investigationId: 'inv-C1-1',
        summary: markup,
        partial: false,
        redHerrings: [],
        hypotheses: [{ rank: 1, service: 'checkout', cause: markup, confidence: 0.8, evidence: ['E1'], against: [] }],
      }).text,
      renderNote(markup).text,
    ];
    for (const text of texts) {
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<http://evil');
      expect(text).toContain('&lt;!channel&gt;');
    }
  });
});

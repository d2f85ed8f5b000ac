// The one limit step: every message the app sends fits Slack's limits, whatever the content.
import type { KnownBlock } from '@slack/types';
import { validateBlocks } from '../../../../src/demo/slack-fake';
import { blocksTextLength, MAX_BLOCK_TEXT } from '../../../../src/demo/slack-fake/blocks';
import type { Finding, Investigation, Synthesis } from '../../../../src/domain/types';
import { renderFinding, renderSynthesis } from '../../../../src/slack/views/investigation';
import { clip, escClip, fitMessage, section, splitMrkdwn, LIMITS } from '../../../../src/slack/views/limits';

/** What Slack would refuse: per-block errors, too much block text in all, too long a text. */
function slackWouldRefuse(m: { text: string; blocks?: KnownBlock[] }): string[] {
  const errs = m.blocks ? validateBlocks(m.blocks) : [];
  if (m.blocks && blocksTextLength(m.blocks) > MAX_BLOCK_TEXT) errs.push('msg_blocks_too_long');
  if (m.text.length > LIMITS.fallbackText) errs.push('msg_too_long');
  return errs;
}

const fences = (s: string): number => s.split('```').length - 1;

describe('clip', () => {
  it('never ends inside an escaped entity', () => {
    const escaped = escClip('<html>'.repeat(600), 3000);
    expect(escaped.length).toBeLessThanOrEqual(3000);
    expect(escaped).toMatch(/(&gt;|&lt;|[a-z])…$/);
    expect(escaped.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
    for (let max = 5; max < 40; max++) expect(escClip('a&b<c>d'.repeat(10), max)).not.toMatch(/&[a-z]{0,3}…$/);
  });

  it('never splits a surrogate pair', () => {
    const emoji = '🔥'.repeat(100);
    for (let max = 2; max < 20; max++) {
      const c = clip(emoji, max);
      expect(c.length).toBeLessThanOrEqual(max);
      expect(() => encodeURIComponent(c)).not.toThrow();
    }
  });

  it('closes a code fence it cut open', () => {
    const c = clip(`Output:\n\`\`\`${'x'.repeat(5000)}\`\`\``, 3000);
    expect(c.length).toBeLessThanOrEqual(3000);
    expect(fences(c) % 2).toBe(0);
    expect(c.endsWith('```')).toBe(true);
  });
});

describe('splitMrkdwn', () => {
  it('splits at line breaks, each part within the limit, and reopens a code fence across a cut', () => {
    const kubectl = [
      'NAME READY STATUS IP NODE NOMINATED',
      ...Array.from({ length: 400 }, (_, i) => `pod-${i} 1/1 Running <none> <none> <none>`),
    ].join('\n');
    const parts = splitMrkdwn(`\`\`\`${escClip(kubectl, 100_000)}\`\`\``, 3000);
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(3000);
      expect(fences(p) % 2).toBe(0);
    }
    // Nothing lost: the parts hold every pod line.
    expect(parts.join('\n')).toContain('pod-399 1/1 Running &lt;none&gt;');
  });
});

describe('fitMessage', () => {
  it('leaves a message within the limits as it is', () => {
    const m = { text: 'hi', blocks: [section('hello')] };
    expect(fitMessage(m, { split: true, inThread: false })).toEqual([m]);
  });

  it('splits a message past the block-text total into messages Slack accepts, with a pointer and the buttons on the first', () => {
    const big: KnownBlock[] = Array.from({ length: 12 }, (_, i) =>
      section(`*Claim ${i}* ${escClip('<html>'.repeat(600), 2990)}`),
    );
    const actions: KnownBlock = {
      type: 'actions',
      elements: [
        { type: 'button', action_id: 'dig_deeper', text: { type: 'plain_text', text: 'Dig deeper' }, value: 'inv1' },
      ],
    };
    const out = fitMessage({ text: 'Hypotheses', blocks: [...big, actions] }, { split: true, inThread: false });
    expect(out.length).toBeGreaterThan(2);
    for (const m of out) expect(slackWouldRefuse(m)).toEqual([]);
    const first = out[0]?.blocks ?? [];
    expect(first.at(-1)).toEqual(actions);
    expect(JSON.stringify(first)).toContain('Continued in the thread');
    // Every claim is delivered once, in order.
    const all = out
      .flatMap((m) => m.blocks ?? [])
      .map((b) => JSON.stringify(b).match(/Claim (\d+)/)?.[1])
      .filter(Boolean);
    expect(all).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
  });

  it('splits an over-long section into sections instead of losing its end', () => {
    const long: KnownBlock = {
      type: 'section',
      text: { type: 'mrkdwn', text: Array.from({ length: 300 }, (_, i) => `line ${i}`).join('\n') },
    };
    (long as { text: { text: string } }).text.text += `\n${'y'.repeat(4000)}`;
    const out = fitMessage({ text: 't', blocks: [long] }, { split: true, inThread: true });
    for (const m of out) expect(slackWouldRefuse(m)).toEqual([]);
    expect(JSON.stringify(out)).toContain('line 299');
  });

  it('splits past 50 blocks and trims (saying so) where it may not split', () => {
    const blocks = Array.from({ length: 120 }, (_, i) => section(`item ${i}`));
    const split = fitMessage({ text: 't', blocks }, { split: true, inThread: true });
    expect(split.length).toBe(3);
    for (const m of split) expect(slackWouldRefuse(m)).toEqual([]);
    expect(JSON.stringify(split[0])).toContain('Continued in the next message');
    const trimmed = fitMessage({ text: 't', blocks }, { split: false, inThread: true });
    expect(trimmed).toHaveLength(1);
    expect(slackWouldRefuse(trimmed[0] as { text: string; blocks?: KnownBlock[] })).toEqual([]);
    expect(JSON.stringify(trimmed[0])).toContain('Trimmed to fit');
  });

  it('clips the top-level text to 40,000 characters', () => {
    const [m] = fitMessage({ text: 'z'.repeat(50_000) }, { split: true, inThread: false });
    expect(m?.text.length).toBe(LIMITS.fallbackText);
  });
});

describe('views at the model schema maxima (src/investigation/llm.ts), every character escaped', () => {
  const nasty = (n: number): string => '<&>'.repeat(Math.ceil(n / 3)).slice(0, n);
  const ids = Array.from({ length: 12 }, (_, i) => `E${100 + i}`);
  const inv = { id: 'inv1', round: 1 } as Investigation;

  it('a finding and a synthesis become messages Slack accepts, nothing of the claims lost', () => {
    const finding: Finding = {
      investigationId: 'inv1',
      scout: 'metrics',
      brain: 'claude',
      confidence: 0.5,
      summary: nasty(1000),
      claims: Array.from({ length: 10 }, (_, i) => ({
        text: `claim${i} ${nasty(594)}`,
        evidence: ids,
        service: 'x'.repeat(80),
        status: 'unverified' as const,
        note: nasty(400),
      })),
      evidence: ids.map((id) => ({
        id,
        scout: 'metrics',
        tool: 'logs_search',
        source: 'files',
        excerpt: nasty(220),
        sparkline: '▁▂▃▄▅▆▇█'.repeat(3),
      })),
    };
    const synthesis: Synthesis = {
      investigationId: 'inv1',
      partial: false,
      summary: nasty(1000),
      hypotheses: Array.from({ length: 5 }, (_, i) => ({
        rank: i + 1,
        service: 's'.repeat(80),
        cause: `cause${i} ${nasty(490)}`,
        confidence: 0.5,
        evidence: ids,
        against: Array.from({ length: 8 }, () => `!${nasty(300)}`),
        change: 'c'.repeat(120),
      })),
      redHerrings: Array.from({ length: 6 }, () => ({ what: nasty(300), why: nasty(500), evidence: ids.slice(0, 6) })),
    };
    for (const [view, marks] of [
      [renderFinding(finding), 10],
      [renderSynthesis(inv, synthesis), 5],
    ] as const) {
      const out = fitMessage(view, { split: true, inThread: true });
      for (const m of out) expect(slackWouldRefuse(m)).toEqual([]);
      const all = JSON.stringify(out);
      const seen = [...all.matchAll(/(claim|cause)(\d)/g)].map((x) => x[2]);
      expect(new Set(seen).size).toBe(marks);
    }
  });
});

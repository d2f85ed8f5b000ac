import { renderKickoff } from '../../../../src/slack/views/kickoff';
import { LIMITS } from '../../../../src/slack/views/limits';

const base = {
  channelName: 'inc-checkout-latency',
  baselineMinutes: 60,
  trigger: 'channel_created' as const,
  scouts: [
    { name: 'logs', purpose: 'Finds new or surging log templates.' },
    { name: 'metrics', purpose: 'Finds metrics that changed at the onset.' },
  ],
};

describe('renderKickoff', () => {
  it('says in at most five lines what it investigates, with which scouts, and how to stop or steer', () => {
    const { text, blocks } = renderKickoff({ ...base, openedBy: 'U0DEMOLEAD', sources: ['files (checkout-latency)'] });
    const all = JSON.stringify(blocks);
    expect(all).toContain('inc-checkout-latency');
    expect(all).toContain(
      'Read-only scouts (logs, metrics) compare the incident with the 60 min before it from files (checkout-latency).',
    );
    expect(all).toContain('/triage stop');
    expect(all).toContain('/triage deeper [focus]');
    expect(all).toContain('@Incident Scout <question>');
    expect(all).toContain('<@U0DEMOLEAD>');
    expect(text).toContain('Scouts: logs, metrics');
    // What a person sees: every line of every block, counted.
    const lines = blocks
      .flatMap((b) =>
        b.type === 'section'
          ? [b.text?.text ?? '']
          : b.type === 'context'
            ? b.elements.map((e) => ('text' in e ? e.text : ''))
            : [],
      )
      .flatMap((t) => t.split('\n'));
    expect(lines.length).toBeLessThanOrEqual(5);
  });

  it('escapes Slack control characters from manifest text and stays within section limits with many scouts', () => {
    const scouts = Array.from({ length: 80 }, (_, i) => ({
      name: `<!channel> & s${i}`,
      purpose: `<!channel> & ${'p'.repeat(60)}`,
    }));
    const { blocks } = renderKickoff({ ...base, scouts });
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    for (const b of blocks)
      if (b.type === 'section') expect(b.text?.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(JSON.stringify(blocks)).not.toContain('<!channel>');
    expect(JSON.stringify(blocks)).toContain('&lt;!channel&gt; &amp;');
  });
});

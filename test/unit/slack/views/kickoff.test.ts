import { renderKickoff } from '../../../../src/slack/views/kickoff';
import { LIMITS } from '../../../../src/slack/views/limits';

const base = {
  channelName: 'inc-checkout-latency', baselineMinutes: 60, trigger: 'channel_created' as const,
  scouts: [
    { name: 'logs', purpose: 'Finds new or surging log templates.' },
    { name: 'metrics', purpose: 'Finds metrics that changed at the onset.' },
  ],
};

describe('renderKickoff', () => {
  it('says what it investigates, with which scouts, and how to stop or steer', () => {
    const { text, blocks } = renderKickoff({ ...base, openedBy: 'U0DEMOLEAD' });
    const all = JSON.stringify(blocks);
    expect(all).toContain('inc-checkout-latency');
    expect(all).toContain('compared with the 60 min before it');
    expect(all).toContain('*logs* — Finds new or surging log templates.');
    expect(all).toContain('*metrics*');
    expect(all).toContain('/triage stop');
    expect(all).toContain('/triage start since=15m');
    expect(all).toContain('@Incident Scout <question>');
    expect(all).toContain('<@U0DEMOLEAD>');
    expect(text).toContain('Scouts: logs, metrics');
  });

  it('escapes Slack control characters from manifest text and stays within section limits with many scouts', () => {
    const scouts = Array.from({ length: 80 }, (_, i) => ({ name: `s${i}`, purpose: `<!channel> & ${'p'.repeat(60)}` }));
    const { blocks } = renderKickoff({ ...base, scouts });
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    for (const b of blocks) if (b.type === 'section') expect(b.text?.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(JSON.stringify(blocks)).not.toContain('<!channel>');
    expect(JSON.stringify(blocks)).toContain('&lt;!channel&gt; &amp;');
  });
});

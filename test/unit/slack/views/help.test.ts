import { SUBCOMMANDS } from '../../../../src/slack/commands/parse';
import { ROUTES } from '../../../../src/slack/listeners/commands/triage';
import { helpLines, renderHelp, renderUsageError } from '../../../../src/slack/views/help';
import { LIMITS } from '../../../../src/slack/views/limits';

describe('help', () => {
  it('lists exactly the subcommands the router handles', () => {
    expect(Object.keys(ROUTES).sort()).toEqual(SUBCOMMANDS.map((s) => s.name).sort());
    expect(helpLines()).toHaveLength(Object.keys(ROUTES).length);
    for (const name of Object.keys(ROUTES))
      expect(helpLines().some((l) => l.startsWith(`\`/triage ${name}`))).toBe(true);
  });

  it('fits one section and tells how to ask and approve', () => {
    const { text, blocks } = renderHelp();
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    expect(JSON.stringify(blocks)).toContain('@Incident Scout <question>');
    expect(text).toContain('/triage propose <action-id> key=value');
    for (const b of blocks)
      if (b.type === 'section') expect(b.text?.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
  });

  it('shows the problem and the usage of the subcommand that was wrong', () => {
    const r = renderUsageError('since=x is not a time.', '/triage start [description] [since=<15m|2h|ISO time>]');
    expect(r.text).toBe('since=x is not a time.\nUsage: `/triage start [description] [since=<15m|2h|ISO time>]`');
    expect(renderUsageError('Huh.').text).toContain('/triage help');
  });
});

import {
  renderBlocks,
  renderTranscript,
  type ChannelSnapshot,
  type FakeMessage,
} from '../../../../src/demo/slack-fake';

// 1764216000 is 2025-11-27T04:00:00Z, so times below read 04:00:SS.
const BOT = 'U0BOT00001';
const ALICE = 'U0ALICE001';

function msg(ts: string, fields: Partial<FakeMessage>): FakeMessage {
  return { channel: 'C1', ts, user: BOT, botId: 'B1', text: '', reactions: [], files: [], ...fields };
}

const card = msg('1764216000.000100', {
  text: 'Investigating',
  edited: { user: BOT, ts: '1764216009.000100' },
  metadata: { event_type: 'investigation_status', event_payload: { state: 'running' } },
  blocks: [
    { type: 'header', text: { type: 'plain_text', text: 'Investigation' } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: '*Status:* running' },
      fields: [{ type: 'mrkdwn', text: 'Scouts: 3' }],
    },
    { type: 'divider' },
    {
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: 'E1' },
        { type: 'mrkdwn', text: 'E2' },
      ],
    },
  ],
});
const finding = msg('1764216003.000100', {
  threadTs: card.ts,
  text: 'checkout 5xx rose after deploy D42 [E1]',
  reactions: [{ name: 'eyes', users: [ALICE] }],
});
const proposal = msg('1764216005.000100', {
  threadTs: card.ts,
  text: 'Proposal: roll back D42',
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text: 'Roll back *D42*?' } },
    {
      type: 'actions',
      elements: [
        { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, style: 'primary' },
        { type: 'button', action_id: 'reject', text: { type: 'plain_text', text: 'Reject' } },
      ],
    },
  ],
});
const human = msg('1764216001.000100', { user: ALICE, botId: undefined, text: 'anyone on this?' });

const snapshot: ChannelSnapshot = {
  channel: {
    id: 'C1',
    name: 'inc-checkout',
    isPrivate: false,
    botIsMember: true,
    isArchived: false,
    created: 1764216000,
  },
  threads: [
    { ...card, replies: [finding, proposal] },
    { ...human, replies: [] },
  ],
  ephemerals: [
    {
      channel: 'C1',
      user: ALICE,
      ts: '1764216004.000100',
      threadTs: card.ts,
      text: 'You may approve this.',
      source: 'chat.postEphemeral',
    },
  ],
  users: [
    { id: BOT, name: 'incident-scout', realName: 'Incident Scout', isBot: true },
    { id: ALICE, name: 'alice', realName: 'Alice', isBot: false },
  ],
  files: [],
};

describe('renderTranscript', () => {
  const text = renderTranscript(snapshot);

  it('shows the card with blocks as text, marked edited, with its metadata type on one line', () => {
    expect(text).toContain(
      [
        '[04:00:00] @incident-scout (edited)',
        '  Investigation',
        '  =============',
        '  *Status:* running',
        '    • Scouts: 3',
        '  ----------------------------------------',
        '    E1 | E2',
        '  · metadata: investigation_status',
      ].join('\n'),
    );
  });

  it('indents thread replies under the parent in time order, with the ephemeral between them', () => {
    const lines = text.split('\n');
    const at = (needle: string): number => lines.findIndex((l) => l.includes(needle));
    expect(lines[at('[04:00:03]')]).toBe('    │ [04:00:03] @incident-scout');
    expect(lines[at('[04:00:04]')]).toBe('    │ [04:00:04] (only visible to @alice)');
    expect(at('[04:00:03]')).toBeLessThan(at('[04:00:04]'));
    expect(at('[04:00:04]')).toBeLessThan(at('[04:00:05]'));
    expect(text).toContain('    │   :eyes: 1');
  });

  it('shows buttons as bracketed labels', () => {
    expect(text).toContain('    │   [ Approve ]  [ Reject ]');
  });

  it('puts a later top-level message after the whole thread of an earlier one', () => {
    const lines = text.split('\n');
    expect(lines.findIndex((l) => l.startsWith('[04:00:01] @alice'))).toBeGreaterThan(
      lines.findIndex((l) => l.includes('[ Approve ]')),
    );
  });

  it('starts with the channel name', () => {
    expect(text.split('\n')[0]).toBe('#inc-checkout');
  });

  it('can leave ephemerals out', () => {
    expect(renderTranscript(snapshot, { ephemerals: false })).not.toContain('only visible');
  });

  it('shows a file-only message as the file line, without an empty text line', () => {
    const withFile: ChannelSnapshot = {
      ...snapshot,
      threads: [{ ...msg('1764216010.000100', { files: ['F1'] }), replies: [] }],
      ephemerals: [],
      files: [{ id: 'F1', filename: 'e.txt', title: 'Evidence bundle', length: 6, channel: 'C1', completed: true }],
    };
    expect(renderTranscript(withFile)).toContain('[04:00:10] @incident-scout\n  [file: Evidence bundle, 6 bytes]\n');
  });

  it('renders an unknown block type as a placeholder rather than dropping it', () => {
    expect(renderBlocks([{ type: 'rich_text', elements: [] }])).toEqual(['[rich_text block]']);
  });
});

describe('renderBlocks escaping', () => {
  it('shows Slack-escaped &, < and > as a Slack client does', () => {
    expect(
      renderBlocks([
        { type: 'section', text: { type: 'mrkdwn', text: 'new "failed for order &lt;*&gt; &amp; retried"' } },
      ]),
    ).toEqual(['new "failed for order <*> & retried"']);
  });
});

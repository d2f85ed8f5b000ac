import { validateBlocks } from '../../../../src/demo/slack-fake';

const button = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'button',
  action_id: 'a',
  text: { type: 'plain_text', text: 'Go' },
  ...over,
});

describe('validateBlocks (Slack Block Kit limits)', () => {
  it('accepts a typical card', () => {
    expect(
      validateBlocks([
        { type: 'header', text: { type: 'plain_text', text: 'Incident' } },
        { type: 'section', text: { type: 'mrkdwn', text: 'hi' }, accessory: button() },
        { type: 'actions', elements: [button({ action_id: 'x', value: 'v' }), button({ action_id: 'y' })] },
      ]),
    ).toEqual([]);
  });

  it.each([
    [
      'section text over 3000',
      [{ type: 'section', text: { type: 'mrkdwn', text: 'a'.repeat(3001) } }],
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'header over 150',
      [{ type: 'header', text: { type: 'plain_text', text: 'a'.repeat(151) } }],
      'must be less than 151 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'mrkdwn header',
      [{ type: 'header', text: { type: 'mrkdwn', text: 'a' } }],
      'must be plain_text [json-pointer:/blocks/0/text/type]',
    ],
    [
      'button label over 75',
      [{ type: 'actions', elements: [button({ text: { type: 'plain_text', text: 'a'.repeat(76) } })] }],
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
    ],
    [
      'button value over 2000',
      [{ type: 'actions', elements: [button({ value: 'v'.repeat(2001) })] }],
      'must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]',
    ],
    [
      'action_id over 255',
      [{ type: 'actions', elements: [button({ action_id: 'a'.repeat(256) })] }],
      'must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]',
    ],
    [
      'block_id over 255',
      [{ type: 'divider', block_id: 'b'.repeat(256) }],
      'must be less than 256 characters [json-pointer:/blocks/0/block_id]',
    ],
    [
      '26 actions',
      [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })) }],
      'must be less than 26 items [json-pointer:/blocks/0/elements]',
    ],
    [
      '11 context elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'x' })) }],
      'must be less than 11 items [json-pointer:/blocks/0/elements]',
    ],
    ['an unknown block type', [{ type: 'carousel' }], 'unsupported type: carousel [json-pointer:/blocks/0/type]'],
    [
      'duplicate block_ids',
      [
        { type: 'divider', block_id: 'x' },
        { type: 'divider', block_id: 'x' },
      ],
      'block_id values must be unique within a message [json-pointer:/blocks]',
    ],
  ])('rejects %s', (_name, blocks, expected) => {
    expect(validateBlocks(blocks)).toContain(expected);
  });

  it('accepts the exact limits', () => {
    expect(
      validateBlocks([
        { type: 'section', text: { type: 'mrkdwn', text: 'a'.repeat(3000) } },
        { type: 'header', text: { type: 'plain_text', text: 'a'.repeat(150) } },
        {
          type: 'actions',
          elements: [
            button({
              text: { type: 'plain_text', text: 'a'.repeat(75) },
              value: 'v'.repeat(2000),
              action_id: 'a'.repeat(255),
            }),
          ],
        },
      ]),
    ).toEqual([]);
    expect(validateBlocks(Array.from({ length: 50 }, () => ({ type: 'divider' })))).toEqual([]);
  });
});

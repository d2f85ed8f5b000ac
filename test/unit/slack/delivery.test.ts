import { dedupeKey, requestKind } from '../../../src/slack/delivery';

describe('dedupeKey', () => {
  it('identifies an event by its event_id, so retries of it collide', () => {
    const body = { type: 'event_callback', event_id: 'Ev1', event: { type: 'channel_created' } };
    expect(dedupeKey(body)).toBe('evt:Ev1');
    expect(requestKind(body)).toBe('event');
  });

  it('identifies a click by message, action, action time and user', () => {
    const click = {
      type: 'block_actions',
      user: { id: 'U1' },
      trigger_id: 't1',
      container: { message_ts: '1.1' },
      actions: [{ action_id: 'approve_proposal', action_ts: '1700000000.1' }],
    };
    expect(dedupeKey(click)).toBe('act:1.1:approve_proposal:1700000000.1:U1');
    expect(dedupeKey({ ...click, user: { id: 'U2' } })).not.toBe(dedupeKey(click));
    expect(requestKind(click)).toBe('action');
  });

  it('falls back to the trigger id for clicks without an action time, and uses it for commands', () => {
    expect(dedupeKey({ type: 'block_actions', trigger_id: 't9', actions: [{}] })).toBe('act:t9');
    expect(dedupeKey({ command: '/triage', trigger_id: 't2' })).toBe('cmd:t2');
  });

  it('has no identity for bodies it does not recognise', () => {
    expect(dedupeKey({ type: 'url_verification' })).toBeUndefined();
    expect(dedupeKey('text')).toBeUndefined();
    expect(dedupeKey({ type: 'event_callback' })).toBeUndefined();
  });
});

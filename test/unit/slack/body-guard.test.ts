import { boltCanRead } from '../../../src/slack/errors';

const FORM = 'application/x-www-form-urlencoded';
const form = (payload: string) => Buffer.from(new URLSearchParams({ payload }).toString());

describe('boltCanRead (the guard in front of Bolt)', () => {
  it('passes object payloads, in forms and JSON bodies, whitespace or not', () => {
    expect(boltCanRead(FORM, form('{"type":"block_actions"}'))).toBe(true);
    expect(boltCanRead(FORM, Buffer.from(`token=x&${new URLSearchParams({ payload: ' {"a":1}' }).toString()}`))).toBe(
      true,
    );
    expect(boltCanRead('application/json', Buffer.from('\n  {"type":"event_callback"}'))).toBe(true);
  });

  it('refuses payloads that are JSON but not an object', () => {
    expect(boltCanRead(FORM, form('null'))).toBe(false);
    expect(boltCanRead(FORM, form('42'))).toBe(false);
    expect(boltCanRead('application/json', Buffer.from(' "text"'))).toBe(false);
  });

  it('leaves what Bolt rejects by itself to Bolt (not JSON, no payload, a slash command form)', () => {
    expect(boltCanRead(FORM, form('not json'))).toBe(true);
    expect(boltCanRead(FORM, Buffer.from('command=%2Ftriage&text=help'))).toBe(true);
    expect(boltCanRead('application/json', Buffer.from('{broken'))).toBe(true);
    expect(boltCanRead('text/plain', Buffer.from('null'))).toBe(true);
  });
});

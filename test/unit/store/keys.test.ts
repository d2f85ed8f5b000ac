import { createKeys, DEFAULT_PREFIX } from '../../../src/store/keys';

describe('createKeys', () => {
  it('puts every key family under the default scout: prefix', () => {
    const k = createKeys();
    expect(k.prefix).toBe(DEFAULT_PREFIX);
    expect([
      k.doc('proposal', 'C1:p1'),
      k.docIndex('proposal'),
      k.claim('event:Ev1'),
      k.lock('inv:C1'),
      k.audit('C1'),
      k.scratch('x'),
      k.bullPrefix(),
    ]).toEqual([
      'scout:doc:proposal:C1:p1',
      'scout:idx:proposal',
      'scout:claim:event:Ev1',
      'scout:lock:inv:C1',
      'scout:audit:C1',
      'scout:scratch:x',
      'scout:bull',
    ]);
  });

  it('keeps two prefixes apart, and the cleanup pattern covers only its own prefix', () => {
    const a = createKeys('staging:');
    const b = createKeys('prod:');
    expect(a.doc('incident', 'C1')).not.toBe(b.doc('incident', 'C1'));
    expect(a.pattern()).toBe('staging:*');
    expect(a.doc('incident', 'C1').startsWith('staging:')).toBe(true);
    expect(a.bullPrefix().startsWith('staging:')).toBe(true);
  });

  it.each(['', 'scout *', 'a?b:', 'x[1]:', 'has space:'])(
    'rejects the prefix %j, which would break key scans',
    (prefix) => {
      expect(() => createKeys(prefix)).toThrow(/invalid Redis key prefix/);
    },
  );
});

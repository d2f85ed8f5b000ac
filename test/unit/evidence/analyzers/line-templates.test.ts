import { templateIdsOfLines } from '../../../../src/evidence/analyzers/line-templates';

const iso = (s: number): string => new Date(Date.UTC(2026, 10, 27, 3, 0, s)).toISOString();

describe('templateIdsOfLines', () => {
  it('gives a logfmt quoted value one wildcard, whatever its number of words', () => {
    const ids = templateIdsOfLines([
      'user 7 checkout msg="order created" took=3',
      'user 8 checkout msg="order created for a long name" took=4',
      'user 9 checkout msg="cart empty" took=1',
    ]);
    expect(new Set(ids).size).toBe(1);
  });

  it('groups the same lines alike whether or not a container runtime wrapped them', () => {
    const plain = [
      '2026-11-27 03:00:01.000 INFO [main] c.e.Cart - cart 17 loaded',
      '2026-11-27 03:00:02.000 ERROR [main] c.e.Cart - redis timeout after 3 retries',
      '2026-11-27 03:00:03.000 INFO [main] c.e.Cart - cart 18 loaded',
    ];
    const cri = [
      `${iso(1)} stdout F ${plain[0] as string}`,
      `${iso(2)} stderr P ${(plain[1] as string).slice(0, 40)}`,
      `${iso(2)} stderr F ${(plain[1] as string).slice(40)}`,
      `${iso(3)} stdout F ${plain[2] as string}`,
    ];
    const [a, b, c] = templateIdsOfLines(plain);
    expect(templateIdsOfLines(cri)).toEqual([a, b, b, c]);
    expect(a).toBe(c);
    expect(a).not.toBe(b);
  });
});

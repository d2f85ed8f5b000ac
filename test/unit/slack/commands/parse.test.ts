import { MAX_TEXT, parseSince, parseTriage, SUBCOMMANDS, tokenize } from '../../../../src/slack/commands/parse';

const NOW = new Date('2026-11-27T05:00:00Z');
const parse = (text: string) => parseTriage(text, NOW);

function problem(text: string): string {
  const r = parse(text);
  if (r.ok) throw new Error(`expected "${text}" to be refused, got ${JSON.stringify(r.command)}`);
  return r.problem;
}

describe('parseTriage', () => {
  it('treats empty text as help', () => {
    expect(parse('   ')).toEqual({ ok: true, command: { name: 'help' } });
  });

  it('reads start with a description and a relative since', () => {
    expect(parse('start checkout is slow since=15m')).toEqual({
      ok: true,
      command: { name: 'start', description: 'checkout is slow', since: NOW.getTime() - 15 * 60_000 },
    });
  });

  it('reads since= as an ISO time', () => {
    const r = parse('start since=2026-11-27T04:10:00Z');
    expect(r).toEqual({ ok: true, command: { name: 'start', since: Date.parse('2026-11-27T04:10:00Z') } });
  });

  it('refuses a since= that is neither a duration nor a time, and shows start usage', () => {
    const r = parse('start since=yesterday');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem).toContain('since=yesterday is neither a duration');
      expect(r.usage).toContain('/triage start');
    }
  });

  it('refuses a since= in the future or more than a week back', () => {
    expect(problem('start since=2026-11-28T00:00:00Z')).toContain('in the future');
    expect(problem('start since=8d')).toContain('more than 7 days');
  });

  it('refuses an unknown start option instead of folding it into the description', () => {
    expect(problem('start sinc=15m')).toContain('no option `sinc=`');
  });

  it('reads deeper with and without a focus', () => {
    expect(parse('deeper')).toEqual({ ok: true, command: { name: 'deeper' } });
    expect(parse('deeper payments db pool')).toEqual({
      ok: true,
      command: { name: 'deeper', focus: 'payments db pool' },
    });
  });

  it('reads propose with key=value pairs, quoted values included', () => {
    expect(parse('propose scale-deployment service=checkout replicas=6 note="two words"')).toEqual({
      ok: true,
      command: {
        name: 'propose',
        actionId: 'scale-deployment',
        args: { service: 'checkout', replicas: '6', note: 'two words' },
      },
    });
  });

  it('says what is wrong with a propose', () => {
    expect(problem('propose')).toContain('Give an action id');
    expect(problem('propose service=checkout')).toContain('action id comes first');
    expect(problem('propose restart-pods checkout')).toContain('"checkout" is not key=value');
    expect(problem('propose restart-pods service=')).toContain('service= has no value');
    expect(problem('propose restart-pods service=a service=b')).toContain('given twice');
    expect(problem('propose Restart_Pods')).toContain('not an action id');
  });

  it('explains that approve and reject are buttons', () => {
    expect(problem('approve P1')).toContain('button on the proposal card');
    expect(problem('reject')).toContain('button on the proposal card');
  });

  it('refuses unknown subcommands, arguments to argument-less ones, long text and control characters', () => {
    expect(problem('bogus')).toBe("I don't know `bogus`.");
    expect(problem('status now')).toContain('`status` takes no arguments');
    expect(problem(`start ${'x'.repeat(MAX_TEXT)}`)).toContain(`at most ${MAX_TEXT}`);
    expect(problem('start a\u0007b')).toContain('control characters');
    expect(problem('propose restart-pods service="checkout')).toContain('not closed');
  });

  it('reads resolve with and without a summary', () => {
    expect(parse('resolve')).toEqual({ ok: true, command: { name: 'resolve' } });
    expect(parse('resolve rolled back "payments v4.2.0"')).toEqual({
      ok: true,
      command: { name: 'resolve', summary: 'rolled back payments v4.2.0' },
    });
  });

  it('parses every subcommand named in the table', () => {
    const sample: Record<string, string> = { propose: 'propose restart-pods service=checkout' };
    for (const s of SUBCOMMANDS)
      expect(parse(sample[s.name] ?? s.name)).toMatchObject({ ok: true, command: { name: s.name } });
  });
});

describe('tokenize and parseSince', () => {
  it('keeps quoted words together and drops the quotes', () => {
    expect(tokenize('a "b c" d=" e"')).toEqual(['a', 'b c', 'd= e']);
  });

  it('computes since from a compound duration', () => {
    expect(parseSince('1h30m', NOW)).toBe(NOW.getTime() - 90 * 60_000);
  });
});

import { clipLine, clipText, clipWords } from '../../../src/domain/text';

describe('clipping text', () => {
  it('leaves text within the limit alone and marks a cut with one ellipsis inside the limit', () => {
    expect(clipText('short', 5)).toBe('short');
    expect(clipText('too long', 5)).toBe('too …');
    expect(clipText('too long', 5)).toHaveLength(5);
    expect(clipText('x', 0)).toBe('');
  });

  it('folds white space onto one line before cutting', () => {
    expect(clipLine('  error:\n\tconnection   refused  ', 80)).toBe('error: connection refused');
    expect(clipLine('a\nb\nc\nd', 4)).toBe('a b…');
  });

  it('cuts at a word boundary', () => {
    expect(clipWords('alpha beta gamma', 12)).toBe('alpha beta…');
    expect(clipWords('alphabetagamma', 6)).toBe('…');
  });
});

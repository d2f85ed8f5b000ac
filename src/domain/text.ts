// Cutting text to a length, one way for the whole app. Slack's escape-aware clipping stays in
// src/slack/views/limits.ts (it must not cut an `&amp;` in half).

/** `text` cut to at most `max` characters, the cut marked with `…`. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  return max <= 1 ? '…'.slice(0, max) : `${text.slice(0, max - 1)}…`;
}

/** `text` on one line (runs of white space folded to one space), cut to at most `max` characters. */
export function clipLine(text: string, max: number): string {
  return clipText(text.replace(/\s+/g, ' ').trim(), max);
}

/** `text` cut to at most `max` characters at a word boundary, the cut marked with `…`. */
export function clipWords(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return max === 1 ? '…' : '';
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > 0 ? cut.slice(0, space) : '').trimEnd()}…`;
}

// Generic masking of variable tokens before template mining: a character scan per token, no
// per-source settings. A token that carries an identifier, number, address, path, URL, e-mail,
// UUID or timestamp becomes the wildcard; `key=value` keeps its key.

export const WILDCARD = '<*>';

/** Day and month names as a date inside a message writes them (`at Sat Jun 18 02:08:10 2005`): part of a time, so a value. `May` is left out: it is also a word. */
const DATE_WORDS = new Set([
  'Mon',
  'Tue',
  'Wed',
  'Thu',
  'Fri',
  'Sat',
  'Sun',
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
]);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Masks one whitespace-free token; returns the token itself when it is constant text.
 * The checks are ordered by how cheap they are, and each walks the token at most once.
 */
export function maskToken(t: string): string {
  const n = t.length;
  let digits = false;
  let eq = -1;
  let slash = false;
  let at = false;
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    if (isDigit(c)) digits = true;
    else if (c === 61 /* = */ && eq < 0) eq = i;
    else if (c === 47 /* / */) slash = true;
    else if (c === 64 /* @ */) at = true;
  }
  if (slash && (t.charCodeAt(0) === 47 || t.includes('://'))) return WILDCARD; // paths, URLs
  if (eq > 0 && eq < n - 1) {
    // key=value: keep the key, mask the value (`status=200` -> `status=<*>`).
    return t.slice(0, eq + 1) + WILDCARD;
  }
  if (digits && !versionedWord(t)) return WILDCARD;
  if (n === 3 && DATE_WORDS.has(t)) return WILDCARD;
  if (at && t.indexOf('.', t.indexOf('@')) > 0) return WILDCARD; // e-mail
  return t;
}

/**
 * A word with a capital that ends in one digit names a thing, not a value: a protocol or format
 * (`SOCKS5`, `IPv6`, `HTTP2`). Ids carry more digits, a separator before them or only lower case
 * (`node-12`, `blk_3`, `dn228`, `worker3`).
 * Surrounding punctuation (`(SOCKS5)`, `HTTP2,`) is allowed.
 */
function versionedWord(t: string): boolean {
  let i = 0;
  let n = t.length;
  while (i < n && !isLetter(t.charCodeAt(i))) {
    if (isDigit(t.charCodeAt(i))) return false;
    i++;
  }
  while (n > i && !isLetter(t.charCodeAt(n - 1)) && !isDigit(t.charCodeAt(n - 1))) n--;
  if (n - i < 3 || !isDigit(t.charCodeAt(n - 1))) return false;
  let upper = false;
  for (let k = i; k < n - 1; k++) {
    const c = t.charCodeAt(k);
    if (!isLetter(c)) return false;
    if (c <= 90) upper = true;
  }
  return upper;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** True when a token (already masked) is the wildcard. */
export function isWildcard(t: string): boolean {
  return t === WILDCARD;
}

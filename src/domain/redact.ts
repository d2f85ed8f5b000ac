// The one redaction step for everything that leaves the process: Slack messages (the poster), requests
// to the model, log lines, the audit trail and stored documents all pass through redactSecrets or
// redactDeep. Detection runs on the text as written and on what it hides: Unicode compatibility forms
// (full-width letters, zero-width characters splitting a token), repeated percent-encoding (`%253D`)
// and base64 runs that decode to text holding a secret. The detectors are data in secrets/rules.ts.
import { RULE_KEYWORDS, SECRET_RULES, type SecretRule } from './secrets/rules';

export interface Redaction {
  text: string;
  count: number;
}

interface CompiledRule extends SecretRule {
  re: RegExp;
}

const RULES: CompiledRule[] = SECRET_RULES.map((r) => ({ ...r, re: new RegExp(r.pattern, `g${r.flags ?? ''}`) }));

// Keyword gate: one scan finds, at every position, the longest keyword starting there; the kinds of that
// keyword and of every keyword that is a prefix of it (`sk` of `sk-ant-`) are present in the text.
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const KEYWORDS = [...new Set(Object.values(RULE_KEYWORDS).flat())].sort((a, b) => b.length - a.length);
const KEYWORD_SCAN = new RegExp(`(?=(${KEYWORDS.map(escapeRe).join('|')}))`, 'g');
const KINDS_OF = new Map<string, Set<string>>(
  KEYWORDS.map((k) => [
    k,
    new Set(
      Object.entries(RULE_KEYWORDS)
        .filter(([, words]) => words.some((w) => k.startsWith(w)))
        .map(([kind]) => kind),
    ),
  ]),
);

/** The kinds whose keywords occur in the (lower-cased) text. */
function kindsPresent(lower: string): Set<string> {
  const kinds = new Set<string>();
  for (const m of lower.matchAll(KEYWORD_SCAN)) for (const kind of KINDS_OF.get(m[1] as string) ?? []) kinds.add(kind);
  return kinds;
}

/** A value that names a secret instead of holding one (`${FLAGS_API_TOKEN}`, `$DB_PASSWORD`, `%API_KEY%`) or was already removed. */
const NOT_A_SECRET =
  /^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_][A-Za-z0-9_]*%|\[REDACTED(?::[a-z0-9_]+)?\]?|\[redacted\]|<redacted>|\*+|x{3,}|null|none|undefined|true|false)$/i;
/** Zero-width and invisible formatting characters that split a token without showing. */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF]/g;
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}={0,2}(?![A-Za-z0-9+/=_-])/g;
const MAX_DECODE_ROUNDS = 4;

export const mark = (kind: string): string => `[REDACTED:${kind}]`;

/**
 * Replaces secrets and e-mail addresses in `text` with `[REDACTED:<kind>]`; returns the text and how many were found.
 * When only a normalised or decoded reading reveals a secret, that reading, redacted, is returned.
 */
export function redactSecrets(text: string): Redaction {
  return redactDepth(text, 2);
}

function redactDepth(text: string, depth: number): Redaction {
  // 1. Unicode: full-width "ＡＫＩＡ…" and "xox\u200Bb-…" read as the ASCII they imitate.
  const normal = /[^ -~\t\n\r]/.test(text) ? text.normalize('NFKC').replace(INVISIBLE, '') : text;
  let best = applyRules(text);
  if (normal !== text) {
    const n = applyRules(normal);
    if (n.count > best.count) best = n;
  }
  // 2. Percent-encoding, decoded until it stops changing (double encoding hides `=` as %253D).
  if (/%[0-9A-Fa-f]{2}/.test(best.text)) {
    let decoded = best.text;
    for (let i = 0; i < MAX_DECODE_ROUNDS; i += 1) {
      const next = percentDecode(decoded);
      if (next === decoded) break;
      decoded = next;
    }
    const d = applyRules(decoded);
    if (d.count > 0) best = { text: d.text, count: best.count + d.count };
  }
  // 3. Base64 runs whose decoded text holds a secret (an AWS key or a password base64-encoded in a header or blob).
  if (depth > 0) best = redactBase64(best, depth);
  return best;
}

function redactBase64(r: Redaction, depth: number): Redaction {
  let count = r.count;
  const text = r.text.replace(BASE64_RUN, (run) => {
    const inner = decodeBase64Text(run);
    if (inner === null) return run;
    const found = redactDepth(inner, depth - 1);
    if (found.count === 0) return run;
    count += found.count;
    return mark('encoded_secret');
  });
  return { text, count };
}

/** The UTF-8 text a base64 (or base64url) run decodes to, or null when it is not mostly printable text. */
function decodeBase64Text(run: string): string | null {
  const bytes = Buffer.from(run, 'base64');
  if (bytes.length < 12) return null;
  let printable = 0;
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d) printable += 1;
  return printable / bytes.length >= 0.95 ? bytes.toString('utf8') : null;
}

/** Decodes each run of %XX escapes that is valid UTF-8; leaves the rest as it was. */
function percentDecode(text: string): string {
  return text.replace(PERCENT_RUN, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

function applyRules(text: string): Redaction {
  let out = text;
  let count = 0;
  // Replacements only remove text, so the keywords of the input bound those of every later step.
  const present = kindsPresent(text.toLowerCase());
  for (const rule of RULES) {
    if (RULE_KEYWORDS[rule.kind] !== undefined && !present.has(rule.kind)) continue;
    rule.re.lastIndex = 0;
    out = out.replace(rule.re, (...args: unknown[]) => {
      const m = args[0] as string;
      const last = args[args.length - 1];
      const groups = typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : {};
      const pre = groups['pre'] ?? '';
      const post = groups['post'] ?? '';
      const secret = m.slice(pre.length, m.length - post.length);
      if (NOT_A_SECRET.test(secret.trim())) return m;
      if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) return m;
      count += 1;
      return `${pre}${mark(rule.kind)}${post}`;
    });
  }
  return { text: out, count };
}

/** Bits of information per character of `s` (a random base62 string scores about 5.5, English prose about 4). */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const freq = new Map<string, number>();
  for (const ch of s) freq.set(ch, (freq.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of freq.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Object keys whose string value is a secret whatever it looks like (`{ "password": "x" }` as a parsed object). */
const SECRET_FIELD =
  /(?:^|[_.-])(?:password|passwd|passphrase|pwd|secret|client_?secret|api_?key|apikey|access_?key|secret_?key|private_?key|auth_?token|access_?token|refresh_?token|id_?token|session_?token|bot_?token|app_?token|signing_?secret|authorization|cookie|credentials?)$/i;

/**
 * `value` with redactSecrets applied to every string inside it (plain objects and arrays; other values as they are);
 * a string under a key that names a secret is removed whole unless it names an environment variable.
 */
export function redactDeep<T>(value: T): T {
  return redactValue(value, undefined) as T;
}

function redactValue(value: unknown, key: string | undefined): unknown {
  if (typeof value === 'string') {
    // `Authorization: Bearer ${FLAGS_API_TOKEN}` names a secret; only a value holding one is removed.
    const bare = value.trim().replace(/^(?:Bearer|Basic|Token|Digest)\s+/i, '');
    if (key !== undefined && bare !== '' && SECRET_FIELD.test(key) && !NOT_A_SECRET.test(bare)) return mark('secret');
    return redactSecrets(value).text;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => redactValue(v, undefined));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactValue(v, k);
    return out;
  }
  return value;
}

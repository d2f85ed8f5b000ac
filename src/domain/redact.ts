// Secret redaction for anything that leaves the tool gate (to the LLM or to Slack). Evidence is
// untrusted text written by services: a log line may carry a token, a connection string with a
// password, a private key or a person's e-mail. Each match becomes `[REDACTED:<kind>]`.
// Order matters: whole blocks and structured spots first, so a later generic rule never sees half
// of a secret that an earlier, more specific rule would have named.

export interface Redaction {
  text: string;
  count: number;
}

type Rule = { kind: string; re: RegExp; replace?: (m: string, ...groups: string[]) => string };

const SECRET_NAMES = String.raw`(?:password|passwd|pwd|secret|client_secret|token|access_token|refresh_token|auth_token|api_key|apikey|api-key|private_key)`;
const NOT_DONE = String.raw`(?!\[REDACTED)`;

const mark = (kind: string): string => `[REDACTED:${kind}]`;

const RULES: Rule[] = [
  // A block cut off without its END line (a truncated log) is redacted to the end of the text.
  { kind: 'private_key', re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g },
  // scheme://user:pass@host keeps the user and host (they help debugging), drops the password.
  {
    kind: 'password',
    re: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]+):([^\s@/]+)@/gi,
    replace: (_m, scheme, user) => `${scheme}${user}:${mark('password')}@`,
  },
  {
    kind: 'authorization',
    // The scheme (if any) and one credential; what follows on the line is left as it was.
    re: /(\bauthorization["']?\s*[:=]\s*["']?)(?!\[REDACTED)((?:Bearer|Basic|Token|Digest)\s+)?[^\s"',}]+/gi,
    replace: (_m, head) => `${head}${mark('authorization')}`,
  },
  { kind: 'bearer', re: /\b(Bearer)\s+(?!\[REDACTED)[A-Za-z0-9._~+/=-]{8,}/g, replace: (_m, b) => `${b} ${mark('bearer')}` },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g },
  { kind: 'aws_access_key', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b/g },
  {
    kind: 'aws_secret_key',
    re: /\b((?:aws_)?secret_access_key|aws_secret_key|SecretAccessKey)(["']?\s*[:=]\s*["']?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    replace: (_m, name, sep) => `${name}${sep}${mark('aws_secret_key')}`,
  },
  { kind: 'github_token', re: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b/g },
  { kind: 'github_token', re: /\bgithub_pat_[A-Za-z0-9_]{22,}/g },
  { kind: 'slack_token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
  { kind: 'slack_token', re: /\bxapp-[A-Za-z0-9-]{10,}/g },
  { kind: 'anthropic_key', re: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'openai_key', re: /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}/g },
  { kind: 'stripe_key', re: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { kind: 'google_api_key', re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  // "password": "value" in JSON.
  {
    kind: 'secret',
    re: new RegExp(String.raw`("[A-Za-z0-9_.-]*${SECRET_NAMES}"\s*:\s*")${NOT_DONE}([^"]+)(")`, 'gi'),
    replace: (_m, head, _v, tail) => `${head}${mark('secret')}${tail}`,
  },
  // The same inside a JSON string (a JSON document logged as a string value: \"password\":\"value\").
  {
    kind: 'secret',
    re: new RegExp(String.raw`(\\"[A-Za-z0-9_.-]*${SECRET_NAMES}\\"\s*:\s*\\")${NOT_DONE}((?:[^"\\]|\\[^"])+)(\\")`, 'gi'),
    replace: (_m, head, _v, tail) => `${head}${mark('secret')}${tail}`,
  },
  // password=value in logfmt and query strings (the name must end with the secret word: max_tokens=5 survives).
  {
    kind: 'secret',
    re: new RegExp(String.raw`(\b[A-Za-z0-9_.-]*${SECRET_NAMES}=)${NOT_DONE}("[^"]*"|[^\s&"',;]+)`, 'gi'),
    replace: (_m, head) => `${head}${mark('secret')}`,
  },
  // password: value (YAML-ish); only the unambiguous words, "token: expired" is ordinary prose.
  {
    kind: 'secret',
    re: /(\b(?:password|passwd|client_secret)\s*:\s+)(?!\[REDACTED)(\S+)/gi,
    replace: (_m, head) => `${head}${mark('secret')}`,
  },
  { kind: 'email', re: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g },
];

/**
 * Replaces secrets and e-mail addresses in `text` with `[REDACTED:<kind>]`; returns the text and how many were found.
 * Percent-encoded text (access-log query strings) is also read decoded: `%20AKIA...` or `password%3D...` hide
 * a secret from every rule above; when the decoded text reveals one, the decoded, redacted text is returned.
 */
export function redactSecrets(text: string): Redaction {
  const plain = applyRules(text);
  if (!/%[0-9A-Fa-f]{2}/.test(plain.text)) return plain;
  const decoded = applyRules(percentDecode(plain.text));
  return decoded.count > 0 ? { text: decoded.text, count: plain.count + decoded.count } : plain;
}

/** Decodes each run of %XX escapes that is valid UTF-8; leaves the rest as it was. */
function percentDecode(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
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
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    out = out.replace(rule.re, (m: string, ...rest: unknown[]) => {
      count++;
      const groups = rest.filter((g): g is string => typeof g === 'string');
      return rule.replace ? rule.replace(m, ...groups) : mark(rule.kind);
    });
  }
  return { text: out, count };
}

/** `value` with redactSecrets applied to every string inside it (plain objects and arrays; other values as they are). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value).text as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}

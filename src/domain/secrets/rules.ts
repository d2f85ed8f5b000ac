// The secret detectors, as data: one entry per format, modelled on the rule sets of the well-known
// scanners (gitleaks' default config, secretlint's recommended preset). A rule's match is replaced by
// `[REDACTED:<kind>]`, except its named groups `pre` and `post`, which are kept (the key name, the
// scheme, the user of a URL): they say what was removed without being the secret.
// Rules run in order: whole blocks and structured spots first, so a later generic rule never sees
// half of a secret that a more specific rule would have named.

export interface SecretRule {
  kind: string;
  pattern: string;
  /** Regex flags besides `g` (always added). */
  flags?: string;
  /** The removed part must carry at least this Shannon entropy (bits per character), else the match stays. */
  minEntropy?: number;
}

// A key's prefix (`spring.datasource.`, `MY_APP_`) is bounded: unbounded, every `.`, `_` or `-` of a long run
// (a base64url blob, `a_a_a_…`) started a scan to the run's end, and one 64 KiB line took a minute to redact.
/** Key names that say "the value is a password": any value after them is removed. */
const PASSWORD_KEY = String.raw`(?:[A-Za-z0-9_.-]{0,64}?(?:password|passwd|passphrase|pwd)|(?:[A-Za-z0-9_.-]{0,64}[_.-])?pass)`;
/** Key names that say "the value is a credential". */
const SECRET_KEY = String.raw`[A-Za-z0-9_.-]{0,64}?(?:secret|token|api[_-]?key|apikey|access[_-]?key(?:[_-]?id)?|secret[_-]?key|private[_-]?key(?:[_-]?id)?|auth[_-]?key|account[_-]?key|shared[_-]?access[_-]?key|encryption[_-]?key|signing[_-]?key|master[_-]?key|credentials?|session[_-]?(?:id|key|token)?|sessid|cookie[_-]?secret|client[_-]?secret|webhook[_-]?url)`;
/** Start of a key: not inside a longer word. */
const K0 = String.raw`(?<![A-Za-z0-9])`;
/**
 * Optional quote after a key, also JSON-escaped (a JSON document logged inside a JSON string), as `\"` or as
 * `\u0022` (.NET's System.Text.Json writes every quote so).
 */
const Q = String.raw`(?:\\?["']|\\u0022)?`;
const SEP = String.raw`\s*(?:=>|:=|[:=])\s*`;
/** A value that a prose word would be ("token: expired"): left alone after a non-password key and a colon. */
const PROSE = String.raw`(?![a-z]{1,12}(?![A-Za-z0-9_+/=.~-]))`;
const UNQUOTED = String.raw`[^\s"'\\&,;}\])]+`;

const tok = (kind: string, pattern: string, flags?: string): SecretRule =>
  flags ? { kind, pattern, flags } : { kind, pattern };
/** A token format: not preceded or followed by characters that would make it part of a longer word. */
const bounded = (kind: string, body: string, flags?: string): SecretRule =>
  tok(kind, String.raw`(?<![A-Za-z0-9_])${body}(?![A-Za-z0-9_])`, flags);

export const SECRET_RULES: readonly SecretRule[] = [
  // Private keys: PEM blocks (RSA, EC, DSA, OPENSSH, PKCS8, encrypted) and PGP, also with JSON-escaped newlines.
  // A block cut off before its END line (a truncated log) is removed to the end of the text.
  tok(
    'private_key',
    String.raw`-----BEGIN[ A-Z0-9_-]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[ A-Z0-9_-]*PRIVATE KEY(?: BLOCK)?-----|$)`,
  ),
  tok('private_key', String.raw`PuTTY-User-Key-File-\d+:[\s\S]*?Private-MAC:\s*[0-9a-f]+`),
  bounded('age_secret_key', String.raw`AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`),
  // Webhook URLs carry their secret in the path.
  tok(
    'slack_webhook',
    String.raw`(?<pre>https?://hooks\.slack\.com/)(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,}`,
  ),
  tok(
    'webhook',
    String.raw`(?<pre>https?://(?:[a-z0-9-]+\.)?discord(?:app)?\.com/api/webhooks/)\d+/[A-Za-z0-9_-]{20,}`,
  ),
  tok('webhook', String.raw`(?<pre>https?://[a-z0-9-]+\.webhook\.office\.com/webhookb2/)[^\s"'<>]+`),
  // Credentials in URLs: scheme://user:password@host, also with an empty user and a password containing '@'.
  tok(
    'password',
    String.raw`(?<pre>(?<![A-Za-z0-9+.-])[a-z][a-z0-9+.-]*://[^\s:/@"'<>]*:)(?!\[REDACTED)[^\s/"'<>]+(?<post>@[^\s@/"'<>:]+)`,
    'i',
  ),
  // Command lines as logged: `curl -u user:password`, `--password hunter2` (a long option and its value).
  tok('password', String.raw`(?<pre>(?<![\w-])(?:-u|--user)\s+["']?[^\s:"'-][^\s:"']*:)(?!\[REDACTED)[^\s"']+`),
  tok(
    'secret',
    String.raw`(?<pre>(?<![\w-])--(?:[a-z0-9]+-)*(?:password|passwd|passphrase|token|secret|api-?key)\s+["']?)(?!\[REDACTED|-)[^\s"']+`,
    'i',
  ),
  // Signed URLs (S3, GCS, CloudFront): the signature, or a session token, grants access until it expires.
  tok(
    'signed_url',
    String.raw`(?<pre>[?&;](?:X-Amz-Signature|X-Amz-Security-Token|X-Goog-Signature|Signature)=)[^&\s"'#]+`,
    'i',
  ),
  // HTTP headers and their equivalents; a header's values may be a list (Go's http.Header printed with %v,
  // `map[Authorization:[Basic …]]`, or a JSON array).
  tok(
    'authorization',
    String.raw`(?<pre>${K0}(?:proxy-)?authorization${Q}${SEP}(?:\[\s*)?${Q}(?:(?:Bearer|Basic|Token|Digest|Negotiate|ApiKey|SSWS)\s+)?)[^\s"',\]]+`,
    'i',
  ),
  tok('cookie', String.raw`(?<pre>${K0}(?:set-)?cookie${Q}\s*:\s*${Q})(?!\[REDACTED)[^\r\n"'\\]+`, 'i'),
  tok('bearer', String.raw`(?<pre>\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}`),
  tok('basic_auth', String.raw`(?<pre>\bBasic\s+)[A-Za-z0-9+/]{12,}={0,2}`),
  // Cloud providers.
  bounded(
    'aws_access_key',
    String.raw`(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|AKPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}`,
  ),
  tok(
    'aws_secret_key',
    String.raw`(?<pre>${K0}(?:aws_?)?(?:secret_?access_?key|secret_?key)${Q}${SEP}${Q})[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])`,
    'i',
  ),
  bounded('gcp_api_key', String.raw`AIza[0-9A-Za-z_-]{35}`),
  bounded('gcp_oauth_secret', String.raw`GOCSPX-[A-Za-z0-9_-]{28}`),
  bounded('gcp_access_token', String.raw`ya29\.[0-9A-Za-z_-]{20,}`),
  tok(
    'azure_client_secret',
    String.raw`(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])`,
  ),
  tok('azure_sas', String.raw`(?<pre>[?&;]sig=)[A-Za-z0-9%+/=]{20,}`, 'i'),
  bounded('alibaba_key_id', String.raw`LTAI[A-Za-z0-9]{20}`),
  bounded('digitalocean_token', String.raw`(?:dop|doo|dor)_v1_[a-f0-9]{64}`),
  // Source hosting and package registries.
  bounded('github_token', String.raw`(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}`),
  bounded('github_token', String.raw`github_pat_[A-Za-z0-9_]{22,}`),
  bounded('gitlab_token', String.raw`(?:glpat|gldt|glrt|glptt|glft|glsoat|glcbt|gloas)-[A-Za-z0-9_-]{20,}`),
  bounded('gitlab_token', String.raw`GR1348941[A-Za-z0-9_-]{20,}`),
  bounded('npm_token', String.raw`npm_[A-Za-z0-9]{36}`),
  tok('npm_token', String.raw`(?<pre>_authToken\s*=\s*)[^\s"']+`),
  bounded('pypi_token', String.raw`pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}`),
  bounded('docker_token', String.raw`dckr_pat_[A-Za-z0-9_-]{27,}`),
  bounded('huggingface_token', String.raw`hf_[A-Za-z]{34}`),
  // SaaS tokens.
  bounded('slack_token', String.raw`xox[abeoprs]-(?:\d+-)?[A-Za-z0-9-]{10,}`),
  bounded('slack_token', String.raw`xoxe\.xox[bp]-\d-[A-Za-z0-9]{100,}`),
  bounded('slack_token', String.raw`xapp-\d-[A-Za-z0-9-]{10,}`),
  bounded('anthropic_key', String.raw`sk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_-]{20,}`),
  bounded('anthropic_key', String.raw`sk-ant-[A-Za-z0-9_-]{20,}`),
  bounded('openai_key', String.raw`sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}`),
  bounded('stripe_key', String.raw`(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{16,}`),
  bounded('stripe_webhook_secret', String.raw`whsec_[A-Za-z0-9+/=]{20,}`),
  bounded('sendgrid_key', String.raw`SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}`),
  bounded('twilio_key', String.raw`SK[0-9a-fA-F]{32}`),
  bounded('mailgun_key', String.raw`key-[0-9a-f]{32}`),
  bounded('mailchimp_key', String.raw`[0-9a-f]{32}-us\d{1,2}`),
  bounded('shopify_token', String.raw`shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}`),
  bounded('square_token', String.raw`(?:EAAA[A-Za-z0-9_-]{60}|sq0(?:atp|csp)-[A-Za-z0-9_-]{22,43})`),
  bounded('vault_token', String.raw`hv[sb]\.[A-Za-z0-9_-]{24,}`),
  bounded('terraform_token', String.raw`[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}`),
  bounded('grafana_token', String.raw`(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,2})`),
  bounded('newrelic_key', String.raw`NR(?:AK|AA|II)-[A-Za-z0-9]{27}`),
  bounded('sentry_token', String.raw`sntr[ysu]_[A-Za-z0-9+/=_-]{40,}`),
  bounded('linear_key', String.raw`lin_api_[A-Za-z0-9]{40}`),
  bounded('notion_token', String.raw`(?:ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})`),
  bounded('postman_key', String.raw`PMAK-[a-f0-9]{24}-[a-f0-9]{34}`),
  bounded('doppler_token', String.raw`dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}`),
  bounded('databricks_token', String.raw`dapi[a-f0-9]{32}(?:-\d)?`),
  bounded('pulumi_token', String.raw`pul-[a-f0-9]{40}`),
  bounded('onepassword_token', String.raw`ops_eyJ[A-Za-z0-9+/=_-]{100,}`),
  bounded('supabase_token', String.raw`sbp_[a-f0-9]{40}`),
  bounded('groq_key', String.raw`gsk_[A-Za-z0-9]{52}`),
  bounded('replicate_token', String.raw`r8_[A-Za-z0-9]{37}`),
  bounded('telegram_bot_token', String.raw`\d{8,10}:AA[A-Za-z0-9_-]{33}`),
  tok('jwt', String.raw`\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}`),
  // Connection strings: key=value;... pairs (ADO.NET, Azure storage, Service Bus, JDBC) are covered by the key
  // rules below; Azure's AccountKey/SharedAccessKey values are base64 with '=' padding inside the pair.
  tok(
    'connection_string',
    String.raw`(?<pre>${K0}(?:AccountKey|SharedAccessKey|SharedAccessSignature)\s*=\s*)[^;\s"']+`,
    'i',
  ),
  // key = "value" (JSON, YAML, ini, env, logfmt, headers) for any key that names a secret: quoted values whole.
  tok(
    'secret',
    String.raw`(?<pre>${K0}${PASSWORD_KEY}${Q}${SEP}(?<q>\\?["']|\\u0022))(?!\[REDACTED)(?:(?!\k<q>)[^\n])+`,
    'i',
  ),
  tok(
    'secret',
    String.raw`(?<pre>${K0}${SECRET_KEY}${Q}${SEP}(?<q>\\?["']|\\u0022))(?!\[REDACTED)(?:(?!\k<q>)[^\n])+`,
    'i',
  ),
  // Unquoted values up to the next separator: after a password key any value, after other keys not a prose word.
  tok('secret', String.raw`(?<pre>${K0}${PASSWORD_KEY}${Q}${SEP})(?!\[REDACTED|["'])${UNQUOTED}`, 'i'),
  tok('secret', String.raw`(?<pre>${K0}${SECRET_KEY}${Q}\s*(?:=>|:=|=)\s*)(?!\[REDACTED|["'])${UNQUOTED}`, 'i'),
  tok('secret', String.raw`(?<pre>${K0}${SECRET_KEY}${Q}\s*:\s*)(?!\[REDACTED|["'])${PROSE}${UNQUOTED}`, 'i'),
  // A long random string shortly after a word that names a secret ("rotated api key to 9f8A...", "secret is ...");
  // hex-only runs are ids and hashes (trace ids, commit SHAs) far more often than keys, so they stay, and
  // so do SCREAMING_SNAKE names (an environment variable named in a message is not its value).
  {
    kind: 'secret',
    pattern: String.raw`(?<pre>${K0}(?:secret|token|password|passwd|credentials?|api[ _-]?key|access[ _-]?key|private[ _-]?key|signing[ _-]?key)s?(?![A-Za-z0-9])[^\n]{0,24}?)(?<![A-Za-z0-9+/_=.~-])(?![0-9a-f]+(?![A-Za-z0-9+/_.~=-])|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![A-Za-z0-9+/_.~=-]))[A-Za-z0-9+/_.~-]{20,}={0,2}(?![A-Za-z0-9+/_=.~-])`,
    flags: 'i',
    minEntropy: 3.5,
  },
  // Personal data: e-mail addresses. The parts are bounded as RFC 5321 bounds them (local part 64, label 63) and
  // a local part starts where its run starts, so a long run of `a.a.a…` is not rescanned from each dot.
  // An address ends where its host name ends: not before more of the host (`.com`, `-west-2`), and not glued to
  // an identifier by `_` (a topology's `adoptions@db.rds.amazonaws.com_Database::SQL` names a service, and
  // cutting it at `amazonaws` left `[REDACTED:email].com_…`); a closing `_` (mrkdwn italics) still ends one.
  tok(
    'email',
    String.raw`(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,63}(?![A-Za-z0-9]|[.-]{1,63}[A-Za-z0-9]|_[A-Za-z0-9])`,
  ),
];

/**
 * Words one of which a text must contain (lower-cased) before a kind's rules run at all, as gitleaks'
 * `keywords`: most text holds no secret, and a substring test is far cheaper than the patterns.
 * A kind without an entry always runs.
 */
export const RULE_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  private_key: ['private key', 'putty-user-key'],
  age_secret_key: ['age-secret-key'],
  slack_webhook: ['hooks.slack.com'],
  webhook: ['discord', 'webhook.office.com'],
  password: ['://', '-u ', '--user'],
  signed_url: ['signature=', 'security-token='],
  authorization: ['authorization'],
  cookie: ['cookie'],
  bearer: ['bearer'],
  basic_auth: ['basic'],
  aws_access_key: [
    'a3t',
    'akia',
    'asia',
    'abia',
    'acca',
    'agpa',
    'aida',
    'aipa',
    'akpa',
    'anpa',
    'anva',
    'aroa',
    'apka',
  ],
  aws_secret_key: ['secret'],
  gcp_api_key: ['aiza'],
  gcp_oauth_secret: ['gocspx-'],
  gcp_access_token: ['ya29.'],
  azure_client_secret: ['q~'],
  azure_sas: ['sig='],
  alibaba_key_id: ['ltai'],
  digitalocean_token: ['_v1_'],
  github_token: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  gitlab_token: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glft-', 'glsoat-', 'glcbt-', 'gloas-', 'gr1348941'],
  npm_token: ['npm_', '_authtoken'],
  pypi_token: ['pypi-'],
  docker_token: ['dckr_pat_'],
  huggingface_token: ['hf_'],
  slack_token: ['xox', 'xapp-'],
  anthropic_key: ['sk-ant-'],
  openai_key: ['sk-'],
  stripe_key: ['sk_', 'rk_'],
  stripe_webhook_secret: ['whsec_'],
  sendgrid_key: ['sg.'],
  twilio_key: ['sk'],
  mailgun_key: ['key-'],
  mailchimp_key: ['-us'],
  shopify_token: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
  square_token: ['eaaa', 'sq0atp-', 'sq0csp-'],
  vault_token: ['hvs.', 'hvb.'],
  terraform_token: ['atlasv1'],
  grafana_token: ['glsa_', 'glc_'],
  newrelic_key: ['nrak-', 'nraa-', 'nrii-'],
  sentry_token: ['sntr'],
  linear_key: ['lin_api_'],
  notion_token: ['ntn_', 'secret_'],
  postman_key: ['pmak-'],
  doppler_token: ['dp.'],
  databricks_token: ['dapi'],
  pulumi_token: ['pul-'],
  onepassword_token: ['ops_'],
  supabase_token: ['sbp_'],
  groq_key: ['gsk_'],
  replicate_token: ['r8_'],
  telegram_bot_token: [':aa'],
  jwt: ['eyj'],
  connection_string: ['accountkey', 'sharedaccess'],
  secret: ['pass', 'pwd', 'secret', 'token', 'key', 'credential', 'session', 'sessid', 'cookie', 'webhook'],
  email: ['@'],
};

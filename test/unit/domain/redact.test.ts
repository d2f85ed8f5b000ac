import { redactSecrets } from '../../../src/domain/redact';

// Fifty secrets in the shapes services really leak them, each inside a realistic line.
// [description, line, the secret part that must not survive]
const A40 = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const CASES: Array<[string, string, string]> = [
  [
    'AWS access key id in logfmt',
    'level=info msg="s3 client" key_id=AKIAIOSFODNN7EXAMPLE region=eu-west-1',
    'AKIAIOSFODNN7EXAMPLE',
  ],
  ['AWS temporary key id', 'assumed role, credentials ASIAY34FZKBOKMUTVV7A expire in 3600s', 'ASIAY34FZKBOKMUTVV7A'],
  [
    'AWS key id in JSON',
    '{"AccessKeyId":"AKIA2OGYBAH6STMMNXNN","Expiration":"2026-01-01T00:00:00Z"}',
    'AKIA2OGYBAH6STMMNXNN',
  ],
  ['AWS secret in ini', `aws_secret_access_key = ${A40}`, A40],
  ['AWS secret in env dump', `AWS_SECRET_ACCESS_KEY=${A40}`, A40],
  ['AWS secret in JSON', `{"SecretAccessKey": "${A40}"}`, A40],
  [
    'GitHub classic PAT',
    'git clone https://ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R@github.com/acme/repo',
    'ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R',
  ],
  [
    'GitHub OAuth token',
    'oauth ok token gho_16C7e42F292c6912E7710c838347Ae178B4a issued',
    'gho_16C7e42F292c6912E7710c838347Ae178B4a',
  ],
  [
    'GitHub fine-grained PAT',
    'GH_TOKEN github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW',
    'github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789',
  ],
  [
    'Slack bot token',
    'posting with xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  ],
  [
    'Slack user token',
    'token xoxp-2222222222-3333333333-4444444444-abcdef0123456789abcdef0123456789',
    'xoxp-2222222222-3333333333',
  ],
  ['Slack app token', 'socket mode xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef', 'xapp-1-A0123456789'],
  ['Slack refresh token', 'rotated xoxr-1234567890-abcdefghijklmnop', 'xoxr-1234567890-abcdefghijklmnop'],
  ['Slack legacy token', 'legacy xoxa-2-abcdef1234567890-ABCDEF', 'xoxa-2-abcdef1234567890-ABCDEF'],
  [
    'Anthropic key',
    'ANTHROPIC_API_KEY=sk-ant-api03-Xy9zAbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcDEF',
    'sk-ant-api03-Xy9zAbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  ],
  [
    'Anthropic key in prose',
    'client created with sk-ant-admin01-abcdefghijklmnopqrstuvwxyz012345',
    'sk-ant-admin01-abcdefghijklmnopqrstuvwxyz012345',
  ],
  [
    'OpenAI key',
    'using OPENAI key sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd',
    'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd',
  ],
  [
    'OpenAI legacy key',
    'Incorrect API key provided: sk-3nQm8fP2xL7vR1tY9wK4zB6cD0eF5gH2jI8kL',
    'sk-3nQm8fP2xL7vR1tY9wK4zB6cD0eF5gH2jI8kL',
  ],
  [
    'Stripe live secret',
    'stripe.charge failed key=sk_live_4eC39HqLyjWDarjtT1zdp7dc',
    'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  ],
  ['Stripe restricted key', 'restricted rk_live_51H8abcdEFGHijklMNOPqrst used', 'rk_live_51H8abcdEFGHijklMNOPqrst'],
  ['Stripe test secret', 'config: sk_test_26PHem9AhJZvU623DfE1x4sd', 'sk_test_26PHem9AhJZvU623DfE1x4sd'],
  [
    'Google API key',
    'maps request https://maps.googleapis.com/maps/api/geocode/json?address=x&k=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY',
    'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY',
  ],
  [
    'Google API key in JSON',
    '{"firebase":{"apiKey":"AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"}}',
    'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
  ],
  [
    'JWT in a cookie',
    'cookie session=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  ],
  [
    'JWT in JSON',
    '{"id_token":"eyJraWQiOiJrMSJ9.eyJpc3MiOiJhY21lIn0.c2lnbmF0dXJlLXN0dWZm"}',
    'eyJraWQiOiJrMSJ9.eyJpc3MiOiJhY21lIn0',
  ],
  [
    'Bearer header',
    'GET /v1/orders 401 headers={Authorization: Bearer 8f14e45fceea167a5a36dedd4bea2543}',
    '8f14e45fceea167a5a36dedd4bea2543',
  ],
  [
    'bearer in curl',
    'curl -H "Authorization: Bearer abc.def-ghi_jkl123456" https://api.acme.io',
    'abc.def-ghi_jkl123456',
  ],
  ['Authorization Basic', 'upstream request Authorization: Basic dXNlcjpodW50ZXIy', 'dXNlcjpodW50ZXIy'],
  ['authorization in JSON', '{"headers":{"authorization":"Token 9a8b7c6d5e4f3a2b1c0d"}}', '9a8b7c6d5e4f3a2b1c0d'],
  ['Bearer in prose', 'retrying with Bearer 0123456789abcdefABCDEF after refresh', '0123456789abcdefABCDEF'],
  ['postgres URL password', 'connecting to postgres://payments:S3cr3tPa55@db-1.internal:5432/payments', 'S3cr3tPa55'],
  ['redis URL password', 'redis error at redis://default:hunter2hunter2@cache:6379/0', 'hunter2hunter2'],
  ['amqp URL password', 'amqp://guest:g7#kP!x9@rabbit:5672/', 'g7#kP!x9'],
  ['mongodb+srv URL password', 'mongodb+srv://app:Zx81-yy@cluster0.abcde.mongodb.net/shop', 'Zx81-yy'],
  ['logfmt password', 'level=error msg="login failed" user=alice password=Tr0ub4dor&3', 'Tr0ub4dor'],
  ['logfmt quoted secret', 'msg="webhook" secret="whsec_abc 123 def"', 'whsec_abc 123 def'],
  ['query string token', 'GET /callback?code=abc&access_token=ya29.a0AfH6SMBx7 200', 'ya29.a0AfH6SMBx7'],
  [
    'query string api_key',
    'proxy GET https://api.weather.io/v2?q=paris&api_key=5f2b8c9d1e3a4b6c 502',
    '5f2b8c9d1e3a4b6c',
  ],
  ['db_password env', 'DB_PASSWORD=correct-horse-battery-staple', 'correct-horse-battery-staple'],
  ['passwd in logfmt', 'ldap bind dn=cn=admin passwd=Pa$$w0rd! failed', 'Pa$$w0rd!'],
  ['JSON password', '{"user":"svc","password":"p@ss w0rd!"}', 'p@ss w0rd!'],
  ['JSON client_secret', '{"client_id":"abc","client_secret":"7Fjfp0ZBr1KtDRbnfVdmIw"}', '7Fjfp0ZBr1KtDRbnfVdmIw'],
  ['JSON api_key', '{"provider":"sendgrid","api_key":"SG.xYz123.AbC456"}', 'SG.xYz123.AbC456'],
  ['YAML password', 'spring.datasource.password: myS3cretDbPass', 'myS3cretDbPass'],
  ['refresh_token logfmt', 'oauth refresh_token=1//0gLx-abcdEFGH rotated', '1//0gLx-abcdEFGH'],
  [
    'RSA private key block',
    'loaded key\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq98s\nq2l3k4j5h6g7f8d9s0a\n-----END RSA PRIVATE KEY-----\nready',
    'q2l3k4j5h6g7f8d9s0a',
  ],
  [
    'PKCS8 private key block',
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
    'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
  ],
  [
    'truncated private key block',
    'panic: bad key "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49',
    'MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY',
  ],
  [
    'e-mail in a log line',
    'order 8812 confirmation sent to jane.doe+shop@example.co.uk',
    'jane.doe+shop@example.co.uk',
  ],
  ['e-mail in JSON', '{"customer":{"email":"BOB_smith@mail.acme-corp.com"}}', 'BOB_smith@mail.acme-corp.com'],
];

describe('redactSecrets', () => {
  it('holds fifty realistic cases', () => {
    expect(CASES).toHaveLength(50);
  });

  it.each(CASES)('removes %s', (_name, line, secret) => {
    const { text, count } = redactSecrets(line);
    expect(text).not.toContain(secret);
    expect(text).toMatch(/\[REDACTED:[a-z_]+\]/);
    expect(count).toBeGreaterThan(0);
  });

  it('names the kind of what it removed', () => {
    expect(redactSecrets('key AKIAIOSFODNN7EXAMPLE').text).toBe('key [REDACTED:aws_access_key]');
    expect(redactSecrets('mail ops@acme.io now').text).toBe('mail [REDACTED:email] now');
    expect(redactSecrets('postgres://app:pw123@db:5432/x').text).toBe('postgres://app:[REDACTED:password]@db:5432/x');
  });

  it('keeps a service named by a user@host identifier whole, and still removes addresses that end where they should', () => {
    const service = 'adoptions@services-database.us-west-2.rds.amazonaws.com_Database::SQL';
    expect(redactSecrets(`suspect ${service}: latency p99 up 8x`).text).toBe(`suspect ${service}: latency p99 up 8x`);
    expect(redactSecrets('mail bob@example.com.').text).toBe('mail [REDACTED:email].');
    expect(redactSecrets('to=<bob@example.com>, cc="ann@mail.example.org"').text).toBe(
      'to=<[REDACTED:email]>, cc="[REDACTED:email]"',
    );
    expect(redactSecrets('sent to _bob@example.com_ at 03:14').text).toBe('sent to [REDACTED:email]_ at 03:14');
    expect(redactSecrets('user=bob@example.com-->').text).toBe('user=[REDACTED:email]-->');
  });

  it('redacts a private key block as one piece, keeping the lines around it', () => {
    const { text, count } = redactSecrets(
      'before\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE\nAAAA\n-----END OPENSSH PRIVATE KEY-----\nafter',
    );
    expect(text).toBe('before\n[REDACTED:private_key]\nafter');
    expect(count).toBe(1);
  });

  it.each([
    ['a git sha', 'deploy payments 3f9a2c1e8b7d6f5a4c3b2a1908f7e6d5c4b3a291 rolled out'],
    ['a UUID', 'request_id=123e4567-e89b-12d3-a456-426614174000 status=500'],
    ['a normal URL', 'GET https://api.example.com/v1/orders?page=2&limit=50 took 2.3s'],
    ['a URL with a port and path', 'upstream http://payments.internal:8080/charge timed out'],
    ['a token count', 'llm usage max_tokens=4000 input_tokens=1234'],
    ['prose about tokens', 'token: expired, refreshing session'],
    [
      'a Java exception',
      'java.net.SocketTimeoutException: Read timed out at com.acme.PaymentsClient.charge(PaymentsClient.java:88)',
    ],
    ['a hex trace id', 'trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7'],
    [
      'a version and image digest',
      'image acme/payments:v2.14.0@sha256:9b2f3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b',
    ],
    ['a base64 payload field', 'payload="aGVsbG8gd29ybGQ=" bytes=11'],
  ])('leaves %s untouched', (_name, line) => {
    expect(redactSecrets(line)).toEqual({ text: line, count: 0 });
  });
});

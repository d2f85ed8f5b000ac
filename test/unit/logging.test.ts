import { createLogger, scrubSecrets, withContext } from '../../src/logging';

function capture(level: 'info' | 'debug' = 'info') {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (s: string) => void lines.push(s) } });
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const BOT = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp';

describe('logging', () => {
  it('never writes a Slack token that appears inside a message', () => {
    const { logger, lines } = capture();
    logger.info(`calling chat.postMessage with ${BOT} now`);
    expect(lines.join('')).not.toContain(BOT);
    expect(lines.join('')).not.toContain('AbCdEfGhIjKlMnOp');
    expect(lines.join('')).toContain('calling chat.postMessage with');
  });

  it('redacts secret fields of objects by path and secret-shaped values anywhere', () => {
    const { logger, lines, parsed } = capture();
    logger.info(
      {
        config: { slack: { botToken: BOT, signingSecret: 'shh-signing-secret', apiUrl: 'https://slack.com/api/' } },
        headers: { authorization: 'Bearer abcdefghijklmnop' },
        request: { note: `token in a free field: ${BOT}` },
        anthropic: { apiKey: 'sk-ant-api03-ZZZZZZZZZZZZZZZZ' },
      },
      'startup',
    );
    const out = lines.join('');
    for (const secret of [BOT, 'shh-signing-secret', 'abcdefghijklmnop', 'sk-ant-api03-ZZZZZZZZZZZZZZZZ'])
      expect(out).not.toContain(secret);
    const rec = parsed()[0] as { config: { slack: { apiUrl: string; botToken: string } } };
    expect(rec.config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(rec.config.slack.botToken).toBe('[redacted]');
  });

  it('scrubs secrets out of error messages and stacks', () => {
    const { logger, lines } = capture();
    logger.error({ err: new Error(`auth failed for redis://scout:hunter2@10.0.0.5:6379 with ${BOT}`) }, 'boom');
    const out = lines.join('');
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain(BOT);
    expect(out).toContain('10.0.0.5:6379');
  });

  it('child loggers carry the incident, investigation, scout and Slack user', () => {
    const { logger, parsed } = capture();
    withContext(logger, { incidentId: 'C1', investigationId: 'I1', scout: 'logs', slackUser: 'U1' }).info('hello');
    expect(parsed()[0]).toMatchObject({
      incidentId: 'C1',
      investigationId: 'I1',
      scout: 'logs',
      slackUser: 'U1',
      msg: 'hello',
    });
  });

  it('leaves empty context values out of the bindings', () => {
    const { logger, parsed } = capture();
    withContext(logger, { incidentId: 'C2', slackUser: '' }).warn('first');
    expect(parsed()[0]).toMatchObject({ incidentId: 'C2', msg: 'first' });
    expect(parsed()[0]).not.toHaveProperty('slackUser');
  });
});

describe('scrubSecrets', () => {
  it.each([
    ['xapp-1-A0123-456-abcdef0123', 'xapp-'],
    ['xoxp-123456-abcdef', 'xoxp-123456'],
    ['AKIAABCDEFGHIJKLMNOP', 'ABCDEFGHIJKLMNOP'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'eyJhbGci'],
    ['https://admin:p4ssw0rd@grafana.local/api', 'p4ssw0rd'],
    ['-----BEGIN RSA PRIVATE KEY-----\\nMIIEow\\n-----END RSA PRIVATE KEY-----', 'MIIEow'],
  ])('removes %s', (input, leaked) => {
    const out = scrubSecrets(`before ${input} after`);
    expect(out.startsWith('before ')).toBe(true);
    expect(out.endsWith(' after')).toBe(true);
    if (leaked === 'xapp-') expect(out).not.toContain('A0123-456-abcdef0123');
    else expect(out).not.toContain(leaked);
  });

  it('leaves ordinary text alone', () => {
    const text = 'checkout p99 rose from 120ms to 2.4s after deploy 7f3c (x-request-id abc)';
    expect(scrubSecrets(text)).toBe(text);
  });
});

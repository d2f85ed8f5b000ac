import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../../src/config';
import { ConfigError } from '../../../src/domain/errors';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads VERIFY_AFTER as a duration (default 5 min), off to turn the check off, and names a bad value', () => {
    expect(loadConfig({}).verification.afterMs).toBe(300_000);
    expect(loadConfig({ VERIFY_AFTER: '90s' }).verification.afterMs).toBe(90_000);
    expect(loadConfig({ VERIFY_AFTER: 'off' }).verification.afterMs).toBeNull();
    const problems = problemsOf(() => loadConfig({ VERIFY_AFTER: 'soon' }));
    expect(problems.join('\n')).toMatch(/VERIFY_AFTER.*expected a duration from 1s to 24h \(30s, 5m, 1h\) or off/);
  });

  it('gives working defaults with no environment at all', () => {
    const c = loadConfig({});
    expect(c.slack.port).toBe(3000);
    expect(c.slack.apiUrl).toBe('https://slack.com/api/');
    expect(c.redis.url).toBeUndefined();
    expect(c.incidentChannelPattern.test('inc-checkout')).toBe(true);
    expect(c.incidentChannelPattern.test('incident_db')).toBe(true);
    expect(c.incidentChannelPattern.test('random-chat')).toBe(false);
    expect(c.scouts.map((s) => s.name)).toEqual(['logs', 'metrics', 'changes']);
    expect(c.actions.map((a) => a.id)).toContain('rollback-deploy');
    expect(c.anthropic.leadModel).toBe('claude-sonnet-5-5');
    expect(c.anthropic.scoutModel).toBe('claude-haiku-5-5');
    expect(c.investigation.maxSeconds).toBe(360);
  });

  it('returns a frozen object', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.slack)).toBe(true);
    expect(() => {
      (c.slack as { port: number }).port = 1;
    }).toThrow();
  });

  it('names every bad variable, the field and the expectation, one line each', () => {
    const problems = problemsOf(() =>
      loadConfig({ PORT: 'abc', SLACK_BOT_TOKEN: 'nope', INCIDENT_CHANNEL_PATTERN: '(', REDIS_URL: 'http://x' }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^env PORT: expected an integer 1-65535/),
        expect.stringMatching(/^env SLACK_BOT_TOKEN: expected a bot token starting with xoxb-/),
        expect.stringMatching(/^env INCIDENT_CHANNEL_PATTERN: expected a valid regular expression/),
        expect.stringMatching(/^env REDIS_URL: expected a redis:\/\//),
      ]),
    );
  });

  it('requires Slack credentials only to serve', () => {
    expect(() => loadConfig({})).not.toThrow();
    const problems = problemsOf(() => loadConfig({}, { requireSlack: true, requireEvidence: true }));
    expect(problems).toEqual([
      expect.stringMatching(/^env SLACK_BOT_TOKEN: required/),
      expect.stringMatching(/^env SLACK_SIGNING_SECRET: required in HTTP mode/),
      expect.stringMatching(/^env EVIDENCE_DIR: no evidence source configured/),
    ]);
    expect(() =>
      loadConfig(
        { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', PROMETHEUS_URL: 'http://127.0.0.1:9090' },
        { requireSlack: true, requireEvidence: true },
      ),
    ).not.toThrow();
  });

  it('reads the YAML file named by TRIAGE_CONFIG and lets the environment win', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'scout.yaml');
    fs.writeFileSync(
      file,
      'incident_channel_pattern: "^sev[12]-"\nslack:\n  port: 4000\ninvestigation:\n  max_seconds: 120\n',
    );
    const c = loadConfig({ TRIAGE_CONFIG: file, PORT: '5000' });
    expect(c.slack.port).toBe(5000);
    expect(c.investigation.maxSeconds).toBe(120);
    expect(c.incidentChannelPattern.test('sev1-db')).toBe(true);
    expect(c.files.config).toBe(file);
  });

  it('reports a bad YAML field with the file path and the field', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'scout.yaml');
    fs.writeFileSync(file, 'investigation:\n  max_seconds: -3\nbogus: 1\n');
    const problems = problemsOf(() => loadConfig({ TRIAGE_CONFIG: file }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`${file} investigation.max_seconds: expected an integer 10-3600`),
        `${file}: unknown key "bogus"`,
      ]),
    );
  });

  it('lists the allowed values of a choice and quotes a YAML syntax error in plain words', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'scout.yaml');
    fs.writeFileSync(file, 'log_level: loud\n');
    expect(problemsOf(() => loadConfig({ TRIAGE_CONFIG: file }))).toEqual([
      `${file} log_level: expected one of fatal, error, warn, info, debug, trace, silent`,
    ]);
    fs.writeFileSync(file, ': : :\n');
    expect(problemsOf(() => loadConfig({ TRIAGE_CONFIG: file }))).toEqual([
      `${file}: not valid YAML (Nested mappings are not allowed in compact mappings at line 1, column 3)`,
    ]);
  });

  it('says when TRIAGE_CONFIG points at a missing file, or at a directory', () => {
    expect(problemsOf(() => loadConfig({ TRIAGE_CONFIG: '/nonexistent/x.yaml' }))).toEqual([
      'env TRIAGE_CONFIG: /nonexistent/x.yaml not found; expected a YAML config file',
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    expect(problemsOf(() => loadConfig({ TRIAGE_CONFIG: dir }))).toEqual([
      `env TRIAGE_CONFIG: ${dir} is a directory; expected a YAML config file`,
    ]);
  });

  it('names a manifest that is a directory, and a field it lacks, in plain words', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const scouts = path.join(dir, 'scouts.yaml');
    fs.writeFileSync(scouts, 'scouts:\n  - name: logs\n');
    fs.mkdirSync(path.join(dir, 'actions.yaml'));
    const cfg = path.join(dir, 'c.yaml');
    fs.writeFileSync(cfg, `manifests:\n  scouts: ${scouts}\n  actions: ${path.join(dir, 'actions.yaml')}\n`);
    const problems = problemsOf(() => loadConfig({ TRIAGE_CONFIG: cfg }));
    expect(problems).toContain(`${scouts} scouts[0].purpose: missing (expected a string)`);
    expect(problems).toContain(`${scouts} scouts[0].tools: missing (expected a list)`);
    expect(problems).toContainEqual(
      expect.stringMatching(
        new RegExp(`^${path.join(dir, 'actions.yaml')}: manifest is a directory \\(expected a YAML file`),
      ),
    );
  });

  it('rejects a scouts manifest entry with its path and problem', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const scouts = path.join(dir, 'scouts.yaml');
    fs.writeFileSync(
      scouts,
      'scouts:\n  - name: logs\n    purpose: looks at the logs of things\n    tools: [rm_rf]\n    scope: {services: ["*"], sources: ["*"]}\n    budget: {max_tool_calls: 0, max_turns: 2, max_seconds: 30, max_output_tokens: 1000}\n',
    );
    const cfg = path.join(dir, 'c.yaml');
    fs.writeFileSync(cfg, `manifests:\n  scouts: ${scouts}\n`);
    const problems = problemsOf(() => loadConfig({ TRIAGE_CONFIG: cfg }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${scouts} scouts\\[0\\]\\.tools\\[0\\]: expected one of logs_patterns`)),
        expect.stringMatching(
          new RegExp(`^${scouts} scouts\\[0\\]\\.budget\\.max_tool_calls: expected an integer >= 1`),
        ),
      ]),
    );
  });

  it('rejects an action whose string parameter has no pattern or whose template names an unknown parameter', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const actions = path.join(dir, 'actions.yaml');
    fs.writeFileSync(
      actions,
      [
        'actions:',
        '  - id: bad-one',
        '    title: Bad one',
        '    description: does something risky',
        '    risk: low',
        '    blast_radius: everything',
        '    params:',
        '      name: {type: string}',
        '    run:',
        '      command: ["echo", "{name}", "{other}"]',
        '    approval:',
        '      approvers: {users: [U123]}',
      ].join('\n'),
    );
    const cfg = path.join(dir, 'c.yaml');
    fs.writeFileSync(cfg, `manifests:\n  actions: ${actions}\n`);
    const problems = problemsOf(() => loadConfig({ TRIAGE_CONFIG: cfg }));
    expect(problems).toEqual(
      expect.arrayContaining([
        `${actions} actions[0].run: uses {other} but params has no "other"`,
        `${actions} actions[0].params.name: string parameters need a pattern or an enum (untyped text never reaches a command)`,
      ]),
    );
  });

  it('builds the executor environment only from SCOUT_EXEC_ variables', () => {
    const c = loadConfig({
      SCOUT_EXEC_KUBECONFIG: '/etc/scout/remediator',
      SLACK_BOT_TOKEN: 'xoxb-secret',
      HOME: '/root',
    });
    expect(c.executor.env).toEqual({ KUBECONFIG: '/etc/scout/remediator' });
  });
});

describe('loadConfig names a bad value instead of failing later', () => {
  it('refuses a proxy setting that is not a URL, naming the variable', () => {
    expect(problemsOf(() => loadConfig({ HTTPS_PROXY: 'proxy.corp:3128', http_proxy: 'x' }))).toEqual([
      'env http_proxy: expected the http(s) URL of the proxy (http://proxy:3128)',
      'env HTTPS_PROXY: expected the http(s) URL of the proxy (http://proxy:3128)',
    ]);
    expect(loadConfig({ HTTPS_PROXY: 'http://proxy.corp:3128' }).proxy.https).toBe('http://proxy.corp:3128');
  });
});

describe('loadConfig with one bad variable', () => {
  it('still reads the other variables, so it reports only the real problem', () => {
    const problems = problemsOf(() =>
      loadConfig(
        { PORT: '0', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', LOKI_URL: 'http://127.0.0.1:3100' },
        { requireSlack: true, requireEvidence: true },
      ),
    );
    expect(problems).toEqual(['env PORT: expected an integer 1-65535']);
  });
});

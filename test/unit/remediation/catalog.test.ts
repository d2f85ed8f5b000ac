import { ProposalInvalid } from '../../../src/domain/errors';
import { Catalog, render, validateParams } from '../../../src/remediation/catalog';
import { patternAllowsLeadingDash } from '../../../src/remediation/executors';
import { parseActions } from '../../../src/config/actions';
import { catalogFrom, TEST_ACTIONS, argvOf } from './fixtures';

const catalog = new Catalog(catalogFrom(TEST_ACTIONS));
const action = (id: string) => catalog.get(id);

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProposalInvalid) return err.userMessage;
    throw err;
  }
  throw new Error('expected ProposalInvalid');
}

describe('validateParams', () => {
  it('coerces key=value strings to integers and booleans and applies defaults', () => {
    expect(validateParams(action('scale'), { service: 'checkout', replicas: '5' })).toEqual({
      service: 'checkout',
      replicas: 5,
      dry_run: false,
    });
    expect(validateParams(action('scale'), { service: 'checkout', replicas: '5', dry_run: 'true' })).toMatchObject({
      dry_run: true,
    });
  });

  it('refuses an unknown parameter and names what the action takes', () => {
    const why = refusal(() =>
      validateParams(action('scale'), { service: 'checkout', replicas: 2, kubeconfig: '/etc/x' }),
    );
    expect(why).toContain('no parameter "kubeconfig"');
    expect(why).toContain('replicas=<integer 1..50>');
  });

  it('refuses a missing parameter that has no default', () => {
    expect(refusal(() => validateParams(action('scale'), { service: 'checkout' }))).toContain('needs replicas=');
  });

  it('refuses integers outside min/max and text that is not an integer', () => {
    expect(refusal(() => validateParams(action('scale'), { service: 'a', replicas: '51' }))).toContain(
      'above the maximum 50',
    );
    expect(refusal(() => validateParams(action('scale'), { service: 'a', replicas: 0 }))).toContain(
      'below the minimum 1',
    );
    expect(refusal(() => validateParams(action('scale'), { service: 'a', replicas: '5; reboot' }))).toContain(
      'not an integer',
    );
    expect(refusal(() => validateParams(action('scale'), { service: 'a', replicas: 2.5 }))).toContain('not an integer');
  });

  it('refuses booleans other than true/false', () => {
    expect(refusal(() => validateParams(action('scale'), { service: 'a', replicas: 1, dry_run: 'yes' }))).toContain(
      'not true or false',
    );
  });

  it('refuses a value outside its enum', () => {
    expect(
      refusal(() => validateParams(action('rollback-deploy'), { service: 'a', namespace: 'kube-system' })),
    ).toContain('not one of production, staging');
  });

  it.each([
    ['checkout; rm -rf /'],
    ['$(reboot)'],
    ['`reboot`'],
    ['--kubeconfig=/etc/x'],
    ['checkout\nrm'],
    ['Checkout'],
    ['a b'],
  ])('refuses the injection attempt %j for a patterned service name', (value) => {
    expect(refusal(() => validateParams(action('rollback-deploy'), { service: value }))).toMatch(
      /does not match|control characters/,
    );
  });

  it('matches the pattern against the whole value even when the manifest wrote it without anchors', () => {
    // note's pattern has no ^...$; a valid prefix followed by a shell metacharacter must still fail
    expect(refusal(() => validateParams(action('annotate'), { note: 'fine; rm -rf /', offset: '1' }))).toContain(
      'does not match',
    );
  });

  it('refuses a string for an integer-typed value coming from a model as a non-string type', () => {
    expect(refusal(() => validateParams(action('rollback-deploy'), { service: 42 }))).toContain('not text');
  });
});

describe('render: commands', () => {
  it('fills each placeholder inside its own argv element', () => {
    const params = validateParams(action('rollback-deploy'), { service: 'checkout' });
    expect(render(action('rollback-deploy'), params)).toEqual({
      kind: 'command',
      argv: ['kubectl', 'rollout', 'undo', 'deployment/checkout', '-n', 'production'],
    });
  });

  it('keeps a value with spaces as ONE argv element', () => {
    const params = validateParams(action('annotate'), { note: 'rolled back by Dana, see E4', offset: '12' });
    const r = render(action('annotate'), params);
    expect(r).toEqual({ kind: 'command', argv: ['annotate', 'rolled back by Dana, see E4', '12', 'fast'] });
  });

  it('refuses a value that would start an argument with "-" when the pattern does not begin with a dash', () => {
    const why = refusal(() =>
      render(action('annotate'), validateParams(action('annotate'), { note: '-rf', offset: '1' })),
    );
    expect(why).toContain('would start a command argument with "-"');
  });

  it('refuses an enum value starting with "-" (an enum is not a pattern allowing it)', () => {
    expect(
      refusal(() =>
        render(action('annotate'), validateParams(action('annotate'), { note: 'x', offset: '1', mode: '-x' })),
      ),
    ).toContain('"-"');
  });

  it('allows a leading dash when the pattern itself begins with one', () => {
    const r = render(action('annotate'), validateParams(action('annotate'), { note: 'x', offset: '-5' }));
    expect(argvOf(r)[2]).toBe('-5');
  });

  it('lets the template itself start an argument with a dash (--replicas={replicas})', () => {
    const r = render(action('scale'), validateParams(action('scale'), { service: 'api', replicas: 3 }));
    expect(r).toEqual({
      kind: 'command',
      argv: ['kubectl', 'scale', 'deployment/api', '--replicas=3', '--dry-run=false'],
    });
  });

  it('reads a "-" inside a character class as a hyphen, not as permission to lead with a dash', () => {
    expect(patternAllowsLeadingDash('^[a-z0-9-]+$')).toBe(false);
    expect(patternAllowsLeadingDash('^-?[0-9]+$')).toBe(true);
    expect(patternAllowsLeadingDash(undefined)).toBe(false);
  });
});

describe('render: http', () => {
  const flag = action('flag');

  it('puts params only in the path and query, URL-encoded, and keeps ${SECRET} headers unresolved', () => {
    const r = render(flag, validateParams(flag, { flag: 'new.checkout', enabled: 'false', note: 'a&b=c/d?e' }));
    expect(r).toEqual({
      kind: 'http',
      method: 'PATCH',
      url: 'http://127.0.0.1:9/api/flags/new.checkout?note=a%26b%3Dc%2Fd%3Fe',
      headers: { Authorization: 'Bearer ${FLAGS_TOKEN}', 'X-Flag': 'new.checkout' },
      body: { enabled: false, reason: 'scout: a&b=c/d?e', nested: ['new.checkout'] },
    });
  });

  it('turns a body string that is exactly "{param}" into the typed JSON value', () => {
    const r = render(flag, validateParams(flag, { flag: 'x1', enabled: true }));
    expect(r.kind === 'http' && (r.body as { enabled: unknown }).enabled).toBe(true);
  });

  it('refuses at startup a manifest that puts a parameter in the URL host or the program name', () => {
    const bad = (run: string) =>
      parseActions(
        `actions:\n  - id: bad\n    title: Bad one\n    description: A bad action entry.\n    risk: low\n    blast_radius: none at all\n    params: { h: { type: string, pattern: "^[a-z]+$" } }\n    run: ${run}\n    approval: { approvers: { users: [U1] } }\n`,
        'bad.yaml',
      );
    expect(bad('{ http: { method: GET, url: "http://{h}.example.com/x" } }')).toEqual({
      problems: [expect.stringContaining('URL host')],
    });
    expect(bad('{ command: ["{h}", "x"] }')).toEqual({ problems: [expect.stringContaining('argv[0]')] });
  });
});

describe('Catalog', () => {
  it('refuses an unknown action id and lists the known ones', () => {
    expect(refusal(() => catalog.get('rm-rf'))).toContain('Known actions: rollback-deploy, scale');
  });

  it('summarises the actions with params and required approvals (2 for high risk)', () => {
    const revert = catalog.summary().find((a) => a.id === 'revert-config');
    expect(revert).toMatchObject({
      risk: 'high',
      required: 2,
      params: ['service=<text matching ^[a-z][a-z0-9-]{0,62}$>'],
    });
  });
});

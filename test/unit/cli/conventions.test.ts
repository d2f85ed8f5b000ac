// Every command follows the same conventions: --help/-h print usage to stdout and exit 0 without
// doing anything; a bad flag is named on stderr with exit 2; `-` is standard input; missing files and
// directories get their own messages.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { main, version } from '../../../src/cli';
import { ANALYZE_SPEC } from '../../../src/cli/analyze';
import { AUDIT_SPEC } from '../../../src/cli/audit';
import { POSTMORTEM_SPEC } from '../../../src/cli/postmortem';
import { TEMPLATES_SPEC } from '../../../src/cli/templates';
import { genScenarioMain } from '../../../tools/scenario/cli';

function io(stdin: string | Buffer = '') {
  const out = new PassThrough();
  const err = new PassThrough();
  const read = (s: PassThrough) => () => (s.read() as Buffer | null)?.toString('utf8') ?? '';
  return { io: { out, err, in: Readable.from([stdin]) }, out: read(out), err: read(err) };
}

const COMMANDS = ['serve', 'demo', 'analyze', 'templates', 'audit', 'postmortem'];
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'scout-cli-'));
  writeFileSync(
    path.join(dir, 'app.log'),
    '2026-11-27T03:00:00Z ERROR charge 17 failed\n2026-11-27T03:00:01Z ERROR charge 18 failed\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(COMMANDS)('incident-scout %s', (name) => {
  it.each(['--help', '-h'])(`%s prints the usage to stdout and exits 0`, async (flag) => {
    const t = io();
    // No Slack, Redis or evidence settings: anything beyond printing help would fail or hang.
    expect(await main([name, flag], {}, t.io)).toBe(0);
    expect(t.out()).toMatch(new RegExp(`^usage: incident-scout ${name}\\b`));
    expect(t.err()).toBe('');
  });

  it('names an unknown flag on stderr and exits 2', async () => {
    const t = io();
    expect(await main([name, '--jsn'], {}, t.io)).toBe(2);
    expect(t.err()).toMatch(
      new RegExp(`^incident-scout ${name}: unknown option --jsn\\nusage: incident-scout ${name}`),
    );
    expect(t.out()).toBe('');
  });
});

describe('incident-scout', () => {
  it('prints the package version with --version', async () => {
    const t = io();
    expect(await main(['--version'], {}, t.io)).toBe(0);
    expect(t.out()).toBe(`${version()}\n`);
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('shows a command’s help with `help <command>`', async () => {
    const t = io();
    expect(await main(['help', 'analyze'], {}, t.io)).toBe(0);
    expect(t.out()).toContain('usage: incident-scout analyze <scenario-dir>');
  });

  it('lists each command with the usage its own --help prints', async () => {
    const t = io();
    expect(await main(['--help'], {}, t.io)).toBe(0);
    const help = t.out();
    for (const spec of [ANALYZE_SPEC, TEMPLATES_SPEC, AUDIT_SPEC, POSTMORTEM_SPEC])
      expect(help).toContain(`incident-scout ${spec.usage}\n`);
  });

  it('names an unknown top-level option and exits 2', async () => {
    const t = io();
    expect(await main(['--verbose'], {}, t.io)).toBe(2);
    expect(t.err()).toMatch(/^incident-scout: unknown option --verbose/);
  });
});

describe('arguments', () => {
  it('templates reads standard input for -', async () => {
    const t = io('2026-11-27T03:00:00Z ERROR charge 17 failed\n2026-11-27T03:00:01Z ERROR charge 18 failed\n');
    expect(await main(['templates', '-'], {}, t.io)).toBe(0);
    expect(t.out()).toMatch(/^\s+2\s+T[0-9a-f]{8}\s+charge <\*> failed$/m);
  });

  it('templates reads gzip from standard input like a .gz file', async () => {
    const t = io(
      gzipSync('2026-11-27T03:00:00Z ERROR charge 17 failed\n2026-11-27T03:00:01Z ERROR charge 18 failed\n'),
    );
    expect(await main(['templates', '-'], {}, t.io)).toBe(0);
    expect(t.out()).toMatch(/^\s+2\s+T[0-9a-f]{8}\s+charge <\*> failed$/m);
    expect(t.err()).toBe('');
  });

  it('templates says a directory is a directory', async () => {
    const t = io();
    expect(await main(['templates', dir], {}, t.io)).toBe(2);
    expect(t.err()).toBe(
      `incident-scout templates: ${dir} is a directory; expected a log file (or - for standard input)\n`,
    );
  });

  it('analyze says a file is not a directory, and a missing directory does not exist', async () => {
    const file = io();
    expect(await main(['analyze', path.join(dir, 'app.log')], {}, file.io)).toBe(2);
    expect(file.err()).toContain(
      `${path.join(dir, 'app.log')} is a file, not a directory; expected a scenario directory`,
    );
    const missing = io();
    expect(await main(['analyze', path.join(dir, 'nope')], {}, missing.io)).toBe(2);
    expect(missing.err()).toContain(`${path.join(dir, 'nope')} does not exist`);
  });

  it('analyze refuses a directory that holds no scenario, naming what it looks for', async () => {
    const t = io();
    expect(await main(['analyze', dir], {}, t.io)).toBe(2);
    expect(t.err()).toContain(
      'is not a scenario directory (it has none of incident.yaml, logs/, metrics/, changes.jsonl, topology.yaml, traces/)',
    );
  });

  it('analyze names an option that lacks its value, and a value that is not a time', async () => {
    const t = io();
    expect(await main(['analyze', dir, '--onset'], {}, t.io)).toBe(2);
    expect(t.err()).toMatch(/^incident-scout analyze: option --onset needs a value/);
    const bad = io();
    expect(await main(['analyze', dir, '--onset', 'yesterday'], {}, bad.io)).toBe(2);
    expect(bad.err()).toMatch(/^incident-scout analyze: --onset "yesterday" is not an ISO time/);
  });

  it.each(['analyze', 'templates', 'audit', 'postmortem'])('%s says an empty argument is empty', async (name) => {
    const t = io();
    expect(await main([name, ''], {}, t.io)).toBe(2);
    expect(t.err()).toMatch(
      new RegExp(`^incident-scout ${name}: empty argument \\(is a shell variable unset\\?\\)\\n`),
    );
  });

  it('analyze says a scenario cannot come from standard input', async () => {
    const t = io();
    expect(await main(['analyze', '-'], {}, t.io)).toBe(2);
    expect(t.err()).toMatch(
      /^incident-scout analyze: a scenario is a directory; it cannot be read from standard input \(-\)\n/,
    );
  });

  it('refuses a second positional argument by name', async () => {
    const t = io();
    expect(await main(['audit', 'C1', 'C2'], {}, t.io)).toBe(2);
    expect(t.err()).toMatch(/^incident-scout audit: unexpected argument "C2"/);
  });
});

describe('failures', () => {
  it('demo refuses an --out folder that cannot be created before running anything', async () => {
    const t = io();
    const inside = path.join(dir, 'app.log', 'out');
    expect(await main(['demo', '--out', inside], {}, t.io)).toBe(2);
    expect(t.err()).toMatch(
      new RegExp(
        `^incident-scout demo: --out ${JSON.stringify(inside)} cannot be created \\(a part of the path is a file, not a folder\\); expected a folder`,
      ),
    );
    expect(t.out()).toBe('');
  });

  it.each(['audit', 'postmortem'])(
    '%s names the Redis it cannot reach, without its password, in one line',
    async (name) => {
      const t = io();
      expect(await main([name, 'C0NONE'], { REDIS_URL: 'redis://:hunter2@127.0.0.1:1' }, t.io)).toBe(1);
      expect(t.err()).toBe(
        `incident-scout ${name}: cannot reach Redis at redis://127.0.0.1:1 (check REDIS_URL and that Redis is up)\n`,
      );
    },
  );

  it('reports an error nobody foresaw in one line, without a stack trace, and exits 1', async () => {
    const err = new PassThrough();
    const broken = new Writable({
      write: () => {
        throw Object.assign(new Error('write EIO'), { code: 'EIO' });
      },
    });
    expect(await main(['--version'], {}, { out: broken, err })).toBe(1);
    const text = String(err.read());
    expect(text).toBe('incident-scout: unexpected error: write EIO (LOG_LEVEL=debug shows where)\n');
  });
});

describe('npm run scenario', () => {
  it('says in one line why it cannot write --out, without a stack trace', () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const inside = path.join(dir, 'app.log', 'scenario');
    expect(genScenarioMain(['--out', inside], out, err)).toBe(2);
    expect(String(err.read())).toBe(
      `npm run scenario: cannot write ${inside}: a part of the path is a file, not a folder\n`,
    );
  });

  it('prints its usage for --help and exits 0', () => {
    const out = new PassThrough();
    const err = new PassThrough();
    expect(genScenarioMain(['--help'], out, err)).toBe(0);
    expect(String(out.read())).toMatch(/^usage: npm run scenario -- \[--seed N\]/);
  });

  it('names an unknown flag on stderr and exits 2', () => {
    const out = new PassThrough();
    const err = new PassThrough();
    expect(genScenarioMain(['--sed', '4'], out, err)).toBe(2);
    expect(String(err.read())).toMatch(/^npm run scenario: unknown option --sed\n/);
  });
});

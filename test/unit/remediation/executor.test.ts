import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  actionRunSchema,
  childEnv,
  createExecutor,
  describeRendered,
  SAFE_PATH,
} from '../../../src/remediation/executors';

const NODE = process.execPath;
const cmd = (timeout = 10, maxBytes = 16_384) =>
  actionRunSchema.parse({ command: ['x'], timeout_seconds: timeout, max_output_bytes: maxBytes });
const node = (script: string, ...args: string[]) => ({ kind: 'command' as const, argv: [NODE, '-e', script, ...args] });

describe('command executor', () => {
  let workdir: string;
  beforeAll(async () => {
    workdir = await mkdtemp(path.join(os.tmpdir(), 'scout-exec-test-'));
  });
  afterAll(async () => {
    await rm(workdir, { recursive: true, force: true });
  });

  it('gives the child only the change identity (plus a safe PATH), none of the bot environment', async () => {
    const exec = createExecutor({ env: { KUBECONFIG: '/etc/scout/kubeconfig' } });
    const r = await exec.run(node('console.log(JSON.stringify(process.env))'), cmd());
    expect(r.ok).toBe(true);
    expect(JSON.parse(r.output)).toEqual({ KUBECONFIG: '/etc/scout/kubeconfig', PATH: SAFE_PATH });
  });

  it('passes each argv element as one argument, unsplit and uninterpreted (no shell)', async () => {
    const exec = createExecutor({ env: {} });
    const r = await exec.run(
      node('console.log(JSON.stringify(process.argv.slice(1)))', 'a b c', '$(reboot)', '; rm -rf /', '*'),
      cmd(),
    );
    expect(JSON.parse(r.output)).toEqual(['a b c', '$(reboot)', '; rm -rf /', '*']);
  });

  it('runs in the configured workdir, where a test action can write a file', async () => {
    const exec = createExecutor({ env: {}, workdir });
    const r = await exec.run(node("require('fs').writeFileSync('ran.txt', 'rolled back')"), cmd());
    expect(r).toMatchObject({ ok: true, exitCode: 0 });
    expect(await readFile(path.join(workdir, 'ran.txt'), 'utf8')).toBe('rolled back');
  });

  it('reports a non-zero exit with its code and output', async () => {
    const r = await createExecutor({ env: {} }).run(
      node("console.error('Error from server (NotFound)'); process.exit(3)"),
      cmd(),
    );
    expect(r).toMatchObject({ ok: false, exitCode: 3, output: 'Error from server (NotFound)' });
  });

  it('stops a command that outlives its timeout', async () => {
    const r = await createExecutor({ env: {} }).run(node('setTimeout(() => {}, 60000)'), cmd(1));
    expect(r.ok).toBe(false);
    expect(r.error).toBe('timed out after 1s');
  });

  it('stops the children of a timed-out command too, instead of waiting for them', async () => {
    const script = "require('child_process').spawn('sleep', ['60'], { stdio: 'inherit' }); setTimeout(() => {}, 60000)";
    const r = await createExecutor({ env: {} }).run(node(script), cmd(1));
    expect(r).toMatchObject({ ok: false, error: 'timed out after 1s' });
  });

  it('caps the output it keeps and marks the cut, while the command runs to completion', async () => {
    const r = await createExecutor({ env: {}, workdir }).run(
      node("process.stdout.write('x'.repeat(100000)); require('fs').writeFileSync('done.txt', 'yes')"),
      cmd(10, 256),
    );
    expect(r.ok).toBe(true);
    expect(r.output).toBe(`${'x'.repeat(256)}\n… [output truncated]`);
    expect(await readFile(path.join(workdir, 'done.txt'), 'utf8')).toBe('yes');
  });

  it('says the program is missing from the change identity PATH', async () => {
    const r = await createExecutor({ env: { PATH: '/nonexistent' } }).run(
      { kind: 'command', argv: ['kubectl', 'version'] },
      cmd(),
    );
    expect(r.ok).toBe(false);
    expect(r.error).toContain('command not found: kubectl');
  });

  it('redacts the change identity secrets and secret-shaped text from the output', async () => {
    const exec = createExecutor({ env: { FLAGS_TOKEN: 's3cr3t-value-123' } });
    const r = await exec.run(node("console.log('token is ' + process.env.FLAGS_TOKEN)"), cmd());
    expect(r.output).not.toContain('s3cr3t-value-123');
    expect(r.output).toContain('[redacted]');
  });

  it('makes relative PATH entries absolute, so the demo stand-ins are found from any cwd', () => {
    expect(childEnv({ PATH: 'examples/demo/bin' }).PATH).toBe(path.resolve('examples/demo/bin'));
  });
});

describe('http executor', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; auth?: string; body: string }> = [];
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({
          ...(req.method ? { method: req.method } : {}),
          ...(req.url ? { url: req.url } : {}),
          ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
          body,
        });
        res.statusCode = req.url?.includes('broken') ? 500 : 200;
        res.end(req.url?.includes('broken') ? 'boom' : `{"ok":true,"echo":"${req.headers.authorization ?? ''}"}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  const spec = actionRunSchema.parse({
    http: { method: 'PATCH', url: 'http://unused', headers: {}, timeout_seconds: 5 },
  });

  it('resolves ${NAME} headers from the change identity at execution and sends the JSON body', async () => {
    const exec = createExecutor({ env: { FLAGS_TOKEN: 'tok-abcdef-123456' } });
    const r = await exec.run(
      {
        kind: 'http',
        method: 'PATCH',
        url: `${base}/api/flags/x`,
        headers: { Authorization: 'Bearer ${FLAGS_TOKEN}' },
        body: { enabled: false },
      },
      spec,
    );
    expect(r.ok).toBe(true);
    expect(seen.at(-1)).toEqual({
      method: 'PATCH',
      url: '/api/flags/x',
      auth: 'Bearer tok-abcdef-123456',
      body: '{"enabled":false}',
    });
    // the endpoint echoed the token: the recorded output must not carry it
    expect(r.output).not.toContain('tok-abcdef-123456');
  });

  it('fails with the HTTP status when the endpoint answers an error', async () => {
    const r = await createExecutor({ env: {} }).run(
      { kind: 'http', method: 'PATCH', url: `${base}/broken`, headers: {}, body: null },
      spec,
    );
    expect(r).toMatchObject({ ok: false, error: 'HTTP 500' });
    expect(r.output).toContain('boom');
  });

  it('refuses to send when a named secret is missing from the change identity', async () => {
    const before = seen.length;
    const r = await createExecutor({ env: {} }).run(
      {
        kind: 'http',
        method: 'PATCH',
        url: `${base}/x`,
        headers: { Authorization: 'Bearer ${FLAGS_TOKEN}' },
        body: null,
      },
      spec,
    );
    expect(r.error).toContain('SCOUT_EXEC_FLAGS_TOKEN');
    expect(seen.length).toBe(before);
  });
});

describe('executor kinds', () => {
  it('show a person exactly what will run, in the form of their kind', () => {
    expect(
      describeRendered({ kind: 'command', argv: ['kubectl', 'annotate', 'deployment/x', 'note=two words'] }).text,
    ).toBe("kubectl annotate deployment/x 'note=two words'");
    expect(
      describeRendered({ kind: 'http', method: 'POST', url: 'http://flags/api/x', headers: {}, body: null }).text,
    ).toBe('POST http://flags/api/x');
    expect(describeRendered({ kind: 'teleport' }).text).toMatch(/unknown kind "teleport"/);
  });

  it('refuse to run a frozen action under a manifest block of another kind, and run nothing', async () => {
    const exec = createExecutor({ env: {} });
    const r = await exec.run(
      { kind: 'http', method: 'GET', url: 'http://127.0.0.1:9/x', headers: {}, body: null },
      cmd(),
    );
    expect(r).toMatchObject({
      ok: false,
      exitCode: null,
      error: 'the proposal holds an action of kind "http", but the catalog runs it as "command"',
    });
  });

  it('name every kind when a manifest block matches none', () => {
    const r = actionRunSchema.safeParse({ shell: 'rm -rf /' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('expected `command: [argv...]` or `http: {method, url, ...}`');
  });
});

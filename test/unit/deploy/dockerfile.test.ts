// The Dockerfile's essentials (no Docker engine here to build it): a build stage and a slim runtime
// on the same Node major, production dependencies only, a non-root USER, a HEALTHCHECK on /healthz
// that needs no curl, and a .dockerignore that keeps secrets and local state out of the context.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const lines = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const instr = (name: string) => lines.filter((l) => l.toUpperCase().startsWith(`${name} `));

describe('Dockerfile', () => {
  it('builds in one stage and runs from a slim image of the same Node major', () => {
    const froms = instr('FROM');
    expect(froms).toHaveLength(2);
    const major = (l: string) => /node:(\d+)/.exec(l)?.[1];
    expect(major(froms[0] as string)).toBe('20');
    expect(major(froms[1] as string)).toBe('20');
    expect(froms[1]).toMatch(/slim/);
  });

  it('installs only production dependencies in the runtime stage', () => {
    const runtime = lines.slice(lines.findIndex((l, i) => i > 0 && l.startsWith('FROM ')));
    expect(runtime.some((l) => /npm ci .*--omit=dev/.test(l))).toBe(true);
  });

  it('copies every path the package ships into the build stage, so the packed image has them all', () => {
    // A path missing here is silently absent from the image (the fonts in assets/: no charts).
    const files = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;
    const build = lines.slice(
      0,
      lines.findIndex((l, i) => i > 0 && l.startsWith('FROM ')),
    );
    const copied = build.filter((l) => l.startsWith('COPY ')).flatMap((l) => l.split(/\s+/).slice(1, -1));
    const missing = files.map((f) => f.replace(/\/$/, '')).filter((f) => !copied.includes(f) && f !== 'dist');
    expect(missing).toEqual([]);
  });

  it('runs as a non-root user', () => {
    const users = instr('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/USER\s+(root|0)(\s|$)/);
  });

  it('checks /healthz with node, since the slim image has no curl', () => {
    const hc = instr('HEALTHCHECK');
    expect(hc).toHaveLength(1);
    expect(hc[0]).toContain('/healthz');
    expect(hc[0]).toMatch(/CMD \["node"/);
    expect(hc[0]).not.toContain('curl');
  });

  it('starts `incident-scout serve`', () => {
    expect(instr('ENTRYPOINT')[0]).toContain('bin/incident-scout.js');
    expect(instr('CMD').at(-1)).toContain('serve');
  });

  it('keeps .env, .git and node_modules out of the build context', () => {
    const ignore = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['.env', '.git', 'node_modules']) expect(ignore).toContain(entry);
  });
});

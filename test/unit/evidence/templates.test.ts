import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { mineTemplates, TemplateMiner, templateId } from '../../../src/evidence/analyzers/templates';
import { templatesCommand } from '../../../src/cli/templates';
import type { LogEvent } from '../../../src/evidence/types';

const ONSET = Date.UTC(2026, 10, 27, 3, 0, 0);
const MIN = 60_000;
const window = { from: ONSET - 60 * MIN, onset: ONSET, to: ONSET + 10 * MIN };

function ev(service: string, ts: number, text: string, level?: string): LogEvent {
  const e: LogEvent = { ts, service, origin: `logs/${service}.log`, line: 0, text };
  if (level) e.level = level;
  return e;
}

/** A baseline hour plus a 10-minute incident: a new error, a surge, a steady error, a template that stops. */
function events(): LogEvent[] {
  const out: LogEvent[] = [];
  for (let m = 0; m < 60; m++) {
    const t = window.from + m * MIN;
    out.push(ev('api', t, `{"level":"info","msg":"request ${m} served in ${m + 3} ms"}`, 'info'));
    out.push(ev('api', t + 1, `2026-11-27T02:00:00Z ERROR token refresh failed for client c-${m}`, 'error'));
    if (m % 20 === 0) out.push(ev('db', t + 2, `slow query took ${m + 100} ms on table orders`, 'warn'));
    if (m % 10 === 0) out.push(ev('api', t + 3, `cache warmed with ${m} keys`, 'info'));
  }
  for (let m = 0; m < 10; m++) {
    const t = ONSET + m * MIN;
    out.push(ev('api', t, `{"level":"info","msg":"request ${m} served in ${m + 3} ms"}`, 'info'));
    out.push(ev('api', t + 1, `2026-11-27T03:00:00Z ERROR token refresh failed for client c-${m}`, 'error'));
    out.push(ev('api', t + 2, `payment call to 10.0.0.${m}:8443 timed out after 3000 ms`, 'error'));
    for (let k = 0; k < 4; k++) out.push(ev('db', t + 3 + k, `slow query took ${k + 900} ms on table orders`, 'warn'));
  }
  // outside the window: ignored
  out.push(ev('api', window.to + MIN, 'late line', 'error'));
  return out;
}

describe('mineTemplates', () => {
  it('labels new, surging, steady and gone templates per service', async () => {
    const stats = await mineTemplates(events(), window);
    const find = (s: string) => stats.find((x) => x.template.includes(s));
    expect(find('payment call')).toMatchObject({
      label: 'new',
      service: 'api',
      level: 'error',
      baselineCount: 0,
      incidentCount: 10,
      ratio: Infinity,
    });
    expect(find('slow query')).toMatchObject({ label: 'surging', service: 'db', baselineCount: 3, incidentCount: 40 });
    expect(find('token refresh')).toMatchObject({ label: 'steady', baselineCount: 60, incidentCount: 10 });
    expect(find('cache warmed')).toMatchObject({ label: 'gone', incidentCount: 0 });
    expect(stats.some((s) => s.template.includes('late line'))).toBe(false);
  });

  it('puts new and surging errors first, red herrings after', async () => {
    const stats = await mineTemplates(events(), window);
    expect(stats.map((s) => s.label)).toEqual(['new', 'surging', 'steady', 'steady', 'gone']);
    expect(stats[0]?.template).toBe('payment call to <*> timed out after <*> ms');
  });

  it('mines the body without the header and keeps raw samples (incident ones first)', async () => {
    const stats = await mineTemplates(events(), window);
    const token = stats.find((s) => s.template.includes('token refresh'));
    expect(token?.template).toBe('token refresh failed for client <*>');
    expect(token?.samples[0]).toBe('2026-11-27T03:00:00Z ERROR token refresh failed for client c-0');
    expect(token?.samples).toHaveLength(3);
  });

  it('keeps one real line per template as its example, from the incident, first line only, secrets redacted', async () => {
    const stats = await mineTemplates(
      [
        ev('api', ONSET - 10 * MIN, 'login failed for user ann password=hunter2x', 'warn'),
        ev('api', ONSET + MIN, 'login failed for user bob password=s3cretpw\n  at auth.check(auth.js:10)', 'warn'),
      ],
      window,
    );
    expect(stats).toHaveLength(1);
    expect(stats[0]?.example).toMatch(/^login failed for user bob password=\[REDACTED/);
    expect(stats[0]?.example).not.toContain('s3cretpw');
    expect(stats[0]?.example).not.toContain('auth.check');
  });

  it('names an uncaught Python traceback by the exception it ends with, one template per exception', async () => {
    const tb = (exception: string): string =>
      ['Traceback (most recent call last):', '  File "app.py", line 12, in reserve', '    raise', exception].join('\n');
    const stats = await mineTemplates(
      [
        ev('inventory', ONSET + MIN, tb('ValueError: quantity -3 is negative'), 'error'),
        ev('inventory', ONSET + 2 * MIN, tb('ValueError: quantity -7 is negative'), 'error'),
        ev('inventory', ONSET + 3 * MIN, tb('KeyError: sku-991'), 'error'),
      ],
      window,
    );
    expect(stats.map((s) => [s.template, s.incidentCount])).toEqual([
      ['Traceback (most recent call last): ValueError: quantity <*> is negative', 2],
      ['Traceback (most recent call last): KeyError: <*>', 1],
    ]);
  });

  it('truncates long samples', async () => {
    const long = 'x'.repeat(1000);
    const stats = await mineTemplates([ev('api', ONSET, `failure ${long}`, 'error')], window);
    expect(stats[0]?.samples[0]?.length).toBeLessThanOrEqual(300);
  });

  it('redacts a sample before truncating it, so no piece of a secret at the cut is kept', async () => {
    const line = `upload failed ${'x'.repeat(275)} key AKIAZ7QWERTY12345678`;
    const stats = await mineTemplates([ev('api', ONSET, line, 'error')], window);
    expect(stats[0]?.samples[0]).toMatch(/^upload failed x+ key \[REDA…$/);
    expect(stats[0]?.samples[0]).not.toContain('AKIA');
  });

  it('measures baseline rates over the time the logs cover, not the whole window', async () => {
    // Logs shipped only since 2 minutes before the onset, at the same pace before and after it.
    const lines: LogEvent[] = [];
    for (let s = -120; s < 120; s += 10) lines.push(ev('api', ONSET + s * 1000, `order ${s} not found`, 'warn'));
    const [stat] = await mineTemplates(lines, { ...window, to: ONSET + 2 * MIN });
    expect(stat).toMatchObject({ baselineCount: 12, incidentCount: 12, label: 'steady' });
    expect(stat?.ratio).toBeCloseTo(1, 5);
  });

  it('calls a template neither new nor steady when the logs cover no baseline at all', async () => {
    // Logs shipped only since a minute after the onset: nothing says whether these lines are usual.
    const lines = [
      ev('api', ONSET + MIN, 'GET /orders 200', 'info'),
      ev('api', ONSET + 2 * MIN, 'GET /orders 200', 'info'),
      ev('api', ONSET + 3 * MIN, 'order 7 not found', 'error'),
    ];
    const stats = await mineTemplates(lines, window);
    expect(stats.map((t) => t.label)).toEqual(['unknown', 'unknown']);
    // One line before the onset is a baseline: then a template that appears only after it is new.
    const covered = await mineTemplates([ev('api', ONSET - MIN, 'GET /orders 200', 'info'), ...lines], window);
    expect(covered.find((t) => t.template.startsWith('order'))?.label).toBe('new');
  });

  it('judges novelty against the early logs when they begin after the onset', async () => {
    // Logs shipped only since a minute after the onset: api serves steadily for four minutes, then starts
    // logging an error every 10 s; a warning shows up within seconds of the first line, too soon to tell.
    const lines: LogEvent[] = [];
    for (let s = 60; s < 600; s += 5) lines.push(ev('api', ONSET + s * 1000, `GET /orders/${s} 200`, 'info'));
    for (let s = 300; s < 600; s += 10)
      lines.push(ev('api', ONSET + s * 1000, `order ${s} total mismatch, refusing to confirm`, 'error'));
    for (let s = 65; s < 600; s += 60) lines.push(ev('api', ONSET + s * 1000, `cart ${s} is empty`, 'warn'));
    const stats = await mineTemplates(lines, window);
    const find = (text: string) => stats.find((t) => t.template.includes(text));
    expect(find('total mismatch')).toMatchObject({ label: 'new', baselineCount: 0, incidentCount: 30 });
    expect(find('is empty')?.label).toBe('unknown');
    expect(find('GET')?.label).toBe('unknown');
  });

  it('gives the same ids for the same input on every run', async () => {
    const a = await mineTemplates(events(), window);
    const b = await mineTemplates(events(), window);
    expect(a.map((s) => s.id)).toEqual(b.map((s) => s.id));
    expect(a[0]?.id).toBe(templateId('payment call to <*> timed out after <*> ms'));
  });
});

describe('TemplateMiner', () => {
  it('merges lines that differ in one word (past the routing prefix) into a wildcard', () => {
    const m = new TemplateMiner();
    m.add('login failed for user alice from web');
    const r = m.add('login failed for user bob from web');
    expect(r.template).toBe('login failed for user <*> from web');
    expect(m.templates()).toEqual([{ id: r.id, template: r.template, count: 2 }]);
  });

  it('keeps lines of different shape apart', () => {
    const m = new TemplateMiner();
    m.add('connection refused by upstream');
    m.add('disk full on volume data');
    expect(m.templates()).toHaveLength(2);
  });

  it('masks ids, addresses, urls, e-mails and key=value values', () => {
    const m = new TemplateMiner();
    const r = m.add(
      'GET https://x.example/a?b=1 for bob@example.com from 10.1.2.3:80 id=7f3a uuid 9b2f6c1e-2a4b-4c3d-8e9f-0a1b2c3d4e5f /var/log/app',
    );
    expect(r.template).toBe('GET <*> for <*> from <*> id=<*> uuid <*> <*>');
  });

  it('joins lines whose first word is a dotted name that varies', () => {
    const m = new TemplateMiner();
    const a = m.add('com.acme.fmfd.heartbeat: scheduler told me to run this job; ignoring');
    const b = m.add('com.acme.Safari.Update: scheduler told me to run this job; ignoring');
    expect(b.template).toBe('<*> scheduler told me to run this job; ignoring');
    expect(m.templates()).toHaveLength(1);
    expect(a.id).not.toBe(b.id); // the first line's template was still all constant
  });

  it('does not let a short template with a parameter swallow a line with a different word there', () => {
    const m = new TemplateMiner();
    m.add('StatusBar: 17');
    m.add('StatusBar: 18');
    const other = m.add('StatusBar: setLightsOn(true)');
    expect(other.template).toBe('StatusBar: setLightsOn(true)');
    expect(
      m
        .templates()
        .map((t) => t.template)
        .sort(),
    ).toEqual(['StatusBar: <*>', 'StatusBar: setLightsOn(true)']);
  });

  it('keeps a message apart when a word held for many lines is replaced by another, but generalises a word that varies early', () => {
    const m = new TemplateMiner();
    for (let i = 0; i < 60; i++) m.add(`proxy.example:${5000 + i} open through proxy gw.example:8080 HTTPS`);
    const socks = m.add('proxy.example:5070 open through proxy gw.example:8080 SOCKS');
    expect(socks.template).toBe('<*> open through proxy <*> SOCKS');
    m.add('Invalid user admin from 10.0.0.1');
    const user = m.add('Invalid user oracle from 10.0.0.2');
    expect(user.template).toBe('Invalid user <*> from <*>');
  });

  it('reads day and month names inside a message as part of a date', () => {
    const m = new TemplateMiner();
    m.add('connection from 10.0.0.1 at Sat Jun 18 02:08:10 2005');
    expect(m.add('connection from 10.0.0.2 at Sun Jul 03 11:00:01 2005').template).toBe(
      'connection from <*> at <*> <*> <*> <*> <*>',
    );
    expect(m.templates()).toHaveLength(1);
  });

  it('keeps a protocol name ending in a digit as text, and masks ids that end in digits', () => {
    const m = new TemplateMiner();
    expect(m.add('open through proxy (SOCKS5) at node-12 via worker3').template).toBe(
      'open through proxy (SOCKS5) at <*> via <*>',
    );
  });
});

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

describe('templates command', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'scout-tpl-'));
    file = path.join(dir, 'app.log');
    await writeFile(
      file,
      [
        'orphan before any timestamp',
        '2026-11-27 03:00:00,001 ERROR app.Pay: charge 17 failed',
        'Traceback (most recent call last):',
        '  File "pay.py", line 3, in charge',
        'ValueError: bad amount',
        '2026-11-27 03:00:01,001 ERROR app.Pay: charge 18 failed',
        'Traceback (most recent call last):',
        'ValueError: bad currency',
        '2026-11-27 03:00:02,001 INFO app.Pay: served 4 requests',
      ].join('\n') + '\n',
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("prints one JSON object per physical line in order; continuation lines carry their event's template", async () => {
    const out = new Sink();
    expect(await templatesCommand([file, '--json'], out)).toBe(0);
    const rows = out.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; template_id: string | null; template: string | null });
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rows[0]?.template).toBe('orphan before any timestamp');
    // A multi-line event is mined as its first line and the line that names the block: a traceback's exception.
    expect(rows[1]?.template).toBe('charge <*> failed ValueError: bad <*>');
    expect(new Set(rows.slice(1, 8).map((r) => r.template_id)).size).toBe(1);
    expect(rows[8]?.template).toBe('served <*> requests');
    expect(rows[8]?.template_id).not.toBe(rows[1]?.template_id);
  });

  it('prints a table of templates with counts', async () => {
    const out = new Sink();
    expect(await templatesCommand([file], out)).toBe(0);
    expect(out.text).toMatch(/^\s+2\s+T[0-9a-f]{8}\s+charge <\*> failed ValueError: bad <\*>$/m);
    expect(out.text).toMatch(/3 templates, 9 lines, 1 events without a timestamp of their own/);
  });

  it('prints a value logged the same on every line, which the miner keeps as constant text, redacted', async () => {
    const keyed = path.join(dir, 'keyed.log');
    const line = (n: number): string =>
      `2026-11-27 03:00:0${n},001 WARN app.Pay: X-Api-Key: QWERTYUIOPASDFGHJKLzxcvbnm`;
    await writeFile(keyed, [line(1), line(2), line(3)].join('\n') + '\n');
    for (const args of [[keyed], [keyed, '--json']]) {
      const out = new Sink();
      expect(await templatesCommand(args, out)).toBe(0);
      expect(out.text).toContain('X-Api-Key: [REDACTED:secret]');
      expect(out.text).not.toContain('QWERTYUIOP');
    }
  });

  it('explains usage on stderr and exits 2 without a file', async () => {
    const out = new Sink();
    const err = new Sink();
    expect(await templatesCommand([], out, err)).toBe(2);
    expect(out.text).toBe('');
    expect(err.text).toMatch(/usage: incident-scout templates <logfile\|-> \[--json\]/);
  });

  it('says a file does not exist, on stderr', async () => {
    const out = new Sink();
    const err = new Sink();
    expect(await templatesCommand([path.join(dir, 'missing.log')], out, err)).toBe(2);
    expect(err.text).toBe(`incident-scout templates: no such file: ${path.join(dir, 'missing.log')}\n`);
  });
});

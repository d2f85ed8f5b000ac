// Inputs nobody here wrote: odd but valid syntax is read, and what cannot be read is named in the
// problems (file, line, what was expected) instead of crashing the analysis or vanishing silently.
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { openFilesSource } from '../../../../src/evidence/sources/files';
import type { LogEvent } from '../../../../src/evidence/types';

const T0 = Date.UTC(2026, 10, 27, 3, 0, 0);
const S0 = T0 / 1000;
const iso = (ms: number): string => new Date(ms).toISOString();
const dirs: string[] = [];

async function scenario(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'scout-robust-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

async function collect(it: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const INCIDENT = `started_at: ${iso(T0 + 3_600_000)}\n`;

describe('files source on awkward metrics', () => {
  it('keeps the last of samples repeating a time, orders out-of-order ones and joins a series split over files', async () => {
    const dir = await scenario({
      'incident.yaml': INCIDENT,
      'metrics/a.prom': [
        `q{service="api"} 1 ${S0}`,
        `q{service="api"} 3 ${S0 + 120}`,
        `q{service="api"} 2 ${S0 + 60}`,
        `q{service="api"} 9 ${S0 + 60}`,
      ].join('\n'),
      'metrics/b.prom': `q{service="api"} 4 ${(S0 + 180) * 1000}\n`,
    });
    const src = openFilesSource(dir);
    const [s, ...rest] = await src.metrics({ from: T0, to: T0 + 3_600_000 });
    expect(rest).toEqual([]);
    expect(s?.points).toEqual([
      [T0, 1],
      [T0 + 60_000, 9],
      [T0 + 120_000, 3],
      [T0 + 180_000, 4],
    ]);
    expect(src.problems()).toContainEqual({
      origin: 'metrics/',
      problem: 'sample repeats a time already in its series: the last one written kept',
      count: 1,
    });
  });

  it('reads escaped label values, exemplars and stops at # EOF', async () => {
    const dir = await scenario({
      'incident.yaml': INCIDENT,
      'metrics/m.prom': [
        `r_total{service="api",path="/a\\"b\\\\c",note="x, y} z"} 5 ${S0} # {trace_id="abc"} 1.0 ${S0}`,
        `r_total{service="api",path="/a\\"b\\\\c",note="x, y} z"} 7 ${S0 + 60}`,
        '# EOF',
        'not a sample after the end',
      ].join('\n'),
    });
    const src = openFilesSource(dir);
    const series = await src.metrics({ from: T0, to: T0 + 3_600_000 });
    expect(series.map((s) => [s.labels, s.points])).toEqual([
      [
        { service: 'api', path: '/a"b\\c', note: 'x, y} z' },
        [
          [T0, 5],
          [T0 + 60_000, 7],
        ],
      ],
    ]);
    expect(src.problems()).toEqual([]);
  });
});

describe('files source on times no clock can hold', () => {
  it('names a metric time or a span time past any date instead of moving the clock there', async () => {
    const span = {
      traceId: 'a1',
      spanId: 'b1',
      name: 'call',
      startTimeUnixNano: '99999999999999999999999',
      endTimeUnixNano: '99999999999999999999999',
    };
    const src = openFilesSource(
      await scenario({
        'metrics/m.prom': `q{service="api"} 1 ${S0}\nq{service="api"} 2 1e20\n`,
        'traces/t.json': JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }),
      }),
    );
    expect(await src.clock()).toBe(T0);
    expect(src.problems()).toEqual(
      expect.arrayContaining([
        {
          origin: 'metrics/m.prom',
          problem: 'malformed timestamp (expected epoch seconds or milliseconds)',
          count: 1,
          line: 2,
        },
        { origin: 'traces/t.json', problem: 'span without valid start/end times skipped', count: 1 },
      ]),
    );
  });
});

describe('files source on the file system', () => {
  it('follows a symbolic link to a log, names a dangling one and reads a looping folder once', async () => {
    const dir = await scenario({
      'incident.yaml': INCIDENT,
      'elsewhere/db.log': `${iso(T0 + 60_000)} ERROR upstream reset\n`,
      'logs/api/pod-1.log': `${iso(T0 + 60_000)} INFO ok\n`,
    });
    await symlink('../elsewhere/db.log', path.join(dir, 'logs', 'db.log'));
    await symlink('../nothing.log', path.join(dir, 'logs', 'gone.log'));
    await symlink('..', path.join(dir, 'logs', 'api', 'loop'));
    const src = openFilesSource(dir);
    const events = await collect(src.logs({ from: T0, to: T0 + 3_600_000 }));
    expect(events.map((e) => [e.service, e.text])).toEqual([
      ['api', `${iso(T0 + 60_000)} INFO ok`],
      ['db', `${iso(T0 + 60_000)} ERROR upstream reset`],
    ]);
    expect(src.problems()).toEqual(
      expect.arrayContaining([
        { origin: 'logs/gone.log', problem: 'symbolic link not followed: no such file or folder', count: 1 },
        {
          origin: 'logs/api/loop',
          problem: 'folder already read by another path (a symbolic link loop), not read again',
          count: 1,
        },
      ]),
    );
  });

  it('names a pipe in a folder instead of blocking on it', async () => {
    const dir = await scenario({ 'incident.yaml': INCIDENT, 'logs/api.log': `${iso(T0)} INFO ok\n` });
    execFileSync('mkfifo', [path.join(dir, 'logs', 'tail.log')]);
    const src = openFilesSource(dir);
    await collect(src.logs({ from: T0, to: T0 + 3_600_000 }));
    expect(src.problems()).toContainEqual({
      origin: 'logs/tail.log',
      problem: 'not read: not a regular file (a pipe, socket or device)',
      count: 1,
    });
  });

  it('reports a changes.jsonl that is a folder instead of failing the analysis', async () => {
    const dir = await scenario({ 'incident.yaml': INCIDENT, 'changes.jsonl/x': '' });
    const src = openFilesSource(dir);
    expect(await src.changes({ from: 0, to: T0 * 2 })).toEqual([]);
    expect(src.problems()).toContainEqual({ origin: 'changes.jsonl', problem: 'not read: is a directory', count: 1 });
  });
});

describe('files source on awkward traces', () => {
  it('joins a trace whose services were exported to different files and names a torn last line', async () => {
    const b64 = (text: string): string => Buffer.from(text).toString('base64');
    const exportOf = (service: string, spanId: string, parent: string | undefined, startMs: number): string =>
      JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: b64('trace-one-16byte'),
                    spanId: b64(spanId),
                    ...(parent ? { parentSpanId: b64(parent) } : {}),
                    name: 'call',
                    kind: 'SPAN_KIND_SERVER',
                    startTimeUnixNano: `${startMs}000000`,
                    endTimeUnixNano: startMs * 1e6 + 5e6,
                    status: { code: 'STATUS_CODE_ERROR' },
                  },
                ],
              },
            ],
          },
        ],
      });
    const src = openFilesSource(
      await scenario({
        'incident.yaml': INCIDENT,
        'traces/front.jsonl': `${exportOf('front', 'span-aaa', undefined, T0)}\n${exportOf('front', 'span-ccc', undefined, T0)}\n{"resourceSpans": [{"to`,
        'traces/back.json': exportOf('back', 'span-bbb', 'span-aaa', T0 + 1),
      }),
    );
    const stats = await src.traces({ from: T0, to: T0 + 60_000 });
    expect(stats.find((s) => s.service === 'front')?.calls).toEqual([{ service: 'back', count: 1, errors: 1 }]);
    expect(src.problems()).toEqual([
      {
        origin: 'traces/front.jsonl',
        problem: expect.stringMatching(/^not JSON \(.+\); expected one OTLP\/JSON export per line$/) as unknown,
        count: 1,
        line: 3,
      },
    ]);
  });
});

describe('files source on odd incident and change times', () => {
  const metrics = { 'metrics/m.prom': `q{service="api"} 1 ${S0}\nq{service="api"} 1 ${S0 + 60}\n` };

  it.each([
    ['epoch seconds', String(S0), T0],
    ['epoch milliseconds', String(T0), T0],
    ['epoch nanoseconds', `${T0}000000`, T0],
    ['an ISO time', iso(T0), T0],
  ])('reads started_at in %s', async (_what, text, want) => {
    const src = openFilesSource(await scenario({ 'incident.yaml': `title: t\nstarted_at: ${text}\n`, ...metrics }));
    expect(await src.incident()).toEqual({ title: 't', startedAt: want });
    expect(src.problems()).toEqual([]);
  });

  it('says a started_at without a zone is read as UTC', async () => {
    const src = openFilesSource(await scenario({ 'incident.yaml': 'started_at: 2026-11-27 03:00:00\n', ...metrics }));
    expect(await src.clock()).toBe(T0);
    expect(src.problems()).toEqual([
      { origin: 'incident.yaml', problem: 'started_at 2026-11-27 03:00:00 has no time zone: read as UTC', count: 1 },
    ]);
  });

  it('keeps the title and takes the clock from the data when started_at is a date or not a time', async () => {
    for (const [text, problem] of [
      [
        '2026-11-27',
        'started_at 2026-11-27 is a date without a time of day: the incident clock is the last time in the data',
      ],
      [
        'soon',
        'started_at "soon" is not a time (expected ISO 8601 such as 2026-11-27T03:14:00Z, or epoch seconds): the incident clock is the last time in the data',
      ],
    ]) {
      const src = openFilesSource(await scenario({ 'incident.yaml': `title: t\nstarted_at: ${text}\n`, ...metrics }));
      expect(await src.incident()).toEqual({ title: 't' });
      expect(await src.clock()).toBe(T0 + 60_000);
      expect(src.problems()).toEqual([{ origin: 'incident.yaml', problem, count: 1 }]);
    }
  });

  it('reads the first change after a byte-order mark and names the torn line', async () => {
    const change = (id: number, time: unknown): string =>
      JSON.stringify({ id, time, service: 'api', kind: 'deploy', summary: `c${id}` });
    const src = openFilesSource(
      await scenario({
        'incident.yaml': INCIDENT,
        'changes.jsonl': `\uFEFF${change(1, S0)}\n${change(2, `${T0 + 60_000}`)}\r\n{"id": 3, "ti\n`,
      }),
    );
    const changes = await src.changes({ from: 0, to: T0 * 2 });
    expect(changes.map((c) => [c.id, c.time])).toEqual([
      ['1', T0],
      ['2', T0 + 60_000],
    ]);
    expect(src.problems()).toEqual([{ origin: 'changes.jsonl', problem: 'line is not JSON', count: 1, line: 3 }]);
  });
});

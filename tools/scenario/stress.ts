// `node dist-tools/tools/scenario/stress.js --out DIR [--case large|awkward|all] [--series N] [--points N]
// [--spans N] [--log-lines N] [--log-files N]`: writes scenarios nobody here wrote by hand, to see that
// `analyze` neither crashes nor times out on them. `large`: many metric series, spans and log lines over
// 200 services (svc-042 fails: CPU up, error logs, failing spans). `awkward-*`: small scenarios in odd but
// valid syntax (exposition escapes, exemplars, NaN, ms timestamps; OTLP with base64 ids, string int64s,
// JSON lines, split exports; odd incident times; broken change lines; empty dirs, a symlink loop).
import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseCommand, type CommandSpec } from '../../src/cli/args';
import { Rng } from './prng';

const MIN = 60_000;
const T0 = Date.parse('2026-11-27T00:00:00Z');
const CULPRIT = 42;

export interface LargeOptions {
  series: number;
  points: number;
  spans: number;
  logLines: number;
  logFiles: number;
}

const svc = (i: number): string => `svc-${String(i).padStart(3, '0')}`;

/** Buffered appends to one file: large scenarios are written in 1 MB chunks, never held whole. */
class Sink {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }
  write(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  private flush(): void {
    writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** The large scenario: `points` minutes of data ending 5 minutes after the onset, 20 minutes before the end. */
export function writeLarge(dir: string, o: LargeOptions): void {
  const services = 200;
  const end = T0 + o.points * MIN;
  const onset = end - 20 * MIN;
  const startedAt = onset + 5 * MIN;
  for (const sub of ['metrics', 'logs', 'traces']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(
    join(dir, 'incident.yaml'),
    `title: large generated incident\nchannel: "#inc-large"\nstarted_at: ${new Date(startedAt).toISOString()}\n`,
  );
  const topo = Array.from({ length: services }, (_, i) => {
    const calls = i < services - 1 ? [svc(i + 1)] : [];
    return `  - name: ${svc(i)}\n    kind: service\n    calls: [${calls.join(', ')}]\n`;
  });
  writeFileSync(join(dir, 'topology.yaml'), `services:\n${topo.join('')}`);
  writeFileSync(
    join(dir, 'changes.jsonl'),
    `${JSON.stringify({ id: 'c1', time: new Date(onset - 2 * MIN).toISOString(), service: svc(CULPRIT), kind: 'deploy', summary: `${svc(CULPRIT)} v2` })}\n`,
  );
  const rng = new Rng(7);
  // Metrics: one file per service, `series / services` series each (gauges and counters).
  const perService = Math.max(1, Math.round(o.series / services));
  for (let s = 0; s < services; s++) {
    const out = new Sink(join(dir, 'metrics', `${svc(s)}.prom`));
    out.write('# TYPE cpu_usage gauge\n# TYPE requests counter\n');
    for (let k = 0; k < perService; k++) {
      const counter = k % 2 === 1;
      const name = counter ? 'requests_total' : 'cpu_usage';
      const head = `${name}{service="${svc(s)}",pod="${svc(s)}-${k >> 1}",route="/r${k}"}`;
      let acc = 0;
      for (let p = 0; p < o.points; p++) {
        const ts = T0 + p * MIN;
        const hot = s === CULPRIT && ts >= onset ? 6 : 1;
        const level = hot * (1 + 0.05 * rng.normal());
        acc += level * 60;
        out.write(`${head} ${counter ? Math.round(acc) : level.toFixed(4)} ${ts / 1000}\n`);
      }
    }
    out.write('# EOF\n');
    out.close();
  }
  // Traces: JSON lines, one export of 50 five-span traces per line, over 8 files.
  const traceFiles = Array.from({ length: 8 }, (_, i) => new Sink(join(dir, 'traces', `part-${i}.jsonl`)));
  const traces = Math.ceil(o.spans / 5);
  for (let t0 = 0; t0 < traces; t0 += 50) {
    const byService = new Map<string, unknown[]>();
    for (let t = t0; t < Math.min(traces, t0 + 50); t++) {
      const start = T0 + ((o.points * MIN) / traces) * t;
      const traceId = rng.hex(32);
      let parent = '';
      const first = rng.int(0, services - 5);
      for (let d = 0; d < 5; d++) {
        const s = first + d;
        const bad = s === CULPRIT && start >= onset;
        const spanId = rng.hex(16);
        const dur = (bad ? 400 : 20) * (1 + rng.next());
        const span = {
          traceId,
          spanId,
          ...(parent ? { parentSpanId: parent } : {}),
          name: `GET /r${d}`,
          kind: 2,
          startTimeUnixNano: `${Math.round((start + d) * 1e6)}`,
          endTimeUnixNano: `${Math.round((start + d + dur) * 1e6)}`,
          status: { code: bad ? 2 : 0 },
        };
        parent = spanId;
        const list = byService.get(svc(s)) ?? [];
        list.push(span);
        byService.set(svc(s), list);
      }
    }
    const resourceSpans = [...byService].map(([name, spans]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: name } }] },
      scopeSpans: [{ spans }],
    }));
    traceFiles[(t0 / 50) % 8]?.write(`${JSON.stringify({ resourceSpans })}\n`);
  }
  traceFiles.forEach((f) => f.close());
  // Logs: `logLines` lines over `logFiles` files, evenly in time; the culprit's errors start at the onset.
  const perFile = Math.ceil(o.logLines / o.logFiles);
  for (let f = 0; f < o.logFiles; f++) {
    const s = f % services;
    const out = new Sink(join(dir, 'logs', `${svc(s)}${f >= services ? `-${f}` : ''}.log`));
    for (let i = 0; i < perFile; i++) {
      const ts = T0 + Math.floor(((o.points * MIN) / perFile) * i);
      const iso = new Date(ts).toISOString();
      if (s === CULPRIT && ts >= onset && i % 3 === 0)
        out.write(`${iso} ERROR pool exhausted waiting for connection after ${rng.int(100, 900)} ms\n`);
      else out.write(`${iso} INFO handled request id=${rng.int(1, 1e6)} route=/r${i % 7} in ${rng.int(1, 90)} ms\n`);
    }
    out.close();
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A small base every awkward scenario starts from: one minute of metrics around an onset. */
function base(dir: string, startedAt: string | number, extra = ''): void {
  mkdirSync(join(dir, 'metrics'), { recursive: true });
  writeFileSync(join(dir, 'incident.yaml'), `title: awkward\nstarted_at: ${startedAt}\n${extra}`);
}

function promLines(service: string, from: number, n: number, stepMs: number, unit: 's' | 'ms', bump: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const ts = from + i * stepMs;
    const v = i >= n - 10 ? bump : 1 + (i % 3) * 0.01;
    lines.push(`latency_seconds{service="${service}"} ${v} ${unit === 's' ? ts / 1000 : ts}`);
  }
  return lines.join('\n');
}

/** Writes the awkward scenarios, one directory each under `dir`. */
export function writeAwkward(dir: string): string[] {
  const start = T0 + 90 * MIN;
  const made: string[] = [];
  const at = (name: string): string => {
    const d = join(dir, `awkward-${name}`);
    made.push(d);
    return d;
  };
  // Exposition: escapes, exemplars, NaN/Inf, duplicate and out-of-order samples, ms timestamps, text after # EOF.
  let d = at('exposition');
  base(d, `"${iso(start)}"`);
  writeFileSync(
    join(d, 'metrics', 'odd.prom'),
    [
      '# HELP http_requests Requests with a \\"quoted\\" help and a \\\\ backslash.',
      '# TYPE http_requests counter',
      `http_requests_total{service="api",path="/a\\"b\\\\c\\nd",note="x, y} z"} 5 ${(start - 30 * MIN) / 1000} # {trace_id="abc"} 1.0 ${(start - 30 * MIN) / 1000}`,
      `http_requests_total{service="api",path="/a\\"b\\\\c\\nd",note="x, y} z"} 7 ${(start - 29 * MIN) / 1000}`,
      `http_requests_total{service="api",path="/a\\"b\\\\c\\nd",note="x, y} z"} 7 ${(start - 29 * MIN) / 1000}`,
      `http_requests_total{service="api",path="/a\\"b\\\\c\\nd",note="x, y} z"} 6 ${(start - 29.5 * MIN) / 1000}`,
      `gauge_nan{service="api"} NaN ${(start - 10 * MIN) / 1000}`,
      `gauge_nan{service="api"} +Inf ${(start - 9 * MIN) / 1000}`,
      `gauge_nan{service="api"} -Inf ${(start - 8 * MIN) / 1000}`,
      `gauge_nan{service="api"} 1e3 ${(start - 7 * MIN) / 1000}`,
      promLines('api', start - 60 * MIN, 60, MIN, 's', 5),
      '# EOF',
      'this text after # EOF is not read',
    ].join('\n'),
  );
  writeFileSync(join(d, 'metrics', 'ms.prom'), `${promLines('db', start - 60 * MIN, 60, MIN, 'ms', 1)}\n`);
  writeFileSync(join(d, 'metrics', 'nots.prom'), 'latency_seconds{service="cache"} 1\n');
  writeFileSync(join(d, 'metrics', 'crlf.prom'), `${promLines('web', start - 60 * MIN, 60, MIN, 's', 1)}\r\n`);
  // OTLP: ids as base64, int64 as strings and numbers, kinds as names, missing end, JSON lines, split exports.
  d = at('otlp');
  base(d, `"${iso(start)}"`);
  mkdirSync(join(d, 'traces'), { recursive: true });
  const span = (id: number, service: string, parent: number | null, t: number, extra: object = {}): object => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
    scopeSpans: [
      {
        spans: [
          {
            traceId: Buffer.from(`trace-${Math.floor(id / 10)}`.padEnd(16, '.')).toString('base64'),
            spanId: Buffer.from(`span-${id}`.padEnd(8, '.')).toString('base64'),
            ...(parent !== null
              ? { parentSpanId: Buffer.from(`span-${parent}`.padEnd(8, '.')).toString('base64') }
              : {}),
            name: 'call',
            kind: 'SPAN_KIND_SERVER',
            startTimeUnixNano: id % 2 ? `${t * 1e6}` : t * 1e6,
            endTimeUnixNano: `${(t + 30) * 1e6}`,
            attributes: [
              { key: 'http.status_code', value: { intValue: '503' } },
              { key: 'retry', value: { boolValue: true } },
              { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }] } } },
            ],
            status: { code: 'STATUS_CODE_ERROR' },
            ...extra,
          },
        ],
      },
    ],
  });
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    const t = start - 60 * MIN + i * 15_000;
    lines.push(
      JSON.stringify({ resourceSpans: [span(i * 2, 'front', null, t), span(i * 2 + 1, 'back', i * 2, t + 1)] }),
    );
  }
  writeFileSync(join(d, 'traces', 'a.jsonl'), `${lines.slice(0, 100).join('\n')}\n{"resourceSpans": [{"torn`);
  writeFileSync(join(d, 'traces', 'b.json.gz'), gzipSync(lines.slice(100).join('\n')));
  const noEnd = span(999, 'front', null, start - MIN) as {
    scopeSpans: Array<{ spans: Array<Record<string, unknown>> }>;
  };
  delete noEnd.scopeSpans[0]?.spans[0]?.endTimeUnixNano;
  writeFileSync(join(d, 'traces', 'c.json'), JSON.stringify({ resourceSpans: [noEnd] }));
  writeFileSync(join(d, 'traces', 'empty.json'), '');
  // Meta: changes with broken lines and odd times; topology naming services no data has.
  d = at('meta');
  base(d, `"${iso(start)}"`);
  writeFileSync(join(d, 'metrics', 'm.prom'), `${promLines('api', start - 60 * MIN, 60, MIN, 's', 5)}\n`);
  writeFileSync(
    join(d, 'changes.jsonl'),
    [
      `\uFEFF${JSON.stringify({ id: 1, time: (start - 5 * MIN) / 1000, service: 'api', kind: 'deploy', summary: 'epoch seconds' })}`,
      `${JSON.stringify({ id: 2, time: start - 4 * MIN, service: 'api', kind: 'config', summary: 'epoch ms' })}\r`,
      '{"id": 3, "time": "2026-11-27T01:2',
      JSON.stringify({ id: 4, time: 'yesterday', service: 'api', kind: 'flag', summary: 'bad time' }),
      '',
      JSON.stringify({ id: 5, time: iso(start - 3 * MIN), service: 'ghost', kind: 'infra', summary: 'no data' }),
    ].join('\n'),
  );
  writeFileSync(
    join(d, 'topology.yaml'),
    'services:\n  - name: api\n    calls: [ghost, db]\n  - name: ghost\n  - name: nowhere\n    kind: external\n',
  );
  // incident.yaml times: no zone, epoch seconds, epoch ms, date only, an unquoted YAML timestamp.
  const times: Record<string, string> = {
    nozone: iso(start)
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ''),
    'epoch-s': String(start / 1000),
    'epoch-ms': String(start),
    'date-only': iso(start).slice(0, 10),
    'yaml-ts': iso(start),
  };
  for (const [name, t] of Object.entries(times)) {
    d = at(`time-${name}`);
    base(d, t);
    writeFileSync(join(d, 'metrics', 'm.prom'), `${promLines('api', start - 60 * MIN, 60, MIN, 's', 5)}\n`);
  }
  // Filesystem: empty folders, a symlink loop, a symlinked log, a directory named like a log.
  d = at('fs');
  base(d, `"${iso(start)}"`);
  for (const sub of ['logs/api', 'logs/dir.log', 'traces', 'elsewhere']) mkdirSync(join(d, sub), { recursive: true });
  writeFileSync(join(d, 'metrics', 'm.prom'), `${promLines('api', start - 60 * MIN, 60, MIN, 's', 5)}\n`);
  symlinkSync('..', join(d, 'logs', 'api', 'loop'));
  const log = Array.from({ length: 120 }, (_, i) => `${iso(start - 60 * MIN + i * 30_000)} ERROR upstream reset`);
  writeFileSync(join(d, 'elsewhere', 'db.log'), `${log.join('\n')}\n`);
  symlinkSync('../elsewhere/db.log', join(d, 'logs', 'db.log'));
  symlinkSync('../nothing-here.log', join(d, 'logs', 'dangling.log'));
  return made;
}

type Opts = {
  out: { type: 'string' };
  case: { type: 'string' };
  series: { type: 'string' };
  points: { type: 'string' };
  spans: { type: 'string' };
  'log-lines': { type: 'string' };
  'log-files': { type: 'string' };
};
const SPEC = {
  program: 'node',
  name: 'dist-tools/tools/scenario/stress.js',
  usage:
    'stress.js --out DIR [--case large|awkward|all] [--series N] [--points N] [--spans N] [--log-lines N] [--log-files N]',
  description: 'Write large and awkward scenarios (see the comment at the top of tools/scenario/stress.ts).',
  options: {
    out: { type: 'string' },
    case: { type: 'string' },
    series: { type: 'string' },
    points: { type: 'string' },
    spans: { type: 'string' },
    'log-lines': { type: 'string' },
    'log-files': { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
} satisfies CommandSpec<Opts>;

if (require.main === module) {
  const parsed = parseCommand(SPEC, process.argv.slice(2), process.stdout, process.stderr);
  if (typeof parsed === 'number') process.exit(parsed);
  const v = parsed.values;
  const out = v.out ?? '/tmp/scout-stress';
  const which = v.case ?? 'all';
  const num = (s: string | undefined, d: number): number => (s === undefined ? d : Number(s));
  if (which === 'large' || which === 'all') {
    writeLarge(join(out, 'large'), {
      series: num(v.series, 20_000),
      points: num(v.points, 1440),
      spans: num(v.spans, 1_000_000),
      logLines: num(v['log-lines'], 1_000_000),
      logFiles: num(v['log-files'], 200),
    });
    process.stdout.write(`wrote ${join(out, 'large')}\n`);
  }
  if (which === 'awkward' || which === 'all') for (const d of writeAwkward(out)) process.stdout.write(`wrote ${d}\n`);
}

// Every log format in test/fixtures/logs/formats (see its README for where each one is documented), read
// with zero configuration as the `templates` command and the files source read them: how many events, the
// first and last event's time (zones honoured), how many of each severity, and one template as printed.

import { readFileSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { blockBody } from '../../../../src/evidence/analyzers/templates';
import { TemplateMiner } from '../../../../src/evidence/analyzers/templates';
import { EventAssembler, type AssembledEvent, type Level } from '../../../../src/evidence/logparse';
import { openFilesSource } from '../../../../src/evidence/sources/files';
import type { LogEvent } from '../../../../src/evidence/types';

const DIR = path.resolve(__dirname, '../../../fixtures/logs/formats');
/** The incident clock: year-less and time-only headers are dated from it. */
const REF = Date.UTC(2026, 10, 27, 4);

type Levels = Partial<Record<Level | 'none', number>>;
type LevelKey = keyof Levels;

/** [file, events, first event's time, last event's time, events per level, a template the reader sees] */
const CASES: Array<[string, number, string, string, Levels, string]> = [
  [
    'apache-error.log',
    10,
    '2026-11-27T03:00:01.004Z',
    '2026-11-27T03:02:10.990Z',
    { info: 3, error: 6, warn: 1 },
    '<*> client denied by server configuration: <*>',
  ],
  [
    'aws-alb.log',
    6,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 3, error: 2, warn: 1 },
    'server-error <*> <*> <*> <*> <*> <*> <*> - <*> <*> <*> <*> <*> <*> <*> <*> <*> "Root=<*> "shop.example.com" <*> <*> <*> "forward" "-" "-" <*> "-" "-" "-" <*>',
  ],
  [
    'azure-appservice.log',
    7,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { none: 1, info: 3, warn: 2, error: 1 },
    '<*> An unhandled exception has occurred while executing the request.',
  ],
  [
    'bunyan.log',
    6,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 4, warn: 1, error: 1 },
    'payment call failed component=<*>',
  ],
  // W3C extended format: `#Fields:` names the columns (the status is `sc-status`); `#` directives have no time.
  [
    'cloudfront.log',
    7,
    '2026-11-27T03:02:04.000Z',
    '2026-11-27T03:02:10.000Z',
    { none: 2, info: 3, error: 2 },
    'server-error <*> <*> <*> POST <*> <*> <*> - <*> - - Error <*> shop.example.com https <*> <*> - <*> <*> Error <*> - - <*> <*> OriginConnectError text/html <*> - -',
  ],
  [
    'elasticsearch.json',
    6,
    '2026-11-27T03:01:58.004Z',
    '2026-11-27T03:02:10.712Z',
    { info: 3, warn: 2, error: 1 },
    'high disk watermark <*> exceeded on <*> free: <*> shards will be relocated away from this node; currently relocating away shards totalling <*> bytes; the node is expected to continue to exceed the high disk watermark when these relocations are complete ecs.version=<*> service.name=<*> event.dataset=<*> process.thread.name=<*> log.logger=<*> elasticsearch.cluster.uuid=<*> elasticsearch.node.id=<*> elasticsearch.node.name=<*> elasticsearch.cluster.name=<*>',
  ],
  [
    'envoy-access.log',
    8,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 4, error: 3, warn: 1 },
    'server-error "POST <*> <*> <*> UF,URX <*> <*> <*> - <*> <*> <*> "shop.example.com" <*>',
  ],
  [
    'gcp-logging.jsonl',
    7,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    // The load balancer's 502 (`httpRequest.status`) is an error whatever severity the entry carries.
    { info: 3, warn: 2, error: 2 },
    'Traceback (most recent call last): httpx.ConnectError: [Errno <*> Connection refused',
  ],
  [
    'haproxy-http.log',
    8,
    '2026-11-27T03:02:04.000Z',
    '2026-11-27T03:02:10.000Z',
    { info: 3, error: 3, none: 2 },
    'server-error <*> <*> http-in~ <*> <*> <*> <*> - - <*> <*> <*> <*> <*> <*>',
  ],
  [
    'heroku-router.log',
    10,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 3, none: 5, error: 2 },
    'server-error heroku[router]: at=<*> code=<*> desc=<*> method=<*> path=<*> host=<*> request_id=<*> fwd=<*> dyno=<*> connect=<*> service=<*> status=<*> bytes=<*> protocol=<*>',
  ],
  [
    'java-logback.log',
    8,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 3, warn: 2, error: 3 },
    'Could not save order <*> org.springframework.dao.DataIntegrityViolationException: could not execute statement; SQL [n/a]; constraint [orders_pkey]',
  ],
  [
    'journalctl-short-iso.log',
    11,
    '2026-11-27T03:02:04.000Z',
    '2026-11-27T03:02:10.000Z',
    { none: 11 },
    "shop-checkout.service: Failed with result 'oom-kill'.",
  ],
  // A Go panic in one journald record is one event; `panic:` reads as fatal over the record's PRIORITY 3.
  [
    'journalctl.json',
    7,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 3, error: 1, warn: 2, fatal: 1 },
    'panic: runtime error: invalid memory address or nil pointer dereference [signal SIGSEGV: segmentation violation code=<*> addr=<*> pc=<*>',
  ],
  [
    'kafka-server.log',
    9,
    '2026-11-27T03:01:58.004Z',
    '2026-11-27T03:02:10.712Z',
    { info: 6, warn: 2, error: 1 },
    'ISR updated to <*> and version updated to <*> (kafka.cluster.Partition)',
  ],
  [
    'klog.log',
    9,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 4, warn: 2, error: 2, fatal: 1 },
    'error building controller context: failed to wait for apiserver being healthy: timed out waiting for the condition',
  ],
  // Ages (`12m`) are relative to when the command ran, which the output does not say: every row is undated.
  // The TYPE column is the level: Warning, and Normal as info.
  [
    'kubectl-events.txt',
    10,
    '2026-11-27T04:00:00.000Z',
    '2026-11-27T04:00:00.000Z',
    { none: 1, info: 5, warn: 4 },
    '<*> Warning OOMKilling <*> Memory cgroup out of memory: Killed process <*> (checkout)',
  ],
  [
    'log4j2.log',
    7,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 4, warn: 1, error: 2 },
    'Payment call failed java.util.concurrent.ExecutionException: java.net.SocketTimeoutException: Read timed out',
  ],
  [
    'logrus-text.log',
    7,
    '2026-11-27T03:02:04.000Z',
    '2026-11-27T03:02:10.000Z',
    { info: 3, warn: 1, error: 2, fatal: 1 },
    'payment call failed attempt=<*> error=<*>',
  ],
  // `[System]` is MySQL's own class of always-logged messages, not a severity.
  [
    'mysql-error.log',
    12,
    '2026-11-27T03:01:58.004Z',
    '2026-11-27T03:02:10.712Z',
    { none: 4, warn: 3, info: 2, error: 3 },
    'Unable to lock <*> error: <*>',
  ],
  [
    'nginx-access.log',
    11,
    '2026-11-27T03:01:58.000Z',
    '2026-11-27T03:02:10.000Z',
    { info: 6, warn: 2, error: 3 },
    'server-error <*> - <*> "POST <*> <*> <*> <*> "-" <*>',
  ],
  [
    'nginx-error.log',
    10,
    '2026-11-27T03:01:12.000Z',
    '2026-11-27T03:02:13.000Z',
    { info: 3, error: 5, warn: 1, fatal: 1 },
    '<*> <*> upstream timed out <*> Connection timed out) while reading response header from upstream, client: <*> server: shop.example.com, request: "POST <*> <*> upstream: <*> host: "shop.example.com"',
  ],
  [
    'pino.log',
    8,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 5, warn: 1, error: 1, fatal: 1 },
    'request completed reqId=<*> responseTime=<*>',
  ],
  [
    'postgresql.csv',
    8,
    '2026-11-27T03:01:58.004Z',
    '2026-11-27T03:02:10.712Z',
    { info: 3, error: 2, fatal: 2, warn: 1 },
    '<*> remaining connection slots are reserved for non-replication superuser connections client backend <*>',
  ],
  // `%m [%p] `: the time carries the zone by name (CET), and DETAIL/STATEMENT lines are events of their own.
  [
    'postgresql.log',
    14,
    '2026-11-27T03:01:58.004Z',
    '2026-11-27T03:02:10.712Z',
    { info: 9, error: 2, fatal: 2, warn: 1 },
    'remaining connection slots are reserved for non-replication superuser connections',
  ],
  [
    'python-logging.log',
    8,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 3, warn: 1, error: 4 },
    'could not parse quantity checkout.errors.OrderError: bad quantity',
  ],
  [
    'rails.log',
    12,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 6, fatal: 4, warn: 1, error: 1 },
    'Redis::CannotConnectError (Error connecting to Redis on <*> (Errno::ECONNREFUSED))',
  ],
  [
    'redis.log',
    16,
    '2026-11-27T03:01:58.004Z',
    '2026-11-27T03:02:11.001Z',
    { warn: 8, info: 8 },
    'Write error saving DB on disk: No space left on device',
  ],
  [
    'serilog-clef.log',
    7,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 4, warn: 1, error: 2 },
    'Order {OrderId} created in <*> ms OrderId=<*> Elapsed=<*> SourceContext=<*>',
  ],
  [
    'slog-text.log',
    7,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 3, warn: 1, error: 2, debug: 1 },
    'payment call failed attempt=<*> err=<*> req.id=<*> req.path=<*>',
  ],
  [
    'syslog-rfc3164.log',
    8,
    '2026-11-27T03:02:04.000Z',
    '2026-11-27T03:02:10.000Z',
    { fatal: 1, info: 5, error: 2 },
    "'su root' failed for lonvick on <*>",
  ],
  [
    'syslog-rfc5424.log',
    7,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 3, warn: 1, error: 2, fatal: 1 },
    'payment gateway slow: <*> ms',
  ],
  // Event Viewer's CSV: level first, a US date with AM/PM (12 AM is midnight), a quoted message over several lines.
  [
    'windows-events.csv',
    7,
    '2026-11-27T00:04:10.000Z',
    '2026-11-27T03:03:06.000Z',
    { none: 1, info: 2, warn: 1, error: 2, fatal: 1 },
    'Service Control Manager <*> None The Shop Checkout service entered the running state.',
  ],
  [
    'zap-console.log',
    6,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 4, warn: 1, error: 1 },
    '<*> payment call failed {"attempt": <*> "error": "dial tcp <*> connect: connection refused"} shop/payments.(*Client).Charge',
  ],
  [
    'zap-json.log',
    7,
    '2026-11-27T03:02:04.101Z',
    '2026-11-27T03:02:10.712Z',
    { info: 3, warn: 1, error: 3 },
    'nil order in cache key=<*>',
  ],
  [
    'zerolog.log',
    7,
    '2026-11-27T03:02:04.000Z',
    '2026-11-27T03:02:10.000Z',
    { info: 4, warn: 1, error: 2 },
    'retrying payment call attempt=<*> error=<*>',
  ],
];

/** The file's events, as the files source assembles them, and its templates as `templates` prints them. */
function read(file: string): { events: AssembledEvent[]; templates: string[] } {
  const lines = readFileSync(path.join(DIR, file), 'utf8').replace(/\n$/, '').split('\n');
  const asm = new EventAssembler({ refTime: REF });
  asm.learn(lines.slice(0, 256));
  const events: AssembledEvent[] = [];
  lines.forEach((l, i) => events.push(...asm.push(l, i + 1)));
  events.push(...asm.flush());
  const miner = new TemplateMiner();
  for (const ev of events) miner.addCluster(blockBody(ev));
  return { events, templates: miner.templates().map((t) => t.template) };
}

describe('log formats read with zero configuration', () => {
  it('has a case for every fixture', () => {
    const files = readdirSync(DIR).filter((f) => f !== 'README.md');
    expect(CASES.map((c) => c[0]).sort()).toEqual(files.sort());
  });

  it.each(CASES)('%s: %i events from %s to %s', (file, count, first, last, levels, template) => {
    const { events, templates } = read(file);
    expect(events).toHaveLength(count);
    expect(new Date(events[0]?.ts ?? 0).toISOString()).toBe(first);
    expect(new Date(events[events.length - 1]?.ts ?? 0).toISOString()).toBe(last);
    expect(levelCounts(events)).toEqual(levels);
    expect(templates).toContain(template);
  });
});

/** Events per level, `none` for an event without one. */
function levelCounts(events: ReadonlyArray<{ level?: string | undefined }>): Levels {
  const seen: Levels = {};
  for (const ev of events) {
    const key = (ev.level ?? 'none') as LevelKey;
    seen[key] = (seen[key] ?? 0) + 1;
  }
  return seen;
}

describe('the same files in a scenario, as analyze reads them', () => {
  let dir: string;
  /** One service per fixture: `postgresql.csv` is service `postgresql-csv`. */
  const service = (file: string): string => file.replace(/\./g, '-');
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'scout-formats-'));
    await mkdir(path.join(dir, 'logs'));
    await writeFile(
      path.join(dir, 'incident.yaml'),
      `title: formats\nchannel: inc-formats\nstarted_at: ${new Date(REF).toISOString()}\n`,
    );
    for (const [file] of CASES) await copyFile(path.join(DIR, file), path.join(dir, 'logs', `${service(file)}.log`));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('gives every service the events, times and severities of its file', async () => {
    const events: LogEvent[] = [];
    for await (const ev of openFilesSource(dir).logs({ from: REF - 86_400_000, to: REF + 86_400_000 })) events.push(ev);
    const seen = CASES.map(([file]) => {
      const mine = events.filter((e) => e.service === service(file));
      const at = (ev: LogEvent | undefined): string => new Date(ev?.ts ?? 0).toISOString();
      return [file, mine.length, at(mine[0]), at(mine[mine.length - 1]), levelCounts(mine)];
    });
    expect(seen).toEqual(CASES.map((c) => c.slice(0, 5)));
  });
});

describe('multi-line events in these formats', () => {
  const lines = (file: string): number[] => read(file).events.map((e) => e.lines);

  it('keeps each Python traceback, chained ones too, with the line that logged it', () => {
    expect(lines('python-logging.log')).toEqual([1, 1, 1, 7, 5, 7, 10, 1]);
  });

  it('keeps Java stack traces with every "Caused by" and "... n more" under their log line', () => {
    expect(lines('java-logback.log')).toEqual([1, 1, 1, 7, 11, 1, 5, 1]);
    expect(lines('log4j2.log')).toEqual([1, 1, 1, 9, 1, 6, 1]);
    expect(lines('kafka-server.log')).toEqual([1, 1, 1, 1, 7, 5, 1, 1, 1]);
  });

  it("keeps a zap stack trace and .NET's indented message and exception, even with a time on every line", () => {
    expect(lines('zap-console.log')).toEqual([1, 1, 1, 7, 1, 1]);
    expect(lines('azure-appservice.log')).toEqual([1, 2, 2, 2, 8, 2, 2]);
  });

  it('keeps a record with several lines as one event and never joins it to the record before', () => {
    // An event counts the lines of its message: a traceback in a textPayload, a panic in a MESSAGE.
    expect(lines('gcp-logging.jsonl')).toEqual([1, 1, 1, 6, 1, 1, 1]);
    expect(lines('journalctl.json')).toEqual([1, 1, 1, 1, 1, 5, 1]);
    expect(lines('windows-events.csv')).toEqual([1, 1, 1, 1, 5, 1, 1]);
  });
});

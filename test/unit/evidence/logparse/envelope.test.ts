import { EventAssembler, parseLine, unwrapEnvelope, type AssembledEvent } from '../../../../src/evidence/logparse';

const T0 = Date.UTC(2026, 10, 27, 3, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString();
const docker = (log: string, ms: number, stream = 'stderr'): string => JSON.stringify({ log, stream, time: iso(ms) });

function assemble(lines: string[]): { events: AssembledEvent[]; perLine: number[] } {
  const asm = new EventAssembler({ refTime: T0 });
  asm.learn(lines);
  const events: AssembledEvent[] = [];
  const perLine: number[] = [];
  lines.forEach((l, i) => {
    events.push(...asm.push(l, i + 1));
    // A partial record's event is known once a later record ends its line.
    if (!asm.holding) while (perLine.length <= i) perLine.push(asm.currentIndex);
  });
  events.push(...asm.flush());
  return { events, perLine };
}

describe('unwrapEnvelope', () => {
  it("reads Docker's json-file record: the line without its newline, the runtime's time", () => {
    expect(unwrapEnvelope(docker('12:00:01 ERROR boom\n', T0))).toEqual({
      text: '12:00:01 ERROR boom',
      ts: T0,
      partial: false,
      weak: false,
    });
    // A full 16 KiB buffer without the newline is the start of a line the runtime split; a shorter record
    // without one is a whole line that lost its newline (a converter trimmed it), not joined to the next.
    expect(unwrapEnvelope(docker('x'.repeat(16_384), T0))?.partial).toBe(true);
    expect(unwrapEnvelope(docker('12:00:01 ERROR boom', T0))).toMatchObject({
      text: '12:00:01 ERROR boom',
      partial: false,
    });
  });

  it("leaves an application's own JSON alone, even one with a `log` field", () => {
    expect(unwrapEnvelope(JSON.stringify({ log: 'x', time: iso(T0), level: 'warn' }))).toBeNull();
    expect(unwrapEnvelope('{"msg":"order created","level":"info"}')).toBeNull();
    expect(unwrapEnvelope('{"log": "torn')).toBeNull();
    expect(unwrapEnvelope('plain line')).toBeNull();
  });

  it('reads the CRI form, P records as partial', () => {
    expect(unwrapEnvelope(`${iso(T0)} stdout F level=error msg="payment call failed"`)).toMatchObject({
      text: 'level=error msg="payment call failed"',
      ts: T0,
      partial: false,
    });
    expect(unwrapEnvelope(`${iso(T0)} stderr P half a li`)).toMatchObject({ text: 'half a li', partial: true });
  });

  it('reads journald JSON export: MESSAGE, microsecond time, PRIORITY as the level', () => {
    const rec = { __REALTIME_TIMESTAMP: `${T0 * 1000 + 250}`, PRIORITY: '3', _PID: '7', MESSAGE: 'disk full' };
    expect(unwrapEnvelope(JSON.stringify(rec))).toEqual({
      text: 'disk full',
      ts: T0,
      level: 'error',
      partial: false,
      weak: false,
    });
  });

  it('reads a Cloud Logging entry: text payload or the JSON payload, with its severity', () => {
    const text = { textPayload: 'cache miss\n', timestamp: iso(T0), severity: 'WARNING' };
    expect(unwrapEnvelope(JSON.stringify(text))).toMatchObject({ text: 'cache miss', ts: T0, level: 'warn' });
    const json = { jsonPayload: { message: 'cart loaded' }, timestamp: iso(T0), severity: 'INFO' };
    expect(unwrapEnvelope(JSON.stringify(json))?.text).toBe('{"message":"cart loaded"}');
  });

  it("reads a Cloud Logging request entry by its httpRequest.status: a 5xx is an error over the entry's severity", () => {
    const request = { requestMethod: 'POST', status: 503, latency: '2.1s' };
    const run = { httpRequest: request, timestamp: iso(T0), severity: 'WARNING' };
    expect(unwrapEnvelope(JSON.stringify(run))).toMatchObject({
      text: '{"message":"server-error 503"}',
      level: 'error',
    });
    const ok = { httpRequest: { ...request, status: 200 }, timestamp: iso(T0), severity: 'INFO' };
    expect(unwrapEnvelope(JSON.stringify(ok))).toMatchObject({ text: '{"message":"success 200"}', level: 'info' });
    const app = {
      jsonPayload: { message: 'slow' },
      httpRequest: { status: 404 },
      timestamp: iso(T0),
      severity: 'ERROR',
    };
    expect(unwrapEnvelope(JSON.stringify(app))).toMatchObject({
      text: '{"message":"slow","status":404}',
      level: 'error',
    });
  });

  it('marks the kubectl --timestamps prefix as weak: an application may write the same header', () => {
    expect(unwrapEnvelope(`${iso(T0)} INFO started`)).toMatchObject({ text: 'INFO started', weak: true });
  });
});

describe('EventAssembler with envelopes', () => {
  it('joins a Java stack trace split over Docker records into one event with the inner body and level', () => {
    const { events, perLine } = assemble([
      docker('2026-11-27 03:00:01.000 ERROR [main] c.e.Pay - charge failed\n', T0 + 1000),
      docker('java.lang.IllegalStateException: pool exhausted\n', T0 + 1001),
      docker('\tat com.example.Pay.charge(Pay.java:42)\n', T0 + 1001),
      docker('2026-11-27 03:00:02.000 INFO [main] c.e.Pay - retry ok\n', T0 + 2000, 'stdout'),
    ]);
    expect(events.map((e) => [e.ts, e.level, e.body, e.lines])).toEqual([
      [T0 + 1000, 'error', 'charge failed', 3],
      [T0 + 2000, 'info', 'retry ok', 1],
    ]);
    expect(events[0]?.text).toContain('\tat com.example.Pay.charge');
    expect(perLine).toEqual([0, 0, 0, 1]);
  });

  it('joins CRI partial records with the F record that ends their line', () => {
    const { events, perLine } = assemble([
      `${iso(T0)} stdout P level=info msg="order crea`,
      `${iso(T0)} stdout F ted" id=9`,
      `${iso(T0 + 5)} stderr F level=error msg="payment call failed"`,
    ]);
    expect(events.map((e) => [e.level, e.body, e.line])).toEqual([
      ['info', 'order created id=9', 1],
      ['error', 'payment call failed', 3],
    ]);
    expect(perLine).toEqual([0, 0, 1]);
  });

  it('ends a partial record left at the end of the input as a line of its own', () => {
    const { events } = assemble([`${iso(T0)} stdout F a whole line`, `${iso(T0 + 1)} stdout P a cut li`]);
    expect(events.map((e) => e.body)).toEqual(['a whole line', 'a cut li']);
  });

  it('reads kubectl --timestamps lines: frames continue the event, a plain ISO header stays a header', () => {
    const { events } = assemble([
      `${iso(T0)} 2026-11-27 03:00:00.000 ERROR [main] c.e.Pay - charge failed`,
      `${iso(T0)} \tat com.example.Pay.charge(Pay.java:42)`,
      `${iso(T0 + 1000)} WARN slow response from inventory`,
    ]);
    expect(events.map((e) => [e.level, e.body, e.lines])).toEqual([
      ['error', 'charge failed', 2],
      ['warn', 'slow response from inventory', 1],
    ]);
  });

  it("splits a journald MESSAGE with several lines like the application's own output", () => {
    const rec = (msg: string, ms: number): string =>
      JSON.stringify({ __REALTIME_TIMESTAMP: `${ms * 1000}`, PRIORITY: '3', MESSAGE: msg });
    const { events } = assemble([
      rec('job failed\nTraceback (most recent call last):\n  File "x.py", line 1, in run\nValueError: bad', T0),
      rec('job retried', T0 + 1000),
    ]);
    expect(events.map((e) => [e.ts, e.level, e.body, e.lines])).toEqual([
      [T0, 'error', 'job failed', 4],
      [T0 + 1000, 'error', 'job retried', 1],
    ]);
  });
});

describe('JSON loggers', () => {
  it.each([
    [
      'bunyan',
      '{"name":"api","hostname":"h","pid":1,"level":50,"msg":"db down","time":"2026-11-27T03:00:00.000Z","v":0}',
    ],
    ['zap', '{"level":"error","ts":1795748400.0,"caller":"x/y.go:12","msg":"db down"}'],
    ['logrus', '{"level":"error","msg":"db down","time":"2026-11-27T03:00:00Z"}'],
    ['ECS', '{"@timestamp":"2026-11-27T03:00:00.000Z","log":{"level":"error","logger":"db"},"message":"db down"}'],
  ])('reads %s records: time, level and message', (_name, line) => {
    expect(parseLine(line, T0)).toMatchObject({ ts: T0, level: 'error', body: 'db down' });
  });

  it("reads a message that is an application's whole line as that line: its header is not the message", () => {
    const p = parseLine('{"time":1795748400000,"msg":"2026-11-27 03:00:00,000 WARN [main] c.e.Db - pool low"}', T0);
    expect(p).toMatchObject({ ts: T0, level: 'warn', body: 'pool low' });
  });

  it('keeps a multi-line message to its first line and the line under it, and drops multi-line fields', () => {
    const line = JSON.stringify({
      level: 'error',
      msg: 'request failed\njava.io.IOException: reset\n\tat a.B.c(B.java:1)',
      stacktrace: 'main.go:1\nmain.go:2',
      route: 'GET /cart',
    });
    expect(parseLine(line, T0).body).toBe('request failed\njava.io.IOException: reset route="GET /cart"');
  });
});

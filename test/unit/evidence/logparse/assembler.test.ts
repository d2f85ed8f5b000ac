import { EventAssembler, type AssembledEvent } from '../../../../src/evidence/logparse';

function assemble(text: string): { events: AssembledEvent[]; perLine: number[]; asm: EventAssembler } {
  const asm = new EventAssembler({ refTime: Date.UTC(2026, 10, 27) });
  const events: AssembledEvent[] = [];
  const perLine: number[] = [];
  text.split('\n').forEach((l, i) => {
    events.push(...asm.push(l, i + 1));
    perLine.push(asm.currentIndex);
  });
  events.push(...asm.flush());
  return { events, perLine, asm };
}

describe('EventAssembler', () => {
  it('joins a Java stack trace with Caused by and "... N more" to the line that began it', () => {
    const { events } = assemble(
      [
        '2026-11-27 03:02:10.123 ERROR 1 --- [main] c.e.Pay : charge failed',
        'java.lang.IllegalStateException: pool exhausted',
        '\tat com.example.Pay.charge(Pay.java:42)',
        'Caused by: java.net.SocketTimeoutException: Read timed out',
        '\t... 12 more',
        '2026-11-27 03:02:11.000  INFO 1 --- [main] c.e.Pay : retry ok',
      ].join('\n'),
    );
    expect(events).toHaveLength(2);
    expect(events[0]?.body).toBe('charge failed');
    expect(events[0]?.lines).toBe(5);
    expect(events[0]?.text).toContain('Caused by: java.net.SocketTimeoutException');
    expect(events[1]?.line).toBe(6);
  });

  it('joins a Python traceback including the final exception line', () => {
    const { events } = assemble(
      [
        '2026-11-27 12:05:00,485 - worker - ERROR - job failed',
        'Traceback (most recent call last):',
        '  File "/app/worker.py", line 10, in run',
        '    do()',
        "KeyError: 'order_id'",
      ].join('\n'),
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.level).toBe('error');
    expect(events[0]?.text.split('\n')).toHaveLength(5);
    expect(events[0]?.text.endsWith("KeyError: 'order_id'")).toBe(true);
  });

  it('joins a traceback whose exception type is any name, after its indented frames', () => {
    const { events } = assemble(
      [
        '2026-11-27 01:22:09,761 ERROR inventory.auth: failed to refresh token',
        'Traceback (most recent call last):',
        '  File "/app/auth.py", line 41, in refresh',
        '    resp = post(url)',
        "requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='auth', port=443): Max retries exceeded",
        '2026-11-27 01:22:23,080 INFO inventory.api: ok',
      ].join('\n'),
    );
    expect(events.map((e) => e.lines)).toEqual([5, 1]);
  });

  it('joins a Go panic and its goroutine dump', () => {
    const { events } = assemble(
      [
        '{"time":"2026-11-27T03:02:10Z","level":"info","msg":"serving"}',
        'panic: runtime error: index out of range [3] with length 3',
        '',
        'goroutine 1 [running]:',
        'main.main()',
        '\t/app/main.go:12 +0x1d',
      ].join('\n'),
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.text).toContain('goroutine 1 [running]:');
  });

  it('maps every physical line to an event: a line before any time takes the next time', () => {
    const { events, perLine, asm } = assemble(
      ['orphan line', '2026-11-27T03:02:10Z INFO a', '  detail', '2026-11-27T03:02:11Z INFO b'].join('\n'),
    );
    expect(perLine).toEqual([0, 1, 1, 2]);
    expect(events.map((e) => [e.body, e.ts])).toEqual([
      ['orphan line', Date.UTC(2026, 10, 27, 3, 2, 10)],
      ['a', Date.UTC(2026, 10, 27, 3, 2, 10)],
      ['b', Date.UTC(2026, 10, 27, 3, 2, 11)],
    ]);
    expect(asm.untimed).toBe(1);
    expect(asm.undated).toBe(0);
  });

  it('keeps an unindented line without a time as its own event with the time before it, not as a continuation', () => {
    const { events } = assemble(
      ['2026-11-27T03:02:10Z INFO a', 'plain line from a print', '2026-11-27T03:02:12Z INFO b'].join('\n'),
    );
    expect(events.map((e) => [e.body, e.ts, e.lines])).toEqual([
      ['a', Date.UTC(2026, 10, 27, 3, 2, 10), 1],
      ['plain line from a print', Date.UTC(2026, 10, 27, 3, 2, 10), 1],
      ['b', Date.UTC(2026, 10, 27, 3, 2, 12), 1],
    ]);
  });

  it('dates every line of a file without any time at the reference time and counts them', () => {
    const { events, perLine, asm } = assemble(['first', 'second', '  indented under second'].join('\n'));
    expect(perLine).toEqual([0, 1, 1]);
    expect(events.map((e) => e.ts)).toEqual([Date.UTC(2026, 10, 27), Date.UTC(2026, 10, 27)]);
    expect(asm.undated).toBe(2);
    expect(asm.firstUndatedLine).toBe(1);
  });

  it('learns from a file that its time sits after header words, and strips that header', () => {
    const lines = [
      '9001 unit-7 job status 1700000000 1 running',
      '9002 unit-8 job status 1700000005 1 stopped',
      '9003 unit-7 disk usage 1700000010 1 above threshold',
      '9004 unit-9 job status 1700000020 1 running',
    ];
    const asm = new EventAssembler({ refTime: Date.UTC(2026, 10, 27) });
    asm.learn(lines);
    const events = [...lines.flatMap((l, i) => asm.push(l, i + 1)), ...asm.flush()];
    expect(events.map((e) => [e.ts, e.body])).toEqual([
      [1_700_000_000_000, '1 running'],
      [1_700_000_005_000, '1 stopped'],
      [1_700_000_010_000, '1 above threshold'],
      [1_700_000_020_000, '1 running'],
    ]);
  });

  it('does not take a number in prose for a time without such a file-wide pattern', () => {
    const asm = new EventAssembler({ refTime: Date.UTC(2026, 10, 27) });
    const lines = ['2026-11-27T03:02:10Z INFO a', 'user account 1700000000 was created'];
    asm.learn(lines);
    const events = [...lines.flatMap((l, i) => asm.push(l, i + 1)), ...asm.flush()];
    expect(events[1]).toMatchObject({
      ts: Date.UTC(2026, 10, 27, 3, 2, 10),
      body: 'user account 1700000000 was created',
    });
  });

  it('gives a JSON line without a time field the time of the event before it', () => {
    const { events } = assemble(['{"time":"2026-11-27T03:02:10Z","msg":"a"}', '{"msg":"b"}'].join('\n'));
    expect(events.map((e) => e.ts)).toEqual([Date.UTC(2026, 10, 27, 3, 2, 10), Date.UTC(2026, 10, 27, 3, 2, 10)]);
    expect(events[1]?.body).toBe('b');
  });

  it('reads a file indented throughout as one event per timed line, frames under them still joined', () => {
    const lines = [
      '  2026-11-27 03:02:10 INFO start',
      '  2026-11-27 03:02:11 ERROR charge failed',
      '      at com.example.Pay.charge(Pay.java:42)',
      '  2026-11-27 03:02:12 INFO retry',
      '  2026-11-27 03:02:13 INFO done',
    ];
    const asm = new EventAssembler({ refTime: Date.UTC(2026, 10, 27) });
    asm.learn(lines);
    const events = [...lines.flatMap((l, i) => asm.push(l, i + 1)), ...asm.flush()];
    expect(events.map((e) => [e.body, e.lines])).toEqual([
      ['start', 1],
      ['charge failed', 2],
      ['retry', 1],
      ['done', 1],
    ]);
  });

  it('does not join the lines of a file indented throughout without any time into one event', () => {
    const lines = [
      '   connected to 10.0.0.1',
      '   connected to 10.0.0.2',
      '   disconnected',
      '   connected to 10.0.0.3',
    ];
    const asm = new EventAssembler({ refTime: Date.UTC(2026, 10, 27) });
    asm.learn(lines);
    const events = [...lines.flatMap((l, i) => asm.push(l, i + 1)), ...asm.flush()];
    expect(events.map((e) => e.body)).toEqual([
      'connected to 10.0.0.1',
      'connected to 10.0.0.2',
      'disconnected',
      'connected to 10.0.0.3',
    ]);
  });

  it('joins a table or command output under the timed line that printed it, where the file shows such runs', () => {
    const lines: string[] = [];
    for (let k = 0; k < 6; k++) {
      lines.push(`[03:02:1${k}] Running test ${k} ...`);
      lines.push(`[03:02:1${k}] USER       PID %CPU COMMAND`);
      lines.push(`root       ${700 + k}  0.0 /sbin/agetty`);
      lines.push(`app        ${800 + k}  1.5 node server.js`);
    }
    const asm = new EventAssembler({ refTime: Date.UTC(2026, 10, 27, 4) });
    asm.learn(lines);
    const perLine: number[] = [];
    const events = [
      ...lines.flatMap((l, i) => {
        const out = asm.push(l, i + 1);
        perLine.push(asm.currentIndex);
        return out;
      }),
      ...asm.flush(),
    ];
    expect(events).toHaveLength(12);
    expect(events[1]).toMatchObject({ body: 'USER       PID %CPU COMMAND', lines: 3 });
    expect(perLine.slice(0, 4)).toEqual([0, 1, 1, 1]);
  });

  it('learns a header without a time (`[2][main]`) as where events start', () => {
    const lines: string[] = [];
    for (let k = 0; k < 6; k++) {
      lines.push('[2][main] 55 bytes of data.');
      lines.push(`32 bytes from 10.0.0.${k}: icmp_seq=1 ttl=64 time=1.3 ms`);
      lines.push(`32 bytes from 10.0.0.${k}: icmp_seq=2 ttl=64 time=1.1 ms`);
      lines.push(`[2][main] Creating process ${k}.`);
    }
    const asm = new EventAssembler({ refTime: Date.UTC(2026, 10, 27, 4) });
    asm.learn(lines);
    const events = [...lines.flatMap((l, i) => asm.push(l, i + 1)), ...asm.flush()];
    expect(events).toHaveLength(12);
    expect(events[0]).toMatchObject({ lines: 3 });
    expect(events[1]).toMatchObject({ lines: 1 });
  });

  it('reads a thread name and a thread id in the same header slot (`[4][worker]`, `[4][80412]`) as one start shape', () => {
    const lines: string[] = [];
    for (let k = 0; k < 8; k++) {
      lines.push(`[4][${k % 2 ? 'worker' : 80412 + k}] show queues`);
      lines.push(`orders   depth 3`);
      lines.push(`refunds   depth ${k}`);
    }
    const asm = new EventAssembler({ refTime: Date.UTC(2026, 10, 27, 4) });
    asm.learn(lines);
    const events = [...lines.flatMap((l, i) => asm.push(l, i + 1)), ...asm.flush()];
    expect(events.map((e) => e.lines)).toEqual([3, 3, 3, 3, 3, 3, 3, 3]);
  });

  it('keeps a dated line of command output inside its event where events start with an untimed header', () => {
    const lines: string[] = [];
    for (let k = 0; k < 6; k++) {
      lines.push(`[4][main] show uptime ${k}`);
      lines.push(`2026-11-2${k} 08:15:00`);
      lines.push('up 3 days');
      lines.push(`[4][main] list backups`);
      lines.push(`nightly    2026-11-2${k} 01:00:00    12 GB`);
      lines.push(`weekly     2026-11-1${k} 02:00:00    40 GB`);
    }
    const asm = new EventAssembler({ refTime: Date.UTC(2026, 10, 27, 4) });
    asm.learn(lines);
    const events = [...lines.flatMap((l, i) => asm.push(l, i + 1)), ...asm.flush()];
    expect(events).toHaveLength(12);
    expect(events[0]).toMatchObject({ body: '[4][main] show uptime 0', lines: 3 });
    expect(events[1]).toMatchObject({ body: '[4][main] list backups', lines: 3 });
  });

  it('keeps a stray unmarked line in a timed file as its own event even after learning', () => {
    const lines: string[] = [];
    for (let k = 0; k < 30; k++) {
      lines.push(`2026-11-27T03:02:${String(10 + k).padStart(2, '0')}Z INFO tick ${k}`);
      if (k % 10 === 5) lines.push('plain line from a print');
    }
    const asm = new EventAssembler({ refTime: Date.UTC(2026, 10, 27, 4) });
    asm.learn(lines);
    const events = [...lines.flatMap((l, i) => asm.push(l, i + 1)), ...asm.flush()];
    expect(events).toHaveLength(33);
    expect(events.filter((e) => e.body === 'plain line from a print')).toHaveLength(3);
  });

  it('reads a coloured console line as the plain one', () => {
    const { events } = assemble(
      '\x1b[2m2026-11-27T03:02:10.123Z\x1b[0m \x1b[31mERROR\x1b[0m 1 --- [main] \x1b[36mc.e.Pay\x1b[0m : charge failed',
    );
    expect(events[0]).toMatchObject({
      ts: Date.UTC(2026, 10, 27, 3, 2, 10, 123),
      level: 'error',
      body: 'charge failed',
    });
    expect(events[0]?.text).not.toContain('\x1b');
  });
});

import { EventAssembler, type AssembledEvent } from '../../../../src/evidence/logparse';

function assemble(text: string): { events: AssembledEvent[]; perLine: number[]; asm: EventAssembler } {
  const asm = new EventAssembler({ refTime: Date.UTC(2026, 10, 27) });
  const events: AssembledEvent[] = [];
  const perLine: number[] = [];
  text.split('\n').forEach((l, i) => {
    const done = asm.push(l, i + 1);
    if (done) events.push(done);
    perLine.push(asm.currentIndex);
  });
  const last = asm.flush();
  if (last) events.push(last);
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
        'KeyError: \'order_id\'',
      ].join('\n'),
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.level).toBe('error');
    expect(events[0]?.text.split('\n')).toHaveLength(5);
    expect(events[0]?.text.endsWith("KeyError: 'order_id'")).toBe(true);
  });

  it('joins a Go panic and its goroutine dump', () => {
    const { events } = assemble(
      ['{"time":"2026-11-27T03:02:10Z","level":"info","msg":"serving"}', 'panic: runtime error: index out of range [3] with length 3', '', 'goroutine 1 [running]:', 'main.main()', '\t/app/main.go:12 +0x1d'].join('\n'),
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.text).toContain('goroutine 1 [running]:');
  });

  it('maps every physical line to the event it belongs to, and counts lines before any event', () => {
    const { perLine, asm } = assemble(['orphan line', '2026-11-27T03:02:10Z INFO a', '  detail', '2026-11-27T03:02:11Z INFO b'].join('\n'));
    expect(perLine).toEqual([-1, 0, 0, 1]);
    expect(asm.malformed).toBe(1);
    expect(asm.firstMalformedLine).toBe(1);
  });

  it('gives a JSON line without a time field the time of the event before it', () => {
    const { events } = assemble(['{"time":"2026-11-27T03:02:10Z","msg":"a"}', '{"msg":"b"}'].join('\n'));
    expect(events.map((e) => e.ts)).toEqual([Date.UTC(2026, 10, 27, 3, 2, 10), Date.UTC(2026, 10, 27, 3, 2, 10)]);
    expect(events[1]?.body).toBe('b');
  });
});

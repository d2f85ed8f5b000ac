import { parseLine } from '../../../../src/evidence/logparse';

const REF = Date.UTC(2026, 10, 27, 4, 0, 0);
const at = (iso: string): number => Date.parse(iso);

describe('parseLine', () => {
  it.each([
    [
      'JSON with ISO time and level',
      '{"time":"2026-11-27T03:02:10.123Z","level":"error","msg":"payment failed","order":"A-17"}',
      '2026-11-27T03:02:10.123Z',
      'error',
      'payment failed order=A-17',
    ],
    [
      'JSON with epoch seconds in ts',
      '{"ts":1795748530,"severity":"WARNING","message":"slow"}',
      '2026-11-27T03:02:10.000Z',
      'warn',
      'slow',
    ],
    [
      'JSON with epoch ms and pino numeric level',
      '{"level":50,"time":1795748530123,"pid":1,"hostname":"h","msg":"boom"}',
      '2026-11-27T03:02:10.123Z',
      'error',
      'boom',
    ],
    [
      'JSON with @timestamp and levelname',
      '{"@timestamp":"2026-11-27T03:02:10+01:00","levelname":"INFO","event":"started"}',
      '2026-11-27T02:02:10.000Z',
      'info',
      'started',
    ],
    [
      'logfmt',
      'time=2026-11-27T03:02:10Z level=warn msg="slow query took 5s" table=orders',
      '2026-11-27T03:02:10.000Z',
      'warn',
      'slow query took 5s table=orders',
    ],
    [
      'syslog (year from the reference time)',
      'Nov 27 03:02:10 web-1 nginx[123]: upstream timed out',
      '2026-11-27T03:02:10.000Z',
      undefined,
      'upstream timed out',
    ],
    [
      'RFC5424',
      '<165>1 2026-11-27T03:02:10.003Z mymachine evntslog 8710 ID47 [exampleSDID@32473 iut="3"] An application event',
      '2026-11-27T03:02:10.003Z',
      'info', // <165>: facility 20, severity 5 (notice)
      'An application event',
    ],
    [
      'nginx access log (5xx is an error)',
      '10.1.2.3 - - [27/Nov/2026:03:02:10 +0000] "GET /api/pay HTTP/1.1" 503 12 "-" "curl/8.0"',
      '2026-11-27T03:02:10.000Z',
      'error',
      'server-error 10.1.2.3 - - "GET /api/pay HTTP/1.1" 503 12 "-" "curl/8.0"',
    ],
    [
      'Apache error log',
      '[Thu Jun 09 06:07:04 2005] [notice] LDAP: Built with OpenLDAP LDAP SDK',
      '2005-06-09T06:07:04.000Z',
      'info',
      'LDAP: Built with OpenLDAP LDAP SDK',
    ],
    [
      'Spring Boot',
      '2026-11-27 03:02:10.123  INFO 1 --- [           main] c.e.checkout.Application : Started Application in 3.2 seconds',
      '2026-11-27T03:02:10.123Z',
      'info',
      'Started Application in 3.2 seconds',
    ],
    [
      'Java ISO with Z',
      '2026-11-27T03:02:10.123Z ERROR [pool-1-thread-3] com.example.Pay: charge failed',
      '2026-11-27T03:02:10.123Z',
      'error',
      'charge failed',
    ],
    [
      'Python logging',
      '2026-11-27 12:05:00,485 - orders.worker - ERROR - job 42 failed',
      '2026-11-27T12:05:00.485Z',
      'error',
      'job 42 failed',
    ],
    [
      'PostgreSQL',
      '2026-11-27 03:02:10.123 UTC [123] ERROR:  duplicate key value violates unique constraint "orders_pkey"',
      '2026-11-27T03:02:10.123Z',
      'error',
      'duplicate key value violates unique constraint "orders_pkey"',
    ],
    [
      'Redis',
      '1:M 27 Nov 2026 03:02:10.123 # WARNING overcommit_memory is set to 0!',
      '2026-11-27T03:02:10.123Z',
      'warn',
      'WARNING overcommit_memory is set to 0!',
    ],
    [
      'HDFS',
      '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
      '2008-11-09T20:36:15.000Z',
      'info',
      'PacketResponder 1 for block blk_38865049064139660 terminating',
    ],
    [
      'BGL',
      '- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected',
      '2005-06-03T22:42:50.000Z',
      'info',
      'instruction cache parity error corrected',
    ],
    [
      'Spark',
      '17/06/09 20:10:40 INFO spark.SecurityManager: Changing view acls to: yarn,curi',
      '2017-06-09T20:10:40.000Z',
      'info',
      'Changing view acls to: yarn,curi',
    ],
    [
      'Hadoop',
      '2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001',
      '2015-10-18T18:01:47.978Z',
      'info',
      'Created MRAppMaster for application appattempt_1445144423722_0020_000001',
    ],
    [
      'Zookeeper',
      '2015-07-29 19:04:29,071 - WARN  [SendWorker:188978561024:QuorumCnxManager$SendWorker@688] - Send worker leaving thread',
      '2015-07-29T19:04:29.071Z',
      'warn',
      'Send worker leaving thread',
    ],
    [
      'OpenSSH',
      'Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186',
      '2025-12-10T06:55:46.000Z',
      undefined,
      'Invalid user webmaster from 173.234.31.186',
    ],
    [
      'logback default',
      '2026-11-27 03:02:10.123 [http-nio-8080-exec-1] WARN  com.example.web.Cart - cart 17 is stale',
      '2026-11-27T03:02:10.123Z',
      'warn',
      'cart 17 is stale',
    ],
    [
      'klog (Kubernetes)',
      'E1127 03:02:10.123456   12345 reflector.go:138] failed to list *v1.Pod: connection refused',
      '2026-11-27T03:02:10.123Z',
      'error',
      'failed to list *v1.Pod: connection refused',
    ],
    [
      'MySQL',
      '2026-11-27T03:02:10.123456Z 0 [Warning] [MY-010068] [Server] CA certificate is self signed.',
      '2026-11-27T03:02:10.123Z',
      'warn',
      'CA certificate is self signed.',
    ],
    [
      'nginx error log',
      '2026/11/27 03:02:10 [error] 31#31: *7 connect() failed (111: Connection refused) while connecting to upstream',
      '2026-11-27T03:02:10.000Z',
      'error',
      '31#31: *7 connect() failed (111: Connection refused) while connecting to upstream',
    ],
    [
      'Docker json-file',
      '{"log":"listening on 8080\\n","stream":"stdout","time":"2026-11-27T03:02:10.5Z"}',
      '2026-11-27T03:02:10.500Z',
      undefined,
      'listening on 8080',
    ],
    [
      'Elastic ECS',
      '{"@timestamp":"2026-11-27T03:02:10.000Z","log.level":"error","message":"index failed"}',
      '2026-11-27T03:02:10.000Z',
      'error',
      'index failed',
    ],
    ['Go log', '2026/11/27 03:02:10 listening on :8080', '2026-11-27T03:02:10.000Z', undefined, 'listening on :8080'],
    [
      'US date with AM/PM and a title-case level column',
      '11/27/2026 03:02:10 PM Info  session closed for user root',
      '2026-11-27T15:02:10.000Z',
      'info',
      'session closed for user root',
    ],
    [
      'day-first dotted date',
      '27.11.2026 03:02:10,250 WARN disk almost full',
      '2026-11-27T03:02:10.250Z',
      'warn',
      'disk almost full',
    ],
    [
      'a time of day alone (dated from the reference day)',
      '03:02:10.123 [worker-3] ERROR queue stalled',
      '2026-11-27T03:02:10.123Z',
      'error',
      'queue stalled',
    ],
  ])('reads %s', (_name, line, ts, level, body) => {
    const p = parseLine(line, REF);
    expect(p.ts).toBe(at(ts));
    expect(p.level).toBe(level);
    expect(p.body).toBe(body);
  });

  it('dates a time of day later than the reference on the day before', () => {
    expect(parseLine('23:59:59 INFO closing', REF).ts).toBe(at('2026-11-26T23:59:59Z'));
  });

  it('keeps a number after the header words in the message, not as a second time', () => {
    const p = parseLine('27-Nov-2026 03:02:10.123 INFO [http-nio-8080-exec-1] 1365301360 alignment exceptions', REF);
    expect(p.ts).toBe(at('2026-11-27T03:02:10.123Z'));
    expect(p.body).toBe('1365301360 alignment exceptions');
  });

  it('reads an epoch (seconds with a fraction, or ms) and a dotted date-time as the header time', () => {
    expect(parseLine('1117838570.123 INFO job done', REF)).toEqual({
      ts: at('2005-06-03T22:42:50.123Z'),
      level: 'info',
      body: 'job done',
    });
    expect(parseLine('1117838570123 WARN job slow', REF).ts).toBe(at('2005-06-03T22:42:50.123Z'));
    expect(parseLine('2005-06-03-15.42.50.675 ERROR disk full', REF)).toEqual({
      ts: at('2005-06-03T15:42:50.675Z'),
      level: 'error',
      body: 'disk full',
    });
  });

  it('does not take a number glued to more digits or a colon, or an impossible date, for a time', () => {
    for (const line of [
      '1117838570:5 INFO job done',
      '1117838570.1234567890 INFO job done',
      '2005-13-03-15.42.50 ERROR disk full',
    ])
      expect(parseLine(line, REF)).toEqual({ ts: null, body: line });
  });

  it('takes a year-less December date to the year before a November reference', () => {
    expect(parseLine('Dec 31 23:59:59 h app: x', REF).ts).toBe(at('2025-12-31T23:59:59Z'));
  });

  it('does not take a prose word for a level after the timestamp', () => {
    const p = parseLine('2026-11-27 03:02:10 connection error while reading', REF);
    expect(p.level).toBeUndefined();
    expect(p.body).toBe('connection error while reading');
  });

  it('returns no timestamp for stack frames and tracebacks', () => {
    expect(parseLine('\tat com.example.Pay.charge(Pay.java:42)', REF).ts).toBeNull();
    expect(parseLine('Traceback (most recent call last):', REF).ts).toBeNull();
    expect(parseLine('goroutine 1 [running]:', REF).ts).toBeNull();
  });

  it('reads a syslog line prefixed with the file it came from (`grep -H`), host and tag stripped', () => {
    const p = parseLine('/var/log/messages:Nov 27 03:02:10 edge-1 nginx[88]: upstream timed out', REF);
    expect(p.ts).toBe(at('2026-11-27T03:02:10.000Z'));
    expect(p.body).toBe('upstream timed out');
    expect(parseLine('10.0.0.1:8080 GET /health 200', REF).ts).toBeNull();
  });

  it('strips the host and `unit[pid]:` after an ISO time (journalctl -o short-iso) but keeps prose and a level', () => {
    expect(parseLine('2026-11-27T04:02:06.120345+01:00 node-1 systemd[1]: Stopped shop.service', REF)).toMatchObject({
      ts: at('2026-11-27T03:02:06.120Z'),
      body: 'Stopped shop.service',
    });
    expect(parseLine('2026-11-27T03:02:06Z db-2 kernel: Out of memory', REF).body).toBe('Out of memory');
    expect(parseLine('2026-11-27T03:02:06Z db-2 app[7]: ERROR pool exhausted', REF)).toMatchObject({
      level: 'error',
      body: 'pool exhausted',
    });
    expect(parseLine('2026-11-27 03:02:06 Checkout failed: card declined', REF).body).toBe(
      'Checkout failed: card declined',
    );
    expect(parseLine('2026-11-27 03:02:06 WARN app[7]: slow', REF).level).toBe('warn');
  });

  it('reads a `level=` or `at=` pair in a text body as its level, and a 5xx status over an `at=info`', () => {
    const router = '2026-11-27T03:02:05.210000+00:00 heroku[router]: at=error code=H12 desc="Request timeout"';
    expect(parseLine(router, REF).level).toBe('error');
    expect(parseLine('2026-11-27T03:02:05Z heroku[router]: at=info method=GET status=503', REF).level).toBe('error');
    expect(parseLine('2026-11-27T03:02:05Z web-1 app[3]: level=warn msg=slow', REF).level).toBe('warn');
    expect(parseLine('2026-11-27T03:02:05Z worker: job at=pay.go:12 done', REF).level).toBeUndefined();
  });

  it('reads the TYPE column of a `kubectl get events` row as its level, not a word in its message', () => {
    expect(parseLine('2m1s        Warning   OOMKilling   node/node-1   Memory cgroup out of memory', REF).level).toBe(
      'warn',
    );
    expect(parseLine('90s         Normal    Created      pod/web-1     Created container web', REF).level).toBe('info');
    expect(parseLine('the cache reported Warning for key 12', REF).level).toBeUndefined();
  });

  it('strips a qualified logger after the thread in a java.util.logging one-line header (Tomcat)', () => {
    const p = parseLine(
      '27-Nov-2026 03:02:10.123 WARNING [exec-4] com.acme.pay.Gateway.charge card declined 4 times',
      REF,
    );
    expect(p).toMatchObject({ ts: at('2026-11-27T03:02:10.123Z'), level: 'warn', body: 'card declined 4 times' });
  });

  it('strips a bare camel-case logger (`%c{1}:`) after the level but keeps an exception name', () => {
    expect(parseLine('2026-11-27 03:02:10,123 INFO OrderRouter: routed 12 orders', REF).body).toBe('routed 12 orders');
    expect(parseLine('2026-11-27 03:02:10,123 INFO Router: routed 12 orders', REF).body).toBe(
      'Router: routed 12 orders',
    );
    expect(parseLine('2026-11-27 03:02:10,123 WARN SocketTimeoutException: read timed out', REF).body).toBe(
      'SocketTimeoutException: read timed out',
    );
  });
});

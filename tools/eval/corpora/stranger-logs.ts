// The "stranger" corpus, part 4: log lines in the format each service happens to use (plain, JSON lines,
// logfmt, Java/Spring with stack traces, nginx access and error logs, CoreDNS), and OTLP/JSON traces.

import type { Rng, Svc, World } from './stranger-world';
import type { Simulation, State } from './stranger-state';

export type LogFormat = 'plain' | 'json' | 'logfmt' | 'java' | 'nginx' | 'coredns';
type Level = 'INFO' | 'WARN' | 'ERROR';

const iso = (t: number): string => new Date(t).toISOString();
const hex = (rng: Rng, n: number): string => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');

function line(fmt: LogFormat, svc: string, t: number, level: Level, msg: string, rng: Rng): string {
  const d = new Date(t);
  switch (fmt) {
    case 'json':
      return JSON.stringify({
        time: iso(t),
        severity: level.toLowerCase(),
        service: svc,
        message: msg,
        trace_id: hex(rng, 16),
      });
    case 'logfmt':
      return `ts=${iso(t)} level=${level.toLowerCase()} caller=handler.go:${rng.int(40, 300)} msg=${JSON.stringify(msg)}`;
    case 'java': {
      const [first, ...stack] = msg.split('\n');
      const head = `${iso(t).replace('T', ' ').slice(0, 23)} ${level.padStart(5)} 1 --- [nio-8080-exec-${rng.int(1, 40)}] c.acme.${svc.replace(/-/g, '')}.Handler : ${first}`;
      return [head, ...stack].join('\n');
    }
    case 'nginx': {
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} [${level === 'ERROR' ? 'error' : level === 'WARN' ? 'warn' : 'notice'}] 31#31: *${rng.int(1000, 999999)} ${msg}`;
    }
    case 'coredns':
      return `${iso(t)} [${level}] ${msg}`;
    default:
      return `${iso(t).replace('T', ' ').replace('Z', '')} ${level} [${svc}] ${msg}`;
  }
}

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function access(t: number, status: number, ms: number, rng: Rng): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  const when = `${p(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
  const path = rng.pick(['/api/cart', '/api/products?page=2', '/checkout', '/api/orders/' + rng.int(1000, 9999), '/']);
  return `10.0.${rng.int(0, 9)}.${rng.int(2, 250)} - - [${when}] "GET ${path} HTTP/1.1" ${status} ${rng.int(200, 9000)} "-" "Mozilla/5.0" rt=${(ms / 1000).toFixed(3)}`;
}

const JAVA_STACK = (ex: string, svc: string) =>
  `${ex}\n\tat com.acme.${svc.replace(/-/g, '')}.service.RequestService.handle(RequestService.java:142)\n\tat com.acme.${svc.replace(/-/g, '')}.api.Controller.post(Controller.java:57)\n\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)`;

/** The text of one log line of `kind` (a kind's text varies only in its numbers and ids). */
function message(kind: string, svc: Svc, fmt: LogFormat, w: World, t: number, rng: Rng): [Level, string] {
  const java = fmt === 'java';
  const [k, a = '', b = ''] = kind.split(':');
  const id = hex(rng, 8);
  switch (k) {
    case 'own':
      return java
        ? [
            'ERROR',
            JAVA_STACK(
              `Request failed: java.lang.NullPointerException: Cannot invoke "Order.getCustomer()" because "order" is null`,
              svc.name,
            ),
          ]
        : [
            'ERROR',
            `unhandled error in POST /v1/${svc.name}: TypeError: Cannot read properties of undefined (reading 'currency') request_id=${id}`,
          ];
    case 'config':
      return ['ERROR', `rejecting request ${id}: rule engine has no rule for region "eu-west" (rules loaded: 0)`];
    case 'slow':
      return ['WARN', `slow request: POST /v1/${svc.name}/items took ${rng.int(900, 6000)}ms`];
    case 'callee':
      if (b === 'timeout')
        return java
          ? [
              'ERROR',
              JAVA_STACK(
                `I/O error on POST request for "http://${a}:8080/v1/${a}": Read timed out; nested exception is java.net.SocketTimeoutException: Read timed out`,
                svc.name,
              ),
            ]
          : [
              'ERROR',
              `call to ${a} failed: Post "http://${a}.prod.svc.cluster.local:8080/v1/${a}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
            ];
      return java
        ? [
            'ERROR',
            JAVA_STACK(
              `org.springframework.web.client.HttpServerErrorException$ServiceUnavailable: 503 Service Unavailable from POST http://${a}:8080/v1/${a}`,
              svc.name,
            ),
          ]
        : ['ERROR', `upstream ${a} returned 503 for POST http://${a}:8080/v1/${a} (request_id=${id})`];
    case 'host':
      return w.latencyVariant
        ? ['ERROR', `request to https://${a}/v1/charges failed: connect ETIMEDOUT ${a}:443 after 5000ms`]
        : ['ERROR', `POST https://${a}/v1/charges failed: 503 Service Unavailable (attempt 3/3)`];
    case 'tls': {
      const host = w.services.some((s) => s.name === a) ? `${a}.internal:8443` : a;
      return java
        ? [
            'ERROR',
            JAVA_STACK(
              `I/O error on POST request for "https://${host}/v2/events": PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed\nCaused by: java.security.cert.CertificateExpiredException: NotAfter: ${new Date(w.onset).toUTCString()}`,
              svc.name,
            ),
          ]
        : [
            'ERROR',
            `Post "https://${host}/v2/events": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time ${iso(t)} is after ${iso(w.onset)}`,
          ];
    }
    case 'pool':
      return java
        ? [
            'ERROR',
            JAVA_STACK(
              'org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection; nested exception is java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.',
              svc.name,
            ),
          ]
        : [
            'ERROR',
            `failed to acquire connection from pool: context deadline exceeded (max_open=20 in_use=20 wait_count=${rng.int(50, 900)})`,
          ];
    case 'oom':
      return java
        ? [
            'ERROR',
            JAVA_STACK('Servlet.service() threw exception: java.lang.OutOfMemoryError: Java heap space', svc.name),
          ]
        : ['ERROR', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'];
    case 'startup':
      return ['INFO', `Starting ${svc.name} v2.${rng.int(1, 9)}.0 with PID 1 (container restart)`];
    case 'disk':
      return svc.role === 'db'
        ? ['ERROR', `could not extend file "base/16384/${rng.int(20000, 29999)}": No space left on device`]
        : ['ERROR', `write /var/lib/${svc.name}/data/segment-${rng.int(100, 999)}.log: no space left on device`];
    case 'dns': {
      const callee = rng.pick(svc.calls.length ? svc.calls : ['db']);
      return ['ERROR', `dial tcp: lookup ${callee}.prod.svc.cluster.local on 10.96.0.10:53: server misbehaving`];
    }
    case 'dnsup':
      return [
        'ERROR',
        `plugin/errors: 2 ${rng.pick(w.services).name}.prod.svc.cluster.local. A: read udp 10.244.0.12:${rng.int(30000, 60000)}->10.0.0.2:53: i/o timeout`,
      ];
    case 'overload':
      return fmt === 'nginx'
        ? [
            'WARN',
            `limiting requests, excess: ${rng.range(5, 80).toFixed(3)} by zone "api", client: 10.0.${rng.int(0, 9)}.${rng.int(2, 250)}, server: _, request: "GET /api/cart HTTP/1.1"`,
          ]
        : ['ERROR', `request queue full (capacity 1024), rejecting with 503; event loop lag ${rng.int(300, 2000)}ms`];
    case 'backlog':
      return [
        'WARN',
        `consumer lag on topic orders.created is ${rng.int(2000, 90000)} messages; batch of 500 took ${rng.range(5, 15).toFixed(1)}s`,
      ];
    case 'steady':
      return [
        'ERROR',
        `failed to refresh feature flags: flag service returned 404 for key "beta-banner-${rng.int(1, 9)}"`,
      ];
    case 'gc':
      return ['WARN', `GC pause ${rng.int(300, 1500)}ms (old generation compaction)`];
    case 'cron-start':
      return ['INFO', `job export-daily started (run ${id})`];
    case 'cron-run':
      return ['INFO', `job export-daily progress: ${rng.int(1000, 90000)} rows written`];
    default:
      if (svc.role === 'db')
        return [
          'INFO',
          `duration: ${rng.range(0.2, 9).toFixed(3)} ms  statement: SELECT * FROM items WHERE id = ${rng.int(1, 99999)}`,
        ];
      if (svc.role === 'queue')
        return ['INFO', `Rolled new log segment for 'orders.created-${rng.int(0, 5)}' at offset ${rng.int(1e5, 9e6)}`];
      if (svc.role === 'cache') return ['INFO', `${rng.int(1, 40)} changes in 300 seconds. Saving...`];
      if (svc.role === 'dns')
        return [
          'INFO',
          `10.244.${rng.int(0, 3)}.${rng.int(2, 250)}:${rng.int(30000, 60000)} - ${rng.int(1, 65535)} "A IN ${rng.pick(w.services).name}.prod.svc.cluster.local. udp 62 false 512" NOERROR qr,aa,rd 118 0.000${rng.int(100, 999)}s`,
        ];
      if (svc.role === 'consumer')
        return ['INFO', `processed batch of ${rng.int(50, 500)} messages from orders.created in ${rng.int(80, 900)}ms`];
      return [
        'INFO',
        `handled ${rng.pick(['GET', 'POST'])} /v1/${svc.name}/${rng.pick(['items', 'status', 'search'])} status=200 in ${rng.int(3, 90)}ms`,
      ];
  }
}

/** One service's log file: a few routine lines per step, plus the error lines of its kinds. */
export function renderLogs(w: World, sim: Simulation, svc: Svc, fmt: LogFormat, rng: Rng): string {
  const states = sim.states.get(svc.name) as State[];
  const out: string[] = [];
  sim.times.forEach((t, i) => {
    const st = states[i] as State;
    const stepMs = w.step * 1000;
    const routine = svc.role === 'cron' ? 0 : rng.int(1, 2);
    for (let k = 0; k < routine; k++) {
      const ts = t + rng.int(0, stepMs - 1);
      if (fmt === 'nginx') {
        const status = rng.chance(st.err) ? rng.pick([502, 503, 504]) : 200;
        out.push(`${ts}\u0000${access(ts, status, st.lat * rng.range(0.5, 2), rng)}`);
      } else out.push(`${ts}\u0000${line(fmt, svc.name, ts, 'INFO', message('info', svc, fmt, w, ts, rng)[1], rng)}`);
    }
    for (const [kind, weight] of st.kinds) {
      const n = Math.floor(weight) + (rng.chance(weight - Math.floor(weight)) ? 1 : 0);
      for (let k = 0; k < n; k++) {
        const ts = t + rng.int(0, stepMs - 1);
        const [level, msg] = message(kind, svc, fmt, w, ts, rng);
        out.push(
          `${ts}\u0000${line(fmt === 'nginx' && level === 'INFO' ? 'plain' : fmt, svc.name, ts, level, msg, rng)}`,
        );
      }
    }
  });
  return (
    out
      .sort((x, y) => Number(x.slice(0, x.indexOf('\u0000'))) - Number(y.slice(0, y.indexOf('\u0000'))))
      .map((l) => l.slice(l.indexOf('\u0000') + 1))
      .join('\n') + '\n'
  );
}

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: { stringValue: string } }[];
  status: { code: number };
}

/** OTLP/JSON: one request a step from the edge down its synchronous call tree, client and server spans. */
export function renderTraces(w: World, sim: Simulation, rng: Rng): string {
  const by = new Map(w.services.map((s) => [s.name, s]));
  const spans = new Map<string, Span[]>();
  const push = (svc: string, s: Span): void => {
    const list = spans.get(svc) ?? [];
    list.push(s);
    spans.set(svc, list);
  };
  const edge = w.services[0] as Svc;
  sim.times.forEach((t, i) => {
    const traceId = hex(rng, 32);
    const visit = (
      svc: Svc,
      parent: string | undefined,
      start: number,
      depth: number,
    ): { end: number; failed: boolean } => {
      const st = (sim.states.get(svc.name) as State[])[i] as State;
      const id = hex(rng, 16);
      let cursor = start + 0.3;
      let failedBelow = false;
      if (depth < 4)
        for (const c of svc.calls) {
          const callee = by.get(c);
          if (!callee || callee.role === 'queue' || callee.role === 'dns') continue;
          const cid = hex(rng, 16);
          const r = visit(callee, cid, cursor + 0.2, depth + 1);
          push(
            svc.name,
            span(traceId, cid, id, `POST ${c}`, 3, cursor, r.end + 0.2, r.failed, [['server.address', c]]),
          );
          cursor = r.end + 0.3;
          failedBelow = failedBelow || r.failed;
        }
      for (const h of svc.hosts) {
        const hostDown = (w.fault === 'external_outage' || w.fault === 'tls_expiry') && w.root === h && t >= w.onset;
        const dur = hostDown && w.latencyVariant ? 5000 : rng.range(40, 120);
        const failed = hostDown && rng.chance(0.7);
        push(
          svc.name,
          span(traceId, hex(rng, 16), id, `POST https://${h}/v1`, 3, cursor, cursor + dur, failed, [
            ['server.address', h],
          ]),
        );
        cursor += dur;
        failedBelow = failedBelow || failed;
      }
      const end = Math.max(cursor, start + st.lat * rng.range(0.7, 1.3));
      const failed = failedBelow ? rng.chance(0.8) : rng.chance(st.err);
      push(
        svc.name,
        span(traceId, id, parent, `${svc.role === 'db' ? 'query' : 'handle'} ${svc.name}`, 2, start, end, failed, []),
      );
      return { end, failed };
    };
    visit(edge, undefined, t + rng.int(0, w.step * 1000 - 1), 0);
  });
  const resourceSpans = [...spans].map(([svc, list]) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: svc } }] },
    scopeSpans: [{ scope: { name: 'stranger' }, spans: list }],
  }));
  return JSON.stringify({ resourceSpans }) + '\n';
}

function span(
  traceId: string,
  spanId: string,
  parent: string | undefined,
  name: string,
  kind: number,
  startMs: number,
  endMs: number,
  failed: boolean,
  attrs: [string, string][],
): Span {
  const ns = (ms: number) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();
  return {
    traceId,
    spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    name,
    kind,
    startTimeUnixNano: ns(startMs),
    endTimeUnixNano: ns(endMs),
    attributes: attrs.map(([key, v]) => ({ key, value: { stringValue: v } })),
    status: { code: failed ? 2 : 0 },
  };
}

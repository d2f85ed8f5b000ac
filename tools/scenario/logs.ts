// Log files for the scenario, each in the format that kind of service really writes:
// nginx access (web), JSON lines (api-gateway, notifications), logfmt (checkout), Spring Boot with
// Java stack traces (payments), Python logging with tracebacks (inventory), PostgreSQL, Redis.

import { Rng, hash32 } from './prng';
import { externalHost, serviceDef, type ServiceState, type World } from './model';

interface Line {
  ts: number;
  text: string;
}

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const isoZ = (t: number): string => new Date(t).toISOString();
const spaceTs = (t: number, sep = '.'): string => isoZ(t).slice(0, 23).replace('T', ' ').replace('.', sep);
function nginxTs(t: number): string {
  const d = new Date(t);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
function redisTs(t: number): string {
  const d = new Date(t);
  return `${d.getUTCDate()} ${MON[d.getUTCMonth()]} ${d.getUTCFullYear()} ${isoZ(t).slice(11, 23)}`;
}
const ms = (s: number): number => Math.round(s * 1000);

/** Version strings of the changes the logs mention. */
export interface Versions {
  culprit: string;
  notifications: string;
}

type Writer = (r: Rng, t: number, s: ServiceState, kind: 'info' | 'root' | 'caller' | 'deploy', dep: string) => string;

const java = (t: number, level: string, thread: string, logger: string, msg: string): string =>
  `${spaceTs(t)} ${level.padStart(5)} 1 --- [${thread}] ${logger.padEnd(40)} : ${msg}`;

const WRITERS: Record<string, Writer> = {
  web: (r, t, s, kind) => {
    const path = r.pick(['/api/cart', '/api/checkout', '/api/products?page=2', '/static/app.js', '/api/orders']);
    const err = kind === 'caller';
    const status = err ? r.pick(['502', '504']) : '200';
    const rt = err ? 3.0 + r.next() * 0.01 : s.p50 * (0.5 + r.next());
    return `10.0.${r.int(0, 9)}.${r.int(2, 250)} - - [${nginxTs(t)}] "${path.startsWith('/api/c') ? 'POST' : 'GET'} ${path} HTTP/1.1" ${status} ${err ? 166 : r.int(300, 9000)} "-" "Mozilla/5.0 (X11; Linux x86_64)" rt=${rt.toFixed(3)}`;
  },
  'api-gateway': (r, t, s, kind, dep) => {
    if (kind === 'caller') {
      return JSON.stringify({
        ts: isoZ(t),
        level: 'error',
        msg: 'upstream request failed',
        upstream: dep,
        status: 504,
        error: 'upstream timed out (3000ms)',
        path: '/v1/checkout',
        trace_id: r.hex(32),
      });
    }
    if (kind === 'deploy')
      return JSON.stringify({ ts: isoZ(t), level: 'info', msg: 'config reloaded', source: 'configmap/api-gateway' });
    return JSON.stringify({
      ts: isoZ(t),
      level: 'info',
      msg: 'request completed',
      method: 'POST',
      path: r.pick(['/v1/checkout', '/v1/cart', '/v1/orders']),
      status: 200,
      duration_ms: ms(s.p50 * (0.5 + r.next())),
      trace_id: r.hex(32),
    });
  },
  checkout: (r, t, s, kind, dep) => {
    const ts = `ts=${isoZ(t)}`;
    if (kind === 'root')
      return `${ts} level=error msg="panic recovered" err="runtime error: invalid memory address or nil pointer dereference" handler=/v1/checkout/confirm cart_id=c_${r.hex(8)}`;
    if (kind === 'caller')
      return `${ts} level=error msg="${dep} call failed" err="context deadline exceeded" dep=${dep} elapsed_ms=3000 order_id=ord_${r.hex(10)}`;
    if (kind === 'deploy') return `${ts} level=info msg="starting checkout" version=${'2.3.1'} commit=${r.hex(7)}`;
    return `${ts} level=info msg="order placed" order_id=ord_${r.hex(10)} items=${r.int(1, 6)} total=${(r.next() * 200).toFixed(2)} duration_ms=${ms(s.p50 * (0.5 + r.next()))}`;
  },
  payments: (r, t, s, kind) => {
    const thread = `nio-8080-exec-${r.int(1, 40)}`;
    if (kind === 'root') {
      return [
        java(
          t,
          'ERROR',
          thread,
          'c.s.payments.api.PaymentController',
          `Payment authorization failed for order ord_${r.hex(10)}`,
        ),
        'org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection; nested exception is org.postgresql.util.PSQLException: ERROR: canceling statement due to statement timeout',
        '\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:277)',
        '\tat com.shop.payments.repo.LedgerRepository.findRecentByCustomer(LedgerRepository.java:88)',
        '\tat com.shop.payments.service.FraudCheck.score(FraudCheck.java:141)',
        '\tat com.shop.payments.api.PaymentController.authorize(PaymentController.java:63)',
        'Caused by: org.postgresql.util.PSQLException: ERROR: canceling statement due to statement timeout',
        '\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2676)',
        '\tat org.postgresql.jdbc.PgPreparedStatement.executeQuery(PgPreparedStatement.java:134)',
        '\t... 42 common frames omitted',
      ].join('\n');
    }
    if (kind === 'deploy')
      return java(
        t,
        'INFO',
        'main',
        'c.s.payments.PaymentsApplication',
        `Started PaymentsApplication in ${(8 + r.next() * 4).toFixed(3)} seconds (version 4.2.0)`,
      );
    if (r.next() < 0.1)
      return java(
        t,
        'INFO',
        'HikariPool-1 housekeeper',
        'com.zaxxer.hikari.pool.HikariPool',
        `HikariPool-1 - Pool stats (total=${Math.round(s.connections + 4)}, active=${Math.round(s.connections)}, idle=4, waiting=0)`,
      );
    return java(
      t,
      'INFO',
      thread,
      'c.s.payments.api.PaymentController',
      `Authorized payment pay_${r.hex(12)} amount=${(r.next() * 200).toFixed(2)} EUR in ${ms(s.p50 * (0.5 + r.next()))}ms`,
    );
  },
  inventory: (r, t, s, kind) => {
    const ts = spaceTs(t, ',');
    if (kind === 'root') {
      const sku = `SKU-${r.int(10000, 99999)}`;
      return [
        `${ts} ERROR inventory.api: stock lookup failed for sku ${sku}`,
        'Traceback (most recent call last):',
        '  File "/app/inventory/api.py", line 88, in get_stock',
        '    rows = session.execute(STOCK_QUERY, {"sku": sku}).fetchall()',
        '  File "/usr/local/lib/python3.11/site-packages/sqlalchemy/orm/session.py", line 2308, in execute',
        '    return self._execute_internal(statement, params)',
        '  File "/usr/local/lib/python3.11/site-packages/sqlalchemy/pool/impl.py", line 166, in _do_get',
        '    raise exc.TimeoutError(',
        'sqlalchemy.exc.TimeoutError: QueuePool limit of size 20 overflow 10 reached, connection timed out, timeout 30.00',
      ].join('\n');
    }
    if (kind === 'deploy') return `${ts} INFO inventory.main: starting inventory 5.0.2 (gunicorn, 8 workers)`;
    return `${ts} INFO inventory.api: stock lookup sku=SKU-${r.int(10000, 99999)} warehouse=${r.pick(['eu-1', 'eu-2', 'us-1'])} took ${ms(s.p50 * (0.5 + r.next()))}ms`;
  },
  notifications: (r, t, _s, kind) => {
    if (kind === 'deploy')
      return JSON.stringify({
        time: isoZ(t),
        severity: 'INFO',
        message: 'worker started',
        version: '1.8.3',
        concurrency: 4,
      });
    return JSON.stringify({
      time: isoZ(t),
      severity: 'INFO',
      message: 'email sent',
      template: r.pick(['order_confirmation', 'shipping_update']),
      recipient: `u_${r.hex(8)}`,
      provider_ms: r.int(40, 300),
    });
  },
  postgres: (r, t, _s, kind) => {
    const head = `${spaceTs(t)} UTC [${r.int(2000, 9000)}]`;
    if (kind === 'root') {
      if (r.next() < 0.3)
        return `${head} ERROR:  canceling statement due to statement timeout\n${head} STATEMENT:  SELECT l.* FROM ledger_entries l WHERE l.customer_id = $1 ORDER BY l.created_at DESC`;
      return `${head} LOG:  duration: ${(1500 + r.next() * 1500).toFixed(3)} ms  execute S_3: SELECT l.* FROM ledger_entries l WHERE l.customer_id = $1 ORDER BY l.created_at DESC`;
    }
    if (r.next() < 0.5)
      return `${head} LOG:  connection authorized: user=app database=shop application_name=${r.pick(['payments', 'inventory'])}`;
    if (r.next() < 0.5)
      return `${head} LOG:  automatic vacuum of table "shop.public.${r.pick(['orders', 'stock', 'ledger_entries'])}": index scans: 1`;
    return `${head} LOG:  checkpoint complete: wrote ${r.int(100, 4000)} buffers (${(r.next() * 3).toFixed(1)}%); 0 WAL file(s) added, 0 removed, ${r.int(1, 3)} recycled; write=${(r.next() * 30).toFixed(3)} s, sync=0.002 s, total=${(r.next() * 30).toFixed(3)} s; sync files=${r.int(10, 60)}, longest=0.001 s, average=0.001 s; distance=${r.int(1000, 90000)} kB, estimate=${r.int(1000, 90000)} kB; lsn=0/${r.hex(8).toUpperCase()}, redo lsn=0/${r.hex(8).toUpperCase()}`;
  },
  redis: (r, t) => {
    const head = `1:M ${redisTs(t)}`;
    return r.next() < 0.5
      ? `${head} * 100 changes in 300 seconds. Saving...`
      : `${head} * Background saving started by pid ${r.int(100, 9999)}`;
  },
};

const STEADY_INVENTORY = [
  (r: Rng, t: number): string =>
    `${spaceTs(t, ',')} WARNING inventory.cache: cache miss for sku SKU-${r.int(10000, 99999)}, loading from postgres`,
  (r: Rng, t: number): string =>
    [
      `${spaceTs(t, ',')} ERROR inventory.auth: failed to refresh token, retrying (attempt ${r.int(1, 3)} of 3)`,
      'Traceback (most recent call last):',
      '  File "/app/inventory/auth.py", line 41, in refresh',
      '    resp = self.session.post(TOKEN_URL, data=self.grant, timeout=2)',
      "requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='auth.internal', port=443): Max retries exceeded with url: /oauth/token",
    ].join('\n'),
];

/** The root service's error when an external dependency fails, in that service's own log format. */
function externalError(world: World, service: string, r: Rng, t: number): string {
  const host = externalHost(world.seed);
  const cert = world.fault === 'cert-expiry';
  if (service === 'payments') {
    const cause = cert
      ? `javax.net.ssl.SSLHandshakeException: PKIX path validation failed: java.security.cert.CertificateExpiredException: NotAfter: ${new Date(world.tl.onset - 30_000).toUTCString()}`
      : `java.net.SocketTimeoutException: Connect timed out (${host}:443)`;
    return [
      java(
        t,
        'ERROR',
        `nio-8080-exec-${r.int(1, 40)}`,
        'c.s.payments.client.ProviderClient',
        `POST https://${host}/v1/authorize failed for order ord_${r.hex(10)}`,
      ),
      `org.springframework.web.client.ResourceAccessException: I/O error on POST request for "https://${host}/v1/authorize": ${cause.split(': ').slice(1).join(': ')}`,
      '\tat org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:791)',
      `Caused by: ${cause}`,
    ].join('\n');
  }
  if (service === 'inventory') {
    const err = cert
      ? `requests.exceptions.SSLError: HTTPSConnectionPool(host='${host}', port=443): Max retries exceeded with url: /v2/quote (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired')))`
      : `requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='${host}', port=443): Max retries exceeded with url: /v2/quote (connect timeout=2)`;
    return [
      `${spaceTs(t, ',')} ERROR inventory.pricing: quote lookup failed for sku SKU-${r.int(10000, 99999)}`,
      'Traceback (most recent call last):',
      '  File "/app/inventory/pricing.py", line 52, in quote',
      '    resp = self.session.get(QUOTE_URL, timeout=2)',
      err,
    ].join('\n');
  }
  const err = cert ? 'x509: certificate has expired or is not yet valid' : 'dial tcp: i/o timeout';
  return `ts=${isoZ(t)} level=error msg="provider request failed" url=https://${host}/v1/score err="${err}" order_id=ord_${r.hex(10)}`;
}

/** Info lines per scrape interval (quiet services log less). */
const INFO_RATE: Record<string, number> = {
  web: 0.7,
  'api-gateway': 0.6,
  checkout: 0.7,
  payments: 0.6,
  inventory: 0.6,
  notifications: 0.25,
  postgres: 0.12,
  redis: 0.05,
};

/** The direct dependency of `service` on the path to the root cause (what its errors name). */
function nextHop(world: World, service: string): string {
  const calls = serviceDef(service).calls;
  if (calls.includes(world.rootCause)) return world.rootCause;
  return calls.find((c) => world.affectedCallers.includes(c)) ?? world.rootCause;
}

/** Renders every service's log file: name -> text. */
export function renderLogs(
  world: World,
  times: readonly number[],
  states: Map<string, ServiceState[]>,
  notificationsDeployAt: number,
): Map<string, string> {
  const out = new Map<string, string>();
  const touchesDb = world.fault === 'deploy' && serviceDef(world.rootCause).calls.includes('postgres');
  for (const [service, write] of Object.entries(WRITERS)) {
    const r = new Rng(hash32(`${world.seed}:${service}:logs`));
    const st = states.get(service) as ServiceState[];
    const lines: Line[] = [];
    const emit = (t: number, kind: Parameters<Writer>[3], s: ServiceState): void => {
      const external = kind === 'root' && world.fault !== 'deploy' && service === world.rootCause;
      lines.push({
        ts: t,
        text: external ? externalError(world, service, r, t) : write(r, t, s, kind, nextHop(world, service)),
      });
    };
    times.forEach((t0, i) => {
      const s = st[i] as ServiceState;
      const at = (): number => t0 + Math.floor(r.next() * world.tl.stepMs);
      for (let k = r.poisson(INFO_RATE[service] ?? 0.3); k > 0; k--) emit(at(), 'info', s);
      if (s.level > 0) {
        const isRoot = service === world.rootCause || (service === 'postgres' && touchesDb);
        if (isRoot)
          for (let k = r.poisson((service === 'postgres' ? 0.8 : 1.2) * s.level); k > 0; k--) emit(at(), 'root', s);
        if (world.affectedCallers.includes(service))
          for (let k = r.poisson(1.6 * s.level); k > 0; k--) emit(at(), 'caller', s);
      }
      if (service === 'inventory') {
        STEADY_INVENTORY.forEach((line, j) => {
          if (r.next() >= (j === 0 ? 0.3 : 0.15)) return;
          const t = at();
          lines.push({ ts: t, text: line(r, t) });
        });
      }
    });
    if (service === world.rootCause && world.fault === 'deploy')
      emit(world.tl.deployAt + 4000, 'deploy', st[0] as ServiceState);
    if (service === 'notifications') emit(notificationsDeployAt + 6000, 'deploy', st[0] as ServiceState);
    lines.sort((a, b) => a.ts - b.ts);
    out.set(service, lines.map((l) => l.text).join('\n') + '\n');
  }
  return out;
}

// A small real Loki stand-in (node:http) that answers with Loki's documented shapes:
// query_range streams (forward/backward, limit, start inclusive / end exclusive) for a stream
// selector followed by line filters (|= != |~ !~) and label filters (=, !=, =~, !~, joined by `or`)
// over stream labels (a missing label reads as ""), labels, label values; errors as plain-text
// bodies with status 400 like real Loki. With `tenants`, X-Scope-OrgID is required and picks the
// streams; with `token` or `basic`, Authorization is checked (401 otherwise), as a gateway would.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeStream {
  labels: Record<string, string>;
  /** [ns timestamp as decimal string, line] */
  entries: Array<[string, string]>;
}

export interface FakeLokiOptions {
  /** Streams per tenant: requests without a known X-Scope-OrgID get 401 `no org id`. */
  tenants?: Record<string, FakeStream[]>;
  token?: string;
  basic?: { username: string; password: string };
}

export interface FakeLoki {
  url: string;
  /** Every request's path and query, in order (tests assert paging). */
  requests: Array<{ path: string; params: URLSearchParams; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

type Matcher = (labels: Record<string, string>) => boolean;
type LineTest = (line: string) => boolean;

/** A Go RE2 pattern as a JS RegExp: a leading `(?i)` becomes the i flag. */
function re2(pattern: string, anchored: boolean): RegExp {
  const ci = pattern.startsWith('(?i)');
  const body = ci ? pattern.slice(4) : pattern;
  return new RegExp(anchored ? `^(?:${body})$` : body, ci ? 'i' : '');
}

const STRING = '"((?:[^"\\\\]|\\\\.)*)"';
const unquote = (raw: string): string => raw.replace(/\\(.)/g, '$1');

/** Parses `{selector} <pipeline>`; throws Loki-like text on anything this fake does not know. */
function parseQuery(q: string): { match: Matcher; lines: LineTest[]; labelTests: Matcher[] } {
  const close = q.indexOf('}');
  if (!q.trim().startsWith('{') || close < 0)
    throw new Error('parse error at line 1, col 1: syntax error: unexpected IDENTIFIER');
  const match = parseSelector(q.slice(0, close + 1));
  let rest = q.slice(close + 1).trim();
  const lines: LineTest[] = [];
  const labelTests: Matcher[] = [];
  const lineFilter = new RegExp(`^(\\|=|!=|\\|~|!~)\\s*${STRING}\\s*`);
  const labelCmp = new RegExp(`^(\\w+)\\s*(=~|!~|!=|=)\\s*${STRING}\\s*`);
  while (rest) {
    const lf = lineFilter.exec(rest);
    if (lf) {
      const [all, op, raw = ''] = lf;
      const v = unquote(raw);
      const r = op === '|~' || op === '!~' ? re2(v, false) : null;
      lines.push(
        op === '|='
          ? (l) => l.includes(v)
          : op === '!='
            ? (l) => !l.includes(v)
            : op === '|~'
              ? (l) => (r as RegExp).test(l)
              : (l) => !(r as RegExp).test(l),
      );
      rest = rest.slice(all.length);
      continue;
    }
    if (rest.startsWith('|')) {
      rest = rest.slice(1).trim();
      const alternatives: Matcher[] = [];
      for (;;) {
        const m = labelCmp.exec(rest);
        if (!m) throw new Error(`parse error : syntax error: unexpected ${rest.split(/\s/)[0] ?? ''}`);
        const [all, name = '', op, raw = ''] = m;
        const v = unquote(raw);
        const r = op === '=~' || op === '!~' ? re2(v, true) : null;
        alternatives.push((labels) => {
          const have = labels[name] ?? '';
          return op === '='
            ? have === v
            : op === '!='
              ? have !== v
              : op === '=~'
                ? (r as RegExp).test(have)
                : !(r as RegExp).test(have);
        });
        rest = rest.slice(all.length);
        if (!rest.startsWith('or ')) break;
        rest = rest.slice(3).trim();
      }
      labelTests.push((labels) => alternatives.some((a) => a(labels)));
      continue;
    }
    throw new Error(`parse error : syntax error: unexpected ${rest.split(/\s/)[0] ?? ''}`);
  }
  return { match, lines, labelTests };
}

/** Parses a LogQL stream selector like `{service=~"a|b", env="prod"}`; throws Loki-like text on anything else. */
function parseSelector(q: string): Matcher {
  const m = /^\{(.*)\}$/.exec(q.trim());
  if (!m) throw new Error(`parse error at line 1, col 1: syntax error: unexpected IDENTIFIER`);
  const parts = (m[1] ?? '')
    .split(/,(?=\s*\w+\s*(?:=~|!=|!~|=)\s*")/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0)
    throw new Error(
      'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value',
    );
  const tests = parts.map((p) => {
    const pm = /^(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"$/.exec(p);
    if (!pm) throw new Error(`parse error at line 1, col 2: syntax error: unexpected ${p}`);
    const [, name = '', op, rawVal = ''] = pm;
    const val = rawVal.replace(/\\(.)/g, '$1');
    const re = new RegExp(`^(?:${val})$`);
    return (labels: Record<string, string>): boolean => {
      const v = labels[name] ?? '';
      if (op === '=') return v === val;
      if (op === '!=') return v !== val;
      if (op === '=~') return re.test(v);
      return !re.test(v);
    };
  });
  return (labels) => tests.every((t) => t(labels));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
  });
  res.end(text);
}

function queryRange(streams: FakeStream[], p: URLSearchParams): unknown {
  const { match, lines, labelTests } = parseQuery(p.get('query') ?? '');
  const start = BigInt(p.get('start') ?? '0');
  const end = BigInt(p.get('end') ?? String(BigInt(Date.now()) * 1_000_000n));
  const limit = Number(p.get('limit') ?? '100');
  const forward = p.get('direction') === 'forward';
  const picked: Array<{ s: FakeStream; e: [string, string] }> = [];
  for (const s of streams) {
    if (!match(s.labels) || !labelTests.every((t) => t(s.labels))) continue;
    for (const e of s.entries) {
      const ns = BigInt(e[0]);
      if (ns >= start && ns < end && lines.every((t) => t(e[1]))) picked.push({ s, e });
    }
  }
  picked.sort((a, b) => {
    const d = BigInt(a.e[0]) - BigInt(b.e[0]);
    return (d < 0n ? -1 : d > 0n ? 1 : 0) * (forward ? 1 : -1);
  });
  const byStream = new Map<FakeStream, Array<[string, string]>>();
  for (const { s, e } of picked.slice(0, limit)) byStream.set(s, [...(byStream.get(s) ?? []), e]);
  return {
    status: 'success',
    data: {
      resultType: 'streams',
      result: [...byStream.entries()].map(([s, values]) => ({ stream: s.labels, values })),
      stats: { summary: { totalEntriesReturned: Math.min(limit, picked.length) } },
    },
  };
}

/** Starts the fake on 127.0.0.1, random port. */
export async function startFakeLoki(given: FakeStream[], opts: FakeLokiOptions = {}): Promise<FakeLoki> {
  const requests: FakeLoki['requests'] = [];
  const expectedAuth = opts.token
    ? `Bearer ${opts.token}`
    : opts.basic
      ? `Basic ${Buffer.from(`${opts.basic.username}:${opts.basic.password}`).toString('base64')}`
      : null;
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://loki');
    requests.push({ path: u.pathname, params: u.searchParams, headers: req.headers });
    if (expectedAuth && req.headers.authorization !== expectedAuth) return send(res, 401, 'Unauthorized\n');
    let streams = given;
    if (opts.tenants) {
      const org = req.headers['x-scope-orgid'];
      const tenant = typeof org === 'string' ? opts.tenants[org] : undefined;
      if (!tenant) return send(res, 401, 'no org id\n');
      streams = tenant;
    }
    try {
      if (u.pathname === '/loki/api/v1/query_range') return send(res, 200, queryRange(streams, u.searchParams));
      if (u.pathname === '/loki/api/v1/labels') {
        const names = new Set(streams.flatMap((s) => Object.keys(s.labels)));
        return send(res, 200, { status: 'success', data: [...names].sort() });
      }
      const lv = /^\/loki\/api\/v1\/label\/([^/]+)\/values$/.exec(u.pathname);
      if (lv) {
        const values = new Set(
          streams.map((s) => s.labels[decodeURIComponent(lv[1] ?? '')]).filter((v): v is string => !!v),
        );
        return send(res, 200, { status: 'success', data: [...values].sort() });
      }
      return send(res, 404, '404 page not found\n');
    } catch (err) {
      return send(res, 400, `${(err as Error).message}\n`);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

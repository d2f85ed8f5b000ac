// Loki over its HTTP API: /loki/api/v1/query_range with a stream selector on the service label
// (configured, else the first conventional one Loki knows: Loki 3 derives `service_name`), forward
// direction, paged when a response fills the limit, each request with a timeout. Error-ish lines are
// read in their own queries (a line filter, then the `detected_level`/`level` labels) so a cap on the
// ordinary lines never crowds them out; the passes are disjoint and merged by time. Each Loki entry
// is one event; its level and body come from the same line parser the files source uses.

import { z } from 'zod';
import { normalizeLevel, parseLine } from '../logparse';
import { MAX_LINE_CHARS } from '../logparse/reader';
import type {
  Change,
  EvidenceSource,
  IncidentMeta,
  LinkTarget,
  LogEvent,
  MetricSeries,
  ParseProblem,
  SourceCapabilities,
  TimeQuery,
  Topology,
} from '../types';
import { LokiQueryError } from './errors';
import type { BasicAuth } from '../../config';
import {
  authHeaders,
  getJson,
  regexAlternation,
  safeUrl,
  SERVICE_LABELS,
  transportProblem,
  type FetchFn,
} from './http';
import { evidenceLink, labelEquals, type LinkSettings } from './links';
import type { SourceDefinition } from './registry';
import { mergeByTime } from './merge';
import { ProblemLog } from './problems';

export interface LokiSourceOptions {
  url: string;
  fetch: FetchFn;
  /** Stream label that names the service; unset = the first of SERVICE_LABELS that Loki has. */
  serviceLabel?: string;
  /** Entries per request (Loki's default max is 5000). */
  limit?: number;
  /** Tenant for multi-tenant Loki (`X-Scope-OrgID`). */
  tenant?: string;
  /** Bearer token sent as `Authorization` (LOKI_TOKEN). */
  token?: string;
  /** Basic auth (LOKI_USERNAME / LOKI_PASSWORD; Grafana Cloud's user id and token). */
  basic?: BasicAuth;
  /** Per request (default 15 s). */
  timeoutMs?: number;
  links?: LinkSettings;
  /** Entries read per query at most (default 2,000,000); the rest is skipped and reported. */
  maxEntries?: number;
  /** Entries read at most of the lines that do not read as errors (default 500,000). */
  maxOtherEntries?: number;
}

const TRUNCATED = `line longer than ${MAX_LINE_CHARS / 1024} KiB, truncated`;

const Streams = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('streams'),
    result: z.array(
      z.object({ stream: z.record(z.string(), z.string()), values: z.array(z.array(z.unknown()).min(2)) }),
    ),
  }),
});
const Names = z.object({ status: z.literal('success'), data: z.array(z.string()).default([]) });

const NS_PER_MS = 1_000_000n;

/** Lines that read as errors whatever their format (a LogQL line filter, RE2 syntax). */
export const ERRORISH_LINE = '(?i)error|fail|exception|panic|fatal|timeout';
/** Level label values that read as errors or warnings. */
const ERRORISH_LEVEL = '(?i)(err|error|fatal|crit|critical|panic|emerg|alert|warn|warning)';

interface Pass {
  /** Pipeline after the stream selector. */
  pipeline: string;
  cap: number;
  what: string;
}

const capMessage = (p: Pass): string => `more than ${p.cap} ${p.what} in one query, the rest not read`;

interface Entry {
  ns: bigint;
  line: string;
  stream: Record<string, string>;
  streamKey: string;
}

function entryId(e: Entry): string {
  return `${e.streamKey}\u0000${e.ns}\u0000${e.line}`;
}

/** Logs from a Loki server; metrics, changes and topology are not its business. */
export class LokiSource implements EvidenceSource {
  readonly name = 'loki';
  private readonly url: string;
  private readonly fetchFn: FetchFn;
  private readonly limit: number;
  private label: Promise<string> | null = null;
  private knownLabel: string | undefined;
  private readonly headers: Record<string, string> | undefined;
  private readonly maxEntries: number;
  private readonly maxOtherEntries: number;
  private readonly problemLog = new ProblemLog();
  private readonly timeoutMs: number;
  private readonly links: LinkSettings;

  constructor(opts: LokiSourceOptions) {
    this.url = opts.url;
    this.fetchFn = opts.fetch;
    if (opts.serviceLabel) {
      this.knownLabel = opts.serviceLabel;
      this.label = Promise.resolve(opts.serviceLabel);
    }
    this.limit = opts.limit ?? 5000;
    const headers = { ...(opts.tenant ? { 'X-Scope-OrgID': opts.tenant } : {}), ...authHeaders(opts) };
    this.headers = Object.keys(headers).length > 0 ? headers : undefined;
    this.maxEntries = opts.maxEntries ?? 2_000_000;
    this.maxOtherEntries = opts.maxOtherEntries ?? 500_000;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.links = opts.links ?? {};
  }

  private async api(path: string, params: Array<[string, string]>, what: string): Promise<unknown> {
    let res;
    try {
      res = await getJson(this.fetchFn, this.url, path, params, this.headers, this.timeoutMs);
    } catch (err) {
      throw new LokiQueryError(0, `${safeUrl(this.url)}: ${transportProblem(err, this.timeoutMs)}`, what, {
        cause: err,
      });
    }
    // Loki answers errors as plain text bodies with a 4xx/5xx status.
    if (!res.ok) throw new LokiQueryError(res.status, res.text.trim().slice(0, 300) || 'empty response', what);
    return res.json;
  }

  private async names(path: string, what: string): Promise<string[]> {
    const list = Names.safeParse(await this.api(path, [], what));
    if (!list.success) throw new LokiQueryError(200, `unexpected response shape for ${what}`, what);
    return list.data.data;
  }

  /** The service label: configured, else the first conventional one among Loki's labels (`service` when none). */
  private serviceLabel(): Promise<string> {
    this.label ??= this.names('/loki/api/v1/labels', 'labels').then(
      (labels) => (this.knownLabel = SERVICE_LABELS.find((l) => labels.includes(l)) ?? 'service'),
      (err: unknown) => {
        this.label = null; // a failed probe is retried on the next call
        throw err;
      },
    );
    return this.label;
  }

  async capabilities(): Promise<SourceCapabilities> {
    const label = await this.serviceLabel();
    const labels = await this.names('/loki/api/v1/labels', 'labels');
    const services = await this.names(`/loki/api/v1/label/${encodeURIComponent(label)}/values`, 'service values');
    return { signals: ['logs'], services: [...services].sort(), labels: [...labels].sort() };
  }

  async clock(): Promise<number | null> {
    return null;
  }

  async incident(): Promise<IncidentMeta | null> {
    return null;
  }

  /** Log events in [from, to], oldest first: error-ish lines and the rest in disjoint queries, merged by time. */
  async *logs(q: TimeQuery): AsyncGenerator<LogEvent> {
    if (q.services && q.services.length === 0) return;
    const label = await this.serviceLabel();
    const sel = q.services ? `{${label}=~"${regexAlternation(q.services)}"}` : `{${label}=~".+"}`;
    const line = `"${ERRORISH_LINE}"`;
    const level = `"${ERRORISH_LEVEL}"`;
    const passes: Pass[] = [
      { pipeline: ` |~ ${line}`, cap: this.maxEntries, what: 'error lines' },
      {
        pipeline: ` !~ ${line} | detected_level=~${level} or level=~${level}`,
        cap: this.maxEntries,
        what: 'error-level lines',
      },
      {
        pipeline: ` !~ ${line} | detected_level!~${level} | level!~${level}`,
        cap: this.maxOtherEntries,
        what: 'other lines',
      },
    ];
    // Caps and truncations are counted per call and set (not added) in problems: tools re-read the same window.
    const truncated = { count: 0 };
    this.problemLog.set('loki', TRUNCATED, 0);
    for (const p of passes) this.problemLog.set('loki', capMessage(p), 0);
    yield* mergeByTime(passes.map((p) => this.read(`${sel}${p.pipeline}`, q, p, label, truncated)));
  }

  /** One query's entries in [from, to], oldest first, across all pages, up to the pass's cap. */
  private async *read(
    query: string,
    q: TimeQuery,
    pass: Pass,
    label: string,
    truncated: { count: number },
  ): AsyncGenerator<LogEvent> {
    const capped = capMessage(pass);
    let start = BigInt(q.from) * NS_PER_MS;
    const end = (BigInt(q.to) + 1n) * NS_PER_MS; // Loki's end is exclusive
    // Entries at the page boundary timestamp, already yielded (the next page starts there again).
    let seenAtStart = new Set<string>();
    let read = 0;
    for (;;) {
      const raw = await this.api(
        '/loki/api/v1/query_range',
        [
          ['query', query],
          ['start', start.toString()],
          ['end', end.toString()],
          ['limit', String(this.limit)],
          ['direction', 'forward'],
        ],
        query,
      );
      const parsed = Streams.safeParse(raw);
      if (!parsed.success)
        throw new LokiQueryError(200, `unexpected response shape: ${parsed.error.issues[0]?.message ?? ''}`, query);
      const entries: Entry[] = [];
      for (const s of parsed.data.data.result) {
        const streamKey = JSON.stringify(Object.entries(s.stream).sort());
        for (const v of s.values) {
          const [ns, line] = v;
          if (typeof ns !== 'string' || typeof line !== 'string' || !/^\d+$/.test(ns)) continue;
          const long = line.length > MAX_LINE_CHARS;
          if (long) this.problemLog.set('loki', TRUNCATED, ++truncated.count);
          entries.push({
            ns: BigInt(ns),
            line: long ? line.slice(0, MAX_LINE_CHARS) : line,
            stream: s.stream,
            streamKey,
          });
        }
      }
      entries.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
      const last = entries[entries.length - 1];
      let fresh = 0;
      for (const e of entries) {
        if (e.ns === start && seenAtStart.has(entryId(e))) continue;
        if (++read > pass.cap) {
          this.problemLog.set('loki', capped, 1);
          return;
        }
        fresh++;
        yield this.toEvent(e, label);
      }
      if (entries.length < this.limit || !last) return;
      if (last.ns !== start) {
        start = last.ns;
        seenAtStart = new Set();
      } else if (fresh === 0) {
        // More than a page of entries at one nanosecond: Loki cannot page inside it; move on.
        start = last.ns + 1n;
        seenAtStart = new Set();
        continue;
      }
      // The next page starts again at `start`; remember what was already yielded there.
      for (const e of entries) if (e.ns === start) seenAtStart.add(entryId(e));
    }
  }

  private toEvent(e: Entry, label: string): LogEvent {
    const ts = Number(e.ns / NS_PER_MS);
    const nl = e.line.indexOf('\n');
    const parsed = parseLine(nl < 0 ? e.line : e.line.slice(0, nl), ts);
    const ev: LogEvent = {
      ts,
      service: e.stream[label] ?? 'unknown',
      origin: `loki:${e.streamKey}`,
      line: 0,
      text: e.line,
      body: parsed.body,
    };
    const tagged = e.stream['level'] ?? e.stream['detected_level'];
    const level = parsed.level ?? (tagged ? (normalizeLevel(tagged, true) ?? tagged) : undefined);
    if (level) ev.level = level;
    return ev;
  }

  /** The Grafana Explore link (or logcli command) of a service's lines, in this server's stream label. */
  link(target: LinkTarget): string | undefined {
    if (target.signal !== 'logs') return undefined;
    return evidenceLink(
      { ...this.links, lokiUrl: this.links.lokiUrl ?? this.url },
      target,
      labelEquals(this.knownLabel ?? 'service'),
    );
  }

  async metrics(_q: TimeQuery & { stepSeconds?: number }): Promise<MetricSeries[]> {
    return [];
  }

  async changes(_q: TimeQuery): Promise<Change[]> {
    return [];
  }

  async topology(): Promise<Topology | null> {
    return null;
  }

  problems(): ParseProblem[] {
    return this.problemLog.list();
  }
}

/** Loki (LOKI_URL): logs, taking them over from the files. */
export const lokiDefinition: SourceDefinition = {
  kind: 'loki',
  title: 'Loki',
  signals: ['logs'],
  takesOver: ['logs'],
  settings: [
    'LOKI_URL',
    'LOKI_TOKEN',
    'LOKI_USERNAME',
    'LOKI_PASSWORD',
    'LOKI_TENANT',
    'LOKI_SERVICE_LABEL',
    'SOURCE_TIMEOUT_MS',
  ],
  configure({ evidence: e }, { fetch, links }) {
    const url = e.lokiUrl;
    if (!url) return null;
    return {
      description: `Loki (${safeUrl(url)}${e.lokiTenant ? `, tenant ${e.lokiTenant}` : ''})`,
      open: () =>
        new LokiSource({
          url,
          fetch,
          links,
          timeoutMs: e.timeoutMs,
          ...(e.lokiToken ? { token: e.lokiToken } : {}),
          ...(e.lokiBasic ? { basic: e.lokiBasic } : {}),
          ...(e.lokiTenant ? { tenant: e.lokiTenant } : {}),
          ...(e.lokiServiceLabel ? { serviceLabel: e.lokiServiceLabel } : {}),
        }),
    };
  },
};

// Loki over its HTTP API: /loki/api/v1/query_range with a stream selector on the service label,
// forward direction, paged when a response fills the limit. Each Loki entry is one event; its
// level and body come from the same line parser the files source uses.

import { z } from 'zod';
import { normalizeLevel, parseLine } from '../logparse';
import { MAX_LINE_CHARS } from '../logparse/reader';
import type {
  Change, EvidenceSource, IncidentMeta, LogEvent, MetricSeries, ParseProblem, SourceCapabilities, TimeQuery, Topology,
} from '../types';
import { LokiQueryError } from './errors';
import { getJson, regexAlternation, type FetchFn } from './http';
import { ProblemLog } from './problems';

export interface LokiSourceOptions {
  url: string;
  fetch: FetchFn;
  /** Stream label that names the service (default `service`). */
  serviceLabel?: string;
  /** Entries per request (Loki's default max is 5000). */
  limit?: number;
  /** Tenant for multi-tenant Loki (`X-Scope-OrgID`). */
  tenant?: string;
  /** Entries read per query at most (default 2,000,000); the rest is skipped and reported. */
  maxEntries?: number;
}

const TRUNCATED = `line longer than ${MAX_LINE_CHARS / 1024} KiB, truncated`;

const Streams = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('streams'),
    result: z.array(z.object({ stream: z.record(z.string(), z.string()), values: z.array(z.array(z.unknown()).min(2)) })),
  }),
});
const Names = z.object({ status: z.literal('success'), data: z.array(z.string()).default([]) });

const NS_PER_MS = 1_000_000n;

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
  private readonly serviceLabel: string;
  private readonly limit: number;
  private readonly headers: Record<string, string> | undefined;
  private readonly maxEntries: number;
  private readonly problemLog = new ProblemLog();

  constructor(opts: LokiSourceOptions) {
    this.url = opts.url;
    this.fetchFn = opts.fetch;
    this.serviceLabel = opts.serviceLabel ?? 'service';
    this.limit = opts.limit ?? 5000;
    this.headers = opts.tenant ? { 'X-Scope-OrgID': opts.tenant } : undefined;
    this.maxEntries = opts.maxEntries ?? 2_000_000;
  }

  private async api(path: string, params: Array<[string, string]>, what: string): Promise<unknown> {
    let res;
    try {
      res = await getJson(this.fetchFn, this.url, path, params, this.headers);
    } catch (err) {
      throw new LokiQueryError(0, `${this.url}: ${(err as Error).message}`, what, { cause: err });
    }
    // Loki answers errors as plain text bodies with a 4xx/5xx status.
    if (!res.ok) throw new LokiQueryError(res.status, res.text.trim().slice(0, 300) || 'empty response', what);
    return res.json;
  }

  async capabilities(): Promise<SourceCapabilities> {
    const labels = Names.safeParse(await this.api('/loki/api/v1/labels', [], 'labels'));
    const services = Names.safeParse(await this.api(`/loki/api/v1/label/${this.serviceLabel}/values`, [], 'service values'));
    if (!labels.success || !services.success) throw new LokiQueryError(200, 'unexpected response shape for labels', 'labels');
    return { signals: ['logs'], services: [...services.data.data].sort(), labels: [...labels.data.data].sort() };
  }

  async clock(): Promise<number | null> {
    return null;
  }

  async incident(): Promise<IncidentMeta | null> {
    return null;
  }

  /** Log events in [from, to], oldest first, across all pages. */
  async *logs(q: TimeQuery): AsyncGenerator<LogEvent> {
    if (q.services && q.services.length === 0) return;
    const query = q.services ? `{${this.serviceLabel}=~"${regexAlternation(q.services)}"}` : `{${this.serviceLabel}=~".+"}`;
    let start = BigInt(q.from) * NS_PER_MS;
    const end = (BigInt(q.to) + 1n) * NS_PER_MS; // Loki's end is exclusive
    // Entries at the page boundary timestamp, already yielded (the next page starts there again).
    let seenAtStart = new Set<string>();
    // Caps, counted per query and set (not added) in problems: the same window is read by several tools.
    let truncated = 0;
    let read = 0;
    this.problemLog.set('loki', TRUNCATED, 0);
    this.problemLog.set('loki', `more than ${this.maxEntries} entries in one query, the rest not read`, 0);
    for (;;) {
      const raw = await this.api(
        '/loki/api/v1/query_range',
        [['query', query], ['start', start.toString()], ['end', end.toString()], ['limit', String(this.limit)], ['direction', 'forward']],
        query,
      );
      const parsed = Streams.safeParse(raw);
      if (!parsed.success) throw new LokiQueryError(200, `unexpected response shape: ${parsed.error.issues[0]?.message ?? ''}`, query);
      const entries: Entry[] = [];
      for (const s of parsed.data.data.result) {
        const streamKey = JSON.stringify(Object.entries(s.stream).sort());
        for (const v of s.values) {
          const [ns, line] = v;
          if (typeof ns !== 'string' || typeof line !== 'string' || !/^\d+$/.test(ns)) continue;
          const long = line.length > MAX_LINE_CHARS;
          if (long) this.problemLog.set('loki', TRUNCATED, ++truncated);
          entries.push({ ns: BigInt(ns), line: long ? line.slice(0, MAX_LINE_CHARS) : line, stream: s.stream, streamKey });
        }
      }
      entries.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
      const last = entries[entries.length - 1];
      let fresh = 0;
      for (const e of entries) {
        if (e.ns === start && seenAtStart.has(entryId(e))) continue;
        if (++read > this.maxEntries) {
          this.problemLog.set('loki', `more than ${this.maxEntries} entries in one query, the rest not read`, 1);
          return;
        }
        fresh++;
        yield this.toEvent(e);
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

  private toEvent(e: Entry): LogEvent {
    const ts = Number(e.ns / NS_PER_MS);
    const nl = e.line.indexOf('\n');
    const parsed = parseLine(nl < 0 ? e.line : e.line.slice(0, nl), ts);
    const ev: LogEvent = {
      ts,
      service: e.stream[this.serviceLabel] ?? 'unknown',
      origin: `loki:${e.streamKey}`,
      line: 0,
      text: e.line,
      body: parsed.body,
    };
    const label = e.stream['level'] ?? e.stream['detected_level'];
    const level = parsed.level ?? (label ? (normalizeLevel(label, true) ?? label) : undefined);
    if (level) ev.level = level;
    return ev;
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

// The small scenario files: incident.yaml, changes.jsonl, topology.yaml — validated with zod;
// a malformed file or line is a counted problem, a missing file is simply absent.

import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatIssues } from '../../../config/format';
import { fsReason } from '../../../domain/errors';
import { parseTimeValue } from '../../logparse';
import type { Change, IncidentMeta, Topology } from '../../types';
import type { ProblemLog } from '../problems';

/** A file's text without a byte-order mark; null when absent, or unreadable (reported). */
async function readOptional(file: string, origin: string, problems: ProblemLog): Promise<string | null> {
  try {
    return (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') problems.add(origin, `not read: ${fsReason(err)}`);
    return null;
  }
}

const IncidentSchema = z.object({
  title: z.string().optional(),
  channel: z.string().optional(),
  started_at: z.union([z.string(), z.number(), z.date()]).optional(),
  description: z.string().optional(),
});

/**
 * started_at as epoch ms, or why it cannot be the incident's clock. A date without a time of day says
 * which day, not when: the clock then comes from the data, as when started_at is absent.
 */
function startedAt(v: string | number | Date): number | string {
  const ms = v instanceof Date ? v.getTime() : parseTimeValue(v);
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\d$/.test(v.trim()))
    return `started_at ${v} is a date without a time of day: the incident clock is the last time in the data`;
  if (ms === null || Number.isNaN(ms))
    return `started_at ${JSON.stringify(v)} is not a time (expected ISO 8601 such as 2026-11-27T03:14:00Z, or epoch seconds): the incident clock is the last time in the data`;
  return ms;
}

/** An ISO time without a zone (`2026-11-27 03:14:00`) is read as UTC, like log times without one. */
const ZONELESS = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?$/;

/** The schema's complaints in plain words (`services: missing (expected a list)`), as config errors say them. */
function issues(err: z.ZodError): string {
  return formatIssues('', err)
    .map((line) => line.trim().replace(/^:\s*/, '(whole file): '))
    .join('; ');
}

/** Reads an optional YAML file with a schema; null when absent or invalid (invalid is reported as `what`). */
async function readYaml<S extends z.ZodType>(
  file: string,
  origin: string,
  problems: ProblemLog,
  schema: S,
  what: string,
): Promise<z.output<S> | null> {
  const text = await readOptional(file, origin, problems);
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    problems.add(origin, `invalid YAML: ${(err as Error).message.split('\n')[0]}`);
    return null;
  }
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    problems.add(origin, `invalid ${what}: ${issues(parsed.error)}`);
    return null;
  }
  return parsed.data;
}

/** Reads incident.yaml; null when absent or invalid (invalid is reported). */
export async function readIncident(file: string, origin: string, problems: ProblemLog): Promise<IncidentMeta | null> {
  const d = await readYaml(file, origin, problems, IncidentSchema, 'incident');
  if (d === null) return null;
  const meta: IncidentMeta = {};
  if (d.title !== undefined) meta.title = d.title;
  if (d.channel !== undefined) meta.channel = d.channel;
  if (d.started_at !== undefined) {
    const at = startedAt(d.started_at);
    if (typeof at === 'string') problems.add(origin, at);
    else meta.startedAt = at;
    if (typeof d.started_at === 'string' && ZONELESS.test(d.started_at.trim()))
      problems.add(origin, `started_at ${d.started_at} has no time zone: read as UTC`);
  }
  if (d.description !== undefined) meta.description = d.description;
  return meta;
}

const ChangeSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  time: z.union([z.string(), z.number()]),
  service: z.string().min(1),
  kind: z.string().min(1),
  summary: z.string(),
  author: z.string().optional(),
  version: z.string().optional(),
});

/** Reads changes.jsonl, sorted by time; malformed lines are reported and skipped. */
export async function readChanges(file: string, origin: string, problems: ProblemLog): Promise<Change[]> {
  const text = await readOptional(file, origin, problems);
  if (text === null) return [];
  const out: Change[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      problems.add(origin, 'line is not JSON', i + 1);
      return;
    }
    const parsed = ChangeSchema.safeParse(raw);
    const time = parsed.success ? parseTimeValue(parsed.data.time) : null;
    if (!parsed.success || time === null) {
      problems.add(
        origin,
        parsed.success ? 'invalid change: time is not a time' : `invalid change: ${issues(parsed.error)}`,
        i + 1,
      );
      return;
    }
    const { author, version, ...rest } = parsed.data;
    const change: Change = { ...rest, time };
    if (author !== undefined) change.author = author;
    if (version !== undefined) change.version = version;
    out.push(change);
  });
  return out.sort((a, b) => a.time - b.time);
}

const TopologySchema = z.object({
  services: z.array(
    z.object({
      name: z.string().min(1),
      kind: z.string().default('service'),
      calls: z.array(z.string()).default([]),
    }),
  ),
});

/** Reads topology.yaml; null when absent or invalid (invalid is reported). */
export async function readTopology(file: string, origin: string, problems: ProblemLog): Promise<Topology | null> {
  const d = await readYaml(file, origin, problems, TopologySchema, 'topology');
  if (d === null) return null;
  return { services: d.services.map((s) => ({ name: s.name, kind: s.kind, calls: s.calls })) };
}

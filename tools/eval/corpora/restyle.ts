// Metamorphic check: rewrites a directory of converted scenarios into the same incidents told in another
// exporter's style, with the same truth (renamed where the style renames services). A ranker that reads
// signals by meaning scores the same on both; a drop names a convention it does not understand yet.
//
//   npm run build:tools && node dist-tools/tools/eval/corpora/restyle.js <style> <scenario set dir> <out dir>
//
// Styles (one output set per style; every transform keeps the information of the original series):
// - names:    every service renamed to an opaque `svc-xxxx`, consistently in every file (and truth.json).
// - cadvisor: CPU and memory as cAdvisor exports them: `container_cpu_usage_seconds_total` (a cumulative
//             counter), `container_memory_working_set_bytes`, limits as `container_spec_*`, per-second
//             gauges as `_total` counters, labels `namespace`, `pod` (`<svc>-<hash>-<rand>`), `container`.
// - otel:     latency quantile gauges as OTel-named Prometheus histograms (`http_server_request_duration_
//             seconds_bucket{le}`, `_sum`, `_count`, service in `job`), caller -> callee latency as Istio's
//             `istio_request_duration_milliseconds` (labelled by workload), success/availability as
//             `http_requests_total{code}` counters, per-second and per-period gauges as counters.
// - notopo:   topology.yaml removed.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { cadvisorStyle, parseProm, serviceNames, writeProm, type Series } from './restyle-metrics';
import { otelStyle } from './restyle-otel';

export const STYLES = ['names', 'cadvisor', 'otel', 'notopo'] as const;
export type Style = (typeof STYLES)[number];

/** An opaque but plausible name for a service, stable for a given name (collisions get the next hash). */
export function opaqueNames(names: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const n of [...new Set(names)].sort()) {
    for (let salt = 0; ; salt++) {
      const alias = `svc-${createHash('sha256').update(`${salt}:${n}`).digest('hex').slice(0, 4)}`;
      if (!used.has(alias)) {
        used.add(alias);
        out.set(n, alias);
        break;
      }
    }
  }
  return out;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces every whole-name occurrence of a service (longest names first, so `carts-db` is not `carts` +
 * `-db`); a name inside a longer identifier (`frontend2`, `my_frontend`) is left alone, a pod name
 * (`frontend-579b9bff58-t2dbm`) is renamed with its service.
 */
export function renamer(map: ReadonlyMap<string, string>): (text: string) => string {
  const names = [...map.keys()].filter(Boolean).sort((a, b) => b.length - a.length);
  if (!names.length) return (t) => t;
  const re = new RegExp(`(?<![\\w.\\-/])(?:${names.map(escapeRe).join('|')})(?![\\w])`, 'g');
  return (text) => text.replace(re, (m) => map.get(m) ?? m);
}

function readText(file: string): string | null {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
}

/** Services a scenario names: topology, metric `service` labels, log file names, the truth's root cause. */
function scenarioServices(dir: string, series: readonly Series[]): Set<string> {
  const out = new Set<string>(serviceNames(series));
  const topo = readText(path.join(dir, 'topology.yaml'));
  if (topo) {
    const doc = parseYaml(topo) as { services?: Array<{ name?: unknown; calls?: unknown }> } | null;
    for (const s of doc?.services ?? []) {
      if (typeof s.name === 'string') out.add(s.name);
      if (Array.isArray(s.calls)) for (const c of s.calls) if (typeof c === 'string') out.add(c);
    }
  }
  const logs = path.join(dir, 'logs');
  if (fs.existsSync(logs)) for (const f of fs.readdirSync(logs)) out.add(f.replace(/\.(log|jsonl|txt)(\.gz)?$/, ''));
  const truth = readText(path.join(dir, 'truth.json'));
  const root = truth ? (JSON.parse(truth) as { root_cause_service?: unknown }).root_cause_service : undefined;
  if (typeof root === 'string') out.add(root);
  return out;
}

/** Hard link when possible (same file system), else copy: unchanged files cost no space. */
function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out;
}

function loadMetrics(dir: string): Map<string, Series[]> {
  const out = new Map<string, Series[]>();
  const mdir = path.join(dir, 'metrics');
  if (!fs.existsSync(mdir)) return out;
  for (const f of fs.readdirSync(mdir).filter((x) => x.endsWith('.prom')))
    out.set(`metrics/${f}`, parseProm(fs.readFileSync(path.join(mdir, f), 'utf8')));
  return out;
}

/** Rewrites one scenario directory `src` into `dst` in `style`. */
export function restyleScenario(style: Style, src: string, dst: string): void {
  const metrics = style === 'names' || style === 'notopo' ? new Map<string, Series[]>() : loadMetrics(src);
  const rename =
    style === 'names' ? renamer(opaqueNames(scenarioServices(src, [...loadMetrics(src).values()].flat()))) : null;
  for (const rel of walk(src)) {
    if (style === 'notopo' && rel === 'topology.yaml') continue;
    const from = path.join(src, rel);
    const to = path.join(dst, rename ? rel.split(path.sep).map(rename).join(path.sep) : rel);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    const series = metrics.get(rel);
    if (series) fs.writeFileSync(to, writeProm(style === 'cadvisor' ? cadvisorStyle(series) : otelStyle(series)));
    else if (rename) fs.writeFileSync(to, rename(fs.readFileSync(from, 'utf8')));
    else linkOrCopy(from, to);
  }
}

function main(): void {
  const [style, inDir, outDir] = process.argv.slice(2);
  if (!style || !inDir || !outDir || !(STYLES as readonly string[]).includes(style)) {
    process.stderr.write(`usage: restyle.js <${STYLES.join('|')}> <scenario set dir> <out dir>\n`);
    process.exit(2);
  }
  const dirs = fs
    .readdirSync(inDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(inDir, e.name, 'incident.yaml')))
    .map((e) => e.name);
  if (!dirs.length) throw new Error(`no scenario directories (with incident.yaml) in ${inDir}`);
  for (const d of dirs) restyleScenario(style as Style, path.join(inDir, d), path.join(outDir, d));
  fs.writeFileSync(
    path.join(outDir, 'README.md'),
    `# ${path.basename(inDir)} in the ${style} style\n\nBuilt with tools/eval/corpora/restyle.ts from ${inDir} (${dirs.length} scenarios).\n`,
  );
  console.log(`${style}: ${dirs.length} scenarios -> ${outDir}`);
}

if (require.main === module) main();

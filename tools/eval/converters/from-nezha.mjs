#!/usr/bin/env node
// Converts Nezha's fault-suffering data into scenario directories (see /work/shared/eval/README.md for the format).
//
//   node tools/eval/converters/from-nezha.mjs --src <snapshot of github:IntelligentDDS/Nezha> --out DIR
//        [--history-min 60] [--system ob|tt] [--limit N] [--quiet]
//
// Source: Yu et al., "Nezha: Interpretable Fine-Grained Root Causes Analysis for Microservices on Multi-Modal
// Observability Data", FSE'23. rca_data/<day>/ holds, for OnlineBoutique (2022-08-22/23) and TrainTicket
// (2023-01-29/30): <day>-fault_list.json (inject_time, inject_pod, inject_type: cpu_contention, cpu_consumed,
// network_delay, return, exception), metric/<pod>_metric.csv (one row a minute per pod, the whole day),
// metric/front_service.csv (the entry's success rate and latency quantiles), metric/source_50.csv and
// destination_50.csv (OnlineBoutique: a latency per caller_callee edge, as the caller and the callee see it),
// trace/<HH_MM>_trace.csv and log/<HH_MM>_log.csv (spans and container log lines of the minute ending at HH:MM:08;
// three such minutes around each injection). Some of the larger files are absent from the snapshot (most
// OnlineBoutique logs, a third of its trace minutes): a scenario holds what is there and truth.json lists it.
//
// One scenario per injection. Clock: inject_time is in the data's own clock (UTC, as the log and span times);
// inject_timestamp is not used (8 h and 60 s off it for TrainTicket), nor the metric TimeStamp column (2e8 s off
// in 2022). truth.onset = inject_time; started_at = onset + 2 min (an alert's delay, and the end of the recorded
// minutes). Metrics: the `--history-min` minutes before the onset (earlier injections of the same day fall in
// it, as earlier incidents do in production: truth.json lists them) up to 10 min after it (the future, which the
// product must not read). Traces: the recorded minutes as one OTLP/JSON export (service.name = the pod's
// deployment, k8s.pod.name = the pod; the CSV has no span kind, status or attributes, so none are invented).
// Logs: logs/<service>.log, each line the container runtime's JSON line as recorded ({"log","stream","time"}).
// Topology: caller -> callee service edges of every span of the day (a tracing backend's service map).
// Pod metrics: CPU, memory, syscalls, network, client/server latency p90/p95/p99, workload; the pod success
// rate column is 0 everywhere (a broken query), so it is left out, as are the node-level columns.
// Node built-ins only.
import fs from 'node:fs';
import path from 'node:path';
import console from 'node:console';
import process from 'node:process';
import { execFileSync } from 'node:child_process';

const USAGE =
  'usage: node from-nezha.mjs --src <Nezha snapshot> --out DIR [--history-min 60] [--system ob|tt] [--limit N] [--quiet]';

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [k, v] = a.slice(2).split('=', 2);
    if (k === 'quiet') out.quiet = true;
    else out[k] = v ?? argv[++i];
  }
  return out;
}

// ---------------------------------------------------------------- source: a bare git mirror or a checkout
class Source {
  constructor(src) {
    this.src = src;
    this.git = fs.existsSync(path.join(src, 'HEAD')) && fs.existsSync(path.join(src, 'objects'));
    this.files = new Map(); // path -> object id (git) or absolute path; absent blobs are left out
    if (this.git) {
      const tree = execFileSync('git', ['--git-dir', src, 'ls-tree', '-r', 'HEAD', 'rca_data', 'construct_data'], {
        maxBuffer: 1 << 26,
      }).toString();
      const rows = tree
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(l.indexOf('\t') + 1), l.split(/\s+/)[2]]);
      const check = execFileSync('git', ['--git-dir', src, 'cat-file', '--batch-check'], {
        input: rows.map((r) => r[1]).join('\n') + '\n',
        maxBuffer: 1 << 26,
      })
        .toString()
        .split('\n');
      rows.forEach(([p, obj], i) => {
        if (!/missing/.test(check[i] ?? 'missing')) this.files.set(p, obj);
      });
    } else {
      const walk = (rel) => {
        for (const e of fs.readdirSync(path.join(src, rel), { withFileTypes: true })) {
          const r = `${rel}/${e.name}`;
          if (e.isDirectory()) walk(r);
          else if (fs.statSync(path.join(src, r)).size > 200) this.files.set(r, path.join(src, r)); // not an LFS pointer
        }
      };
      for (const top of ['rca_data', 'construct_data']) if (fs.existsSync(path.join(src, top))) walk(top);
    }
  }
  has(p) {
    return this.files.has(p);
  }
  list(prefix) {
    return [...this.files.keys()].filter((p) => p.startsWith(prefix)).sort();
  }
  read(p) {
    const ref = this.files.get(p);
    if (ref === undefined) return null;
    if (!this.git) return fs.readFileSync(ref, 'utf8');
    return execFileSync('git', ['--git-dir', this.src, 'cat-file', 'blob', ref], { maxBuffer: 1 << 30 }).toString(
      'utf8',
    );
  }
}

// ---------------------------------------------------------------- CSV (RFC 4180: quotes, "" escapes)
function parseCSV(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; i < n;) {
        const j = text.indexOf('"', i);
        if (j < 0) {
          field += text.slice(i);
          i = n;
        } else if (text[j + 1] === '"') {
          field += text.slice(i, j + 1);
          i = j + 2;
          continue;
        } else {
          field += text.slice(i, j);
          i = j + 1;
        }
        break;
      }
    } else if (ch === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      let j = i;
      while (j < n && !',\n\r"'.includes(text[j])) j++;
      field += text.slice(i, j);
      i = j;
    }
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

function table(text) {
  const rows = text ? parseCSV(text) : [];
  const header = rows.shift() ?? [];
  const col = Object.fromEntries(header.map((h, i) => [h, i]));
  return { header, col, rows };
}

// ---------------------------------------------------------------- names and times
/** A pod's deployment: `ts-travel-service-64469b5b48-25zj6` -> `ts-travel-service`. */
const serviceOf = (pod) => pod.replace(/-[a-z0-9]{6,10}-[a-z0-9]{5}$/, '');
/** "2023-01-29 08:41:09.858280782 +0000 UTC m=+0.93" or "2023-01-29 08:43:04" -> epoch ms. */
const timeOf = (s) => Date.parse(s.trim().split(' ').slice(0, 2).join('T') + 'Z');
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** Nanoseconds as text -> epoch ms (a float would lose the nanoseconds, which do not matter here). */
const nsToMs = (s) => Number(String(s).slice(0, -6)) + Number(String(s).slice(-6)) / 1e6;

// ---------------------------------------------------------------- OpenMetrics
const esc = (v) => String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (l) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(',')}}`;
const num = (v) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(7))));

class Metrics {
  constructor() {
    this.fams = new Map(); // name -> {help, unit, series: Map(labelText -> [[ms, v]])}
  }
  add(name, help, unit, labels, ms, v) {
    if (!Number.isFinite(v) || !Number.isFinite(ms)) return;
    let f = this.fams.get(name);
    if (!f) this.fams.set(name, (f = { help, unit, series: new Map() }));
    const key = labelText(labels);
    let s = f.series.get(key);
    if (!s) f.series.set(key, (s = []));
    s.push([ms, v]);
  }
  /** The samples in [from, to] as OpenMetrics text (gauges, timestamps in seconds), or null when none. */
  text(from, to) {
    const out = [];
    for (const [name, f] of this.fams) {
      const lines = [];
      for (const [key, pts] of f.series)
        for (const [ms, v] of pts) if (ms >= from && ms <= to) lines.push(`${name}${key} ${num(v)} ${ms / 1000}`);
      if (!lines.length) continue;
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} gauge`, ...(f.unit ? [`# UNIT ${name} ${f.unit}`] : []));
      out.push(...lines);
    }
    return out.length ? out.join('\n') + '\n# EOF\n' : null;
  }
}

// column -> [metric, help, unit, factor]
const POD_COLUMNS = {
  'CpuUsage(m)': ['container_cpu_usage_millicores', 'CPU used by the pod, millicores.', '', 1],
  'CpuUsageRate(%)': ['container_cpu_usage_percent', 'CPU used by the pod, percent of its limit.', 'percent', 1],
  'MemoryUsage(Mi)': ['container_memory_usage_bytes', 'Memory used by the pod.', 'bytes', 1048576],
  'MemoryUsageRate(%)': ['container_memory_usage_percent', 'Memory used, percent of the limit.', 'percent', 1],
  SyscallRead: ['container_syscall_reads', 'Read system calls of the pod in the minute.', '', 1],
  SyscallWrite: ['container_syscall_writes', 'Write system calls of the pod in the minute.', '', 1],
  NetworkReceiveBytes: ['container_network_receive_bytes_per_second', 'Bytes received per second.', '', 1],
  NetworkTransmitBytes: ['container_network_transmit_bytes_per_second', 'Bytes sent per second.', '', 1],
  'PodWorkload(Ops)': ['requests_per_second', 'Requests served by the pod per second.', '', 1],
};
for (const side of ['Client', 'Server'])
  for (const q of ['90', '95', '99'])
    POD_COLUMNS[`Pod${side}LatencyP${q}(s)`] = [
      `${side.toLowerCase()}_request_duration_p${q}_seconds`,
      side === 'Client' ? `p${q} latency of the calls the pod makes.` : `p${q} latency of the requests the pod serves.`,
      'seconds',
      1,
    ];
const FRONT_COLUMNS = {
  'SuccessRate(%)': ['request_success_percent', 'Share of user requests that succeeded, percent.', 'percent'],
  'LatencyP50(s)': ['request_duration_p50_seconds', 'p50 latency of user requests.', 'seconds'],
  'LatencyP90(s)': ['request_duration_p90_seconds', 'p90 latency of user requests.', 'seconds'],
  'LatencyP95(s)': ['request_duration_p95_seconds', 'p95 latency of user requests.', 'seconds'],
  'LatencyP99(s)': ['request_duration_p99_seconds', 'p99 latency of user requests.', 'seconds'],
};

// ---------------------------------------------------------------- traces
function spansOf(text, into) {
  const { col, rows } = table(text);
  for (const r of rows) {
    const pod = r[col.PodName];
    if (!pod || !r[col.StartTimeUnixNano]) continue;
    into.push({
      traceId: r[col.TraceID],
      spanId: r[col.SpanID],
      parentSpanId: r[col.ParentID] === 'root' ? '' : r[col.ParentID],
      pod,
      name: r[col.OperationName],
      start: r[col.StartTimeUnixNano],
      end: r[col.EndTimeUnixNano],
    });
  }
}

/** caller service -> set of callee services, from parent/child spans in different services. */
function edgesOf(spans, edges, roots) {
  const svcOf = new Map(spans.map((s) => [s.spanId, serviceOf(s.pod)]));
  for (const s of spans) {
    const svc = serviceOf(s.pod);
    if (!edges.has(svc)) edges.set(svc, new Set());
    if (!s.parentSpanId) roots.set(svc, (roots.get(svc) ?? 0) + 1);
    const parent = svcOf.get(s.parentSpanId);
    if (parent && parent !== svc) {
      if (!edges.has(parent)) edges.set(parent, new Set());
      edges.get(parent).add(svc);
    }
  }
}

function otlp(spans) {
  const byPod = new Map();
  for (const s of spans) {
    if (!byPod.has(s.pod)) byPod.set(s.pod, []);
    byPod.get(s.pod).push({
      traceId: s.traceId,
      spanId: s.spanId,
      ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
      name: s.name,
      startTimeUnixNano: s.start,
      endTimeUnixNano: s.end,
    });
  }
  const str = (key, v) => ({ key, value: { stringValue: v } });
  return {
    resourceSpans: [...byPod].map(([pod, list]) => ({
      resource: { attributes: [str('service.name', serviceOf(pod)), str('k8s.pod.name', pod)] },
      scopeSpans: [{ scope: { name: 'nezha-csv' }, spans: list }],
    })),
  };
}

// ---------------------------------------------------------------- one day
const SYSTEMS = { '2022-08-22': 'ob', '2022-08-23': 'ob', '2023-01-29': 'tt', '2023-01-30': 'tt' };
const SYSTEM_NAMES = { ob: 'OnlineBoutique', tt: 'TrainTicket' };

function loadDay(src, day) {
  const base = `rca_data/${day}`;
  const faults = Object.values(JSON.parse(src.read(`${base}/${day}-fault_list.json`)))
    .flat()
    .map((f) => ({ ...f, onset: timeOf(f.inject_time) }))
    .sort((a, b) => a.onset - b.onset);
  const metrics = new Metrics();
  for (const file of src.list(`${base}/metric/`)) {
    const name = path.basename(file);
    const { col, rows } = table(src.read(file));
    if (name.endsWith('_metric.csv')) {
      for (const r of rows) {
        const pod = r[col.PodName];
        const labels = { service: serviceOf(pod), pod };
        for (const [c, [metric, help, unit, factor]] of Object.entries(POD_COLUMNS))
          if (col[c] !== undefined)
            metrics.add(metric, help, unit, labels, timeOf(r[col.Time]), Number(r[col[c]]) * factor);
      }
    } else if (name === 'front_service.csv') {
      for (const [c, [metric, help, unit]] of Object.entries(FRONT_COLUMNS)) {
        // A success rate that is 0 all day is a broken query, not a day of failures.
        if (col[c] === undefined || (/Success/.test(c) && rows.every((r) => Number(r[col[c]]) === 0))) continue;
        for (const r of rows)
          metrics.add(metric, help, unit, { service: '@entry' }, timeOf(r[col.Time]), Number(r[col[c]]));
      }
    } else if (/^(source|destination)_50\.csv$/.test(name)) {
      const reporter = name.startsWith('source') ? 'source' : 'destination';
      for (const r of rows)
        for (const [c, i] of Object.entries(col)) {
          const m = /^([a-z]+)_([a-z]+)$/.exec(c);
          if (!m || c === 'timestamp') continue;
          const labels = {
            service: reporter === 'source' ? m[1] : m[2],
            source_service: m[1],
            destination_service: m[2],
            reporter,
          };
          metrics.add(
            'edge_request_duration_p50_seconds',
            'p50 latency of the calls on a caller -> callee edge.',
            'seconds',
            labels,
            timeOf(r[col.time]),
            Number(r[i]),
          );
        }
    }
  }
  const minutes = new Map(); // "HH_MM" -> {trace, log}
  for (const kind of ['trace', 'log'])
    for (const file of src.list(`${base}/${kind}/`)) {
      const hm = path.basename(file).slice(0, 5);
      minutes.set(hm, { ...minutes.get(hm), [kind]: file });
    }
  return { day, system: SYSTEMS[day], faults, metrics, minutes };
}

function topologyOf(src, d) {
  const edges = new Map();
  const roots = new Map();
  const files = [...d.minutes.values()].map((m) => m.trace).filter(Boolean);
  files.push(...src.list(`construct_data/${d.day}/trace/`));
  for (const f of files) {
    const spans = [];
    spansOf(src.read(f), spans);
    edgesOf(spans, edges, roots);
  }
  const entry = [...roots].sort((a, b) => b[1] - a[1])[0]?.[0];
  return { edges, entry };
}

function yamlTopology(edges, entry) {
  const lines = ['services:'];
  for (const svc of [...edges.keys()].sort()) {
    const kind = svc === entry ? 'edge' : /redis|mongo|mysql|db$/.test(svc) ? 'db' : 'service';
    lines.push(`  - name: ${svc}`, `    kind: ${kind}`, `    calls: [${[...edges.get(svc)].sort().join(', ')}]`);
  }
  return lines.join('\n') + '\n';
}

function convertFault(src, d, topo, f, i, args) {
  const service = serviceOf(f.inject_pod);
  const onset = f.onset;
  const hm = (ms) => new Date(ms).toISOString().slice(11, 16).replace(':', '_');
  // The recorded minutes around the injection (the files of minutes m, m+1, m+2 where m is the injection minute).
  const recorded = [0, 1, 2].map((k) => hm(onset + k * 60000)).filter((m) => d.minutes.has(m));
  const spans = [];
  const logLines = new Map(); // service -> [[ms, line]]
  const used = [];
  for (const m of recorded) {
    const files = d.minutes.get(m);
    if (files.trace) {
      spansOf(src.read(files.trace), spans);
      used.push(files.trace);
    }
    if (files.log) {
      const { col, rows } = table(src.read(files.log));
      for (const r of rows) {
        const svc = serviceOf(r[col.PodName] ?? '');
        const line = (r[col.Log] ?? '').replace(/\n/g, ' ');
        if (!svc || !line) continue;
        if (!logLines.has(svc)) logLines.set(svc, []);
        logLines.get(svc).push([nsToMs(r[col.TimeUnixNano]), line]);
      }
      used.push(files.log);
    }
  }
  const lastData = Math.max(
    0,
    ...spans.map((s) => nsToMs(s.end)),
    ...[...logLines.values()].flatMap((l) => l.map((x) => x[0])),
  );
  const startedAt = lastData ? Math.min(onset + 120000, lastData) : onset + 120000;
  const from = Math.max(onset - args.historyMin * 60000, 0);
  const name = `nezha-${d.system}-${d.day}-${iso(onset).slice(11, 19).replace(/:/g, '')}-${service}-${f.inject_type}`;
  const dir = path.join(args.out, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'metrics'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const incident = [
    `title: "${SYSTEM_NAMES[d.system]}: user-facing latency or error alert"`,
    `channel: "#inc-nezha-${d.system}-${i + 1}"`,
    `started_at: ${iso(startedAt)}`,
    'description: |',
    `  Alert on the ${SYSTEM_NAMES[d.system]} deployment. Per-pod metrics (1 min), spans and container logs of the`,
    '  last minutes are attached.',
  ];
  fs.writeFileSync(path.join(dir, 'incident.yaml'), incident.join('\n') + '\n');
  // The entry's user-facing series belong to the service the traces start at.
  const om = d.metrics
    .text(from, onset + 600000)
    ?.replace(/service="@entry"/g, `service="${topo.entry ?? 'frontend'}"`);
  if (om) fs.writeFileSync(path.join(dir, 'metrics', `${d.system}.prom`), om);
  if (spans.length) {
    fs.mkdirSync(path.join(dir, 'traces'));
    fs.writeFileSync(path.join(dir, 'traces', 'spans.json'), JSON.stringify(otlp(spans)));
  }
  for (const [svc, lines] of logLines) {
    lines.sort((a, b) => a[0] - b[0]);
    fs.writeFileSync(path.join(dir, 'logs', `${svc}.log`), lines.map((l) => l[1]).join('\n') + '\n');
  }
  fs.writeFileSync(path.join(dir, 'changes.jsonl'), '');
  fs.writeFileSync(path.join(dir, 'topology.yaml'), yamlTopology(topo.edges, topo.entry));
  const earlier = d.faults.filter((g) => g.onset < onset && g.onset >= from);
  const truth = {
    root_cause_service: service,
    root_cause_change: null,
    fault_class: f.inject_type,
    red_herrings: [],
    onset: new Date(onset).toISOString(),
    dataset: `nezha-${d.system}`,
    source: { repo: 'IntelligentDDS/Nezha', day: d.day, inject_pod: f.inject_pod, files: used },
    recorded_minutes: recorded.length,
    signals: { spans: spans.length, log_lines: [...logLines.values()].reduce((a, l) => a + l.length, 0) },
    earlier_faults_in_history: earlier.map((g) => `${g.inject_time} ${serviceOf(g.inject_pod)} ${g.inject_type}`),
  };
  fs.writeFileSync(path.join(dir, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  if (!args.quiet)
    console.log(
      `${name}  spans=${spans.length} logs=${truth.signals.log_lines} minutes=${recorded.length}/3 earlier=${earlier.length}`,
    );
}

function main() {
  const a = parseArgs(process.argv.slice(2));
  if (!a.src || !a.out) {
    console.error(USAGE);
    process.exit(2);
  }
  const args = { out: path.resolve(a.out), historyMin: Number(a['history-min'] ?? 60), quiet: !!a.quiet };
  const limit = a.limit === undefined ? Infinity : Number(a.limit);
  const src = new Source(path.resolve(a.src));
  fs.mkdirSync(args.out, { recursive: true });
  fs.writeFileSync(
    path.join(args.out, 'README.md'),
    "# Nezha (converted)\n\nNezha (Yu et al., FSE'23; github:IntelligentDDS/Nezha, rca_data): injected faults (CPU contention and " +
      'consumption, network delay, code-level wrong returns and exceptions) in OnlineBoutique and TrainTicket on ' +
      'Kubernetes, with per-pod metrics, spans and container logs; converted by tools/eval/converters/from-nezha.mjs.\n',
  );
  let n = 0;
  for (const day of Object.keys(SYSTEMS)) {
    if (a.system && SYSTEMS[day] !== a.system) continue;
    if (!src.has(`rca_data/${day}/${day}-fault_list.json`)) {
      console.error(`skip ${day}: no fault list in the snapshot`);
      continue;
    }
    const d = loadDay(src, day);
    const topo = topologyOf(src, d);
    d.faults.forEach((f, i) => {
      if (n++ < limit) convertFault(src, d, topo, f, i, args);
    });
  }
  console.log(`wrote ${Math.min(n, limit)} scenarios to ${args.out}`);
}

main();

// Builds the `reheader` log set from a snapshot of logpai/loghub-2.0: each Loghub-2k system's Content
// column re-rendered under one header style the Loghub systems do not use, with the same EventIds.
// Only the header changes: it tests that the reader finds the message in formats nobody tuned for.
// Times rise from a fixed start; the level follows the event id, so one template has one level.
//
//   npm run build:tools && node dist-tools/tools/eval/corpora/reheader.js <loghub-2.0 git dir> <out dir>

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { eventIds, csvRows } from '../metrics';
import { gitShow, writeSet } from './git';

export const REHEADER_README = `# reheader

Source: https://github.com/logpai/loghub-2.0 (2k_dataset, corrected labels). Built with tools/eval/corpora/reheader.ts from the repository's HEAD: each system's Content column re-rendered under one header style the Loghub systems do not use (container runtime, klog, dmesg, time of day only, Go, Python, epoch in a middle field, file name before a syslog header, US date with AM/PM, bracketed ISO with zone, RFC 5424, logfmt, JSON, epoch ms, nginx error, PostgreSQL, MySQL, Tomcat, ANSI-coloured Spring Boot, AWS Lambda, ctime). Same contents and EventIds; only the header changes. Levels follow the event id; times rise.
`;

type Level = 'debug' | 'info' | 'warn' | 'error';

/** What a style gets per line: the time, the level, the line's index and the message. */
export interface Line {
  t: Date;
  level: Level;
  i: number;
  /** A small number fixed per event id (a call site's line, a message code). */
  site: number;
  msg: string;
}

const p2 = (n: number): string => String(n).padStart(2, '0');
const p3 = (n: number): string => String(n).padStart(3, '0');
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const ymd = (t: Date, sep = '-'): string =>
  `${t.getUTCFullYear()}${sep}${p2(t.getUTCMonth() + 1)}${sep}${p2(t.getUTCDate())}`;
const hms = (t: Date): string => `${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())}`;
const ms = (t: Date): string => p3(t.getUTCMilliseconds());
const iso = (t: Date): string => t.toISOString();
const UP = (l: Level): string => (l === 'warn' ? 'WARN' : l.toUpperCase());
const PID = 4242;

/** The header styles, by name, each paired with the Loghub system whose contents it carries. */
export const STYLES: ReadonlyArray<{ name: string; system: string; render: (l: Line) => string }> = [
  {
    name: 'ansi',
    system: 'Linux',
    render: (l) =>
      `\x1b[2m${ymd(l.t)} ${hms(l.t)}.${ms(l.t)}\x1b[0;39m \x1b[32m${UP(l.level).padStart(5)}\x1b[0;39m \x1b[35m${PID}\x1b[0;39m \x1b[2m---\x1b[0;39m \x1b[2m[           main]\x1b[0;39m \x1b[36mc.e.app.Service\x1b[0;39m \x1b[2m:\x1b[0;39m ${l.msg}`,
  },
  {
    name: 'brackets',
    system: 'HPC',
    render: (l) => `[${ymd(l.t)} ${hms(l.t)}.${ms(l.t)} +0000] [${UP(l.level)}] ${l.msg}`,
  },
  { name: 'cri', system: 'Apache', render: (l) => `${iso(l.t).replace('Z', '123456Z')} stdout F ${l.msg}` },
  {
    name: 'ctime',
    system: 'HDFS',
    render: (l) =>
      `${DAY[l.t.getUTCDay()]} ${MON[l.t.getUTCMonth()]} ${String(l.t.getUTCDate()).padStart(2)} ${hms(l.t)} ${l.t.getUTCFullYear()} ${UP(l.level)} ${l.msg}`,
  },
  {
    name: 'dmesg',
    system: 'Proxifier',
    render: (l) =>
      `[${String(Math.floor(l.t.getTime() / 1000) % 1_000_000).padStart(6)}.${p3(l.t.getUTCMilliseconds())}123] ${l.msg}`,
  },
  {
    name: 'epochmid',
    system: 'HDFS',
    render: (l) => `worker-3 ${Math.floor(l.t.getTime() / 1000)} ${UP(l.level)} ${l.msg}`,
  },
  { name: 'epochms', system: 'OpenStack', render: (l) => `${l.t.getTime()} ${UP(l.level)} [api] ${l.msg}` },
  {
    name: 'filesyslog',
    system: 'Mac',
    render: (l) =>
      `system.log:${MON[l.t.getUTCMonth()]} ${String(l.t.getUTCDate()).padStart(2)} ${hms(l.t)} host-7 appd[${PID}]: ${l.msg}`,
  },
  { name: 'gostd', system: 'Linux', render: (l) => `${ymd(l.t, '/')} ${hms(l.t)} ${l.msg}` },
  {
    name: 'json',
    system: 'Hadoop',
    render: (l) => JSON.stringify({ ts: iso(l.t), level: l.level, logger: 'app.worker', msg: l.msg }),
  },
  {
    name: 'klog',
    system: 'HealthApp',
    render: (l) =>
      `${l.level === 'debug' ? 'I' : UP(l.level)[0]}${p2(l.t.getUTCMonth() + 1)}${p2(l.t.getUTCDate())} ${hms(l.t)}.${ms(l.t)}123    ${PID} controller.go:${100 + l.site}] ${l.msg}`,
  },
  {
    name: 'lambda',
    system: 'Spark',
    render: (l) => `${iso(l.t)}\t${requestId(Math.floor(l.i / 50))}\t${UP(l.level)}\t${l.msg}`,
  },
  {
    name: 'logfmt',
    system: 'Zookeeper',
    render: (l) => `time=${iso(l.t)} level=${l.level} msg=${JSON.stringify(l.msg)}`,
  },
  {
    name: 'mysql',
    system: 'Proxifier',
    render: (l) =>
      `${iso(l.t).replace('Z', '123Z')} 0 [${l.level === 'error' ? 'ERROR' : l.level === 'warn' ? 'Warning' : 'Note'}] [MY-010${p3(l.site)}] [Server] ${l.msg}`,
  },
  {
    name: 'nginxerr',
    system: 'Apache',
    render: (l) => `${ymd(l.t, '/')} ${hms(l.t)} [${l.level === 'warn' ? 'warn' : l.level}] ${PID}#0: ${l.msg}`,
  },
  {
    name: 'postgres',
    system: 'HealthApp',
    render: (l) =>
      `${ymd(l.t)} ${hms(l.t)}.${ms(l.t)} UTC [${PID}] ${l.level === 'error' ? 'ERROR' : l.level === 'warn' ? 'WARNING' : l.level === 'debug' ? 'DEBUG' : 'LOG'}:  ${l.msg}`,
  },
  {
    name: 'python',
    system: 'Spark',
    render: (l) =>
      `${ymd(l.t)} ${hms(l.t)},${ms(l.t)} - app.worker - ${UP(l.level === 'warn' ? 'warn' : l.level).replace('WARN', 'WARNING')} - ${l.msg}`,
  },
  {
    name: 'rfc5424',
    system: 'OpenSSH',
    render: (l) =>
      `<${l.level === 'error' ? 11 : l.level === 'warn' ? 12 : l.level === 'debug' ? 15 : 14}>1 ${iso(l.t)} host-7 sshd ${PID} - - ${l.msg}`,
  },
  { name: 'timeonly', system: 'BGL', render: (l) => `${hms(l.t)}.${ms(l.t)} ${UP(l.level)} ${l.msg}` },
  {
    name: 'tomcat',
    system: 'BGL',
    render: (l) =>
      `${p2(l.t.getUTCDate())}-${MON[l.t.getUTCMonth()]}-${l.t.getUTCFullYear()} ${hms(l.t)}.${ms(l.t)} ${l.level === 'warn' ? 'WARNING' : l.level === 'error' ? 'SEVERE' : l.level === 'debug' ? 'FINE' : 'INFO'} [main] org.apache.catalina.core.StandardService.startInternal ${l.msg}`,
  },
  {
    name: 'us',
    system: 'Thunderbird',
    render: (l) => {
      const h = l.t.getUTCHours();
      return `${p2(l.t.getUTCMonth() + 1)}/${p2(l.t.getUTCDate())}/${l.t.getUTCFullYear()} ${p2(h % 12 || 12)}:${p2(l.t.getUTCMinutes())}:${p2(l.t.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'} ${UP(l.level)} ${l.msg}`;
    },
  },
];

/** A Lambda-style request id, the same for a run of lines (one invocation). */
function requestId(n: number): string {
  const h = createHash('sha1').update(`req${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The level of an event id: fixed per id, mostly info. */
export function levelOf(eventId: string): Level {
  const b = createHash('sha1').update(eventId).digest()[0] as number;
  return b < 26 ? 'error' : b < 52 ? 'warn' : b < 77 ? 'debug' : 'info';
}

/** The Content and EventId columns of a Loghub structured CSV. */
export function contents(csv: string): Array<{ msg: string; id: string }> {
  const rows = csvRows(csv.replace(/^\uFEFF/, ''));
  const col = (rows[0] ?? []).indexOf('Content');
  if (col < 0) throw new Error('no Content column');
  const ids = eventIds(csv);
  return rows
    .slice(1)
    .filter((r) => r.length > col)
    .map((r, i) => ({ msg: r[col] as string, id: ids[i] as string }));
}

/** The lines of one style over one system's rows: times rise by 0.1-5 s, deterministically. */
export function render(style: (l: Line) => string, rows: ReadonlyArray<{ msg: string; id: string }>): string[] {
  let t = Date.UTC(2024, 2, 5, 9, 58, 7, 120);
  return rows.map((r, i) => {
    t += 100 + ((i * 7919) % 4900);
    const site = createHash('sha1').update(r.id).digest().readUInt16BE(1) % 1000;
    return style({ t: new Date(t), level: levelOf(r.id), i, site, msg: r.msg });
  });
}

function main(): void {
  const [gitDir, outDir] = process.argv.slice(2);
  if (!gitDir || !outDir) {
    process.stderr.write('usage: reheader.js <loghub-2.0 git dir> <out dir>\n');
    process.exit(2);
  }
  for (const s of STYLES) {
    const csv = gitShow(gitDir, `2k_dataset/${s.system}/${s.system}_2k.log_structured_corrected.csv`).toString('utf8');
    const rows = contents(csv);
    const name = `${s.name}-${s.system}`;
    const lines = render(s.render, rows);
    writeSet(
      path.join(outDir, name),
      `${name}.log`,
      lines.join('\n') + '\n',
      rows.map((r) => r.id),
    );
    console.log(`${name}: ${lines.length} lines`);
  }
  fs.writeFileSync(path.join(outDir, 'README.md'), REHEADER_README);
}

if (require.main === module) main();

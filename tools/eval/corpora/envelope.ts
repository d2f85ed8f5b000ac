// Builds the `envelope` log sets from labelled log sets laid out like Loghub: every system's raw lines,
// each wrapped as a collector or runtime ships it (Docker json-file, CRI with some lines split into a
// partial `P` record and the `F` record that ends it, `kubectl logs --timestamps`, journald's JSON export,
// a JSON logger whose message is the application's line). The lines inside are untouched and keep their
// labels, so grouping accuracy on a wrapped system should match the unwrapped one.
//
//   npm run build:tools && node dist-tools/tools/eval/corpora/envelope.js <labelled dir> <out dir>

import * as fs from 'node:fs';
import * as path from 'node:path';
import { findSystems } from '../loghub';
import { eventIds } from '../metrics';
import { writeSet } from './git';

/** What a wrapper gets per line: the runtime's time, the line's index and the application's line. */
interface Raw {
  t: Date;
  i: number;
  line: string;
}

/** A wrapper returns the physical lines it writes for one application line (two for a split CRI line). */
export const WRAPPERS: ReadonlyArray<{ name: string; wrap: (r: Raw) => string[] }> = [
  {
    name: 'docker',
    wrap: (r) => [JSON.stringify({ log: `${r.line}\n`, stream: r.i % 5 === 0 ? 'stderr' : 'stdout', time: nano(r.t) })],
  },
  {
    name: 'cri',
    wrap: (r) => {
      const stream = r.i % 5 === 0 ? 'stderr' : 'stdout';
      // Every seventh line long enough is split where the runtime's buffer ended: mid-word, anywhere.
      if (r.i % 7 === 3 && r.line.length > 20) {
        const cut = Math.floor(r.line.length / 2);
        return [`${nano(r.t)} ${stream} P ${r.line.slice(0, cut)}`, `${nano(r.t)} ${stream} F ${r.line.slice(cut)}`];
      }
      return [`${nano(r.t)} ${stream} F ${r.line}`];
    },
  },
  { name: 'kubectl', wrap: (r) => [`${nano(r.t)} ${r.line}`] },
  {
    name: 'journald',
    wrap: (r) => [
      JSON.stringify({
        __CURSOR: `s=8f2c;i=${(r.i + 4096).toString(16)};b=77a1;m=${r.i * 31};t=${r.t.getTime()}000`,
        __REALTIME_TIMESTAMP: `${r.t.getTime()}000`,
        __MONOTONIC_TIMESTAMP: `${r.i * 1000 + 12345}`,
        _BOOT_ID: '77a1c0de5eed4a11b2c3d4e5f6a7b8c9',
        PRIORITY: '6',
        _PID: '4242',
        _HOSTNAME: 'node-7',
        SYSLOG_IDENTIFIER: 'app',
        MESSAGE: r.line,
      }),
    ],
  },
  {
    name: 'pino',
    wrap: (r) => [JSON.stringify({ level: 30, time: r.t.getTime(), pid: 4242, hostname: 'node-7', msg: r.line })],
  },
];

/** RFC 3339 with nanoseconds, as Docker and the CRI write it. */
function nano(t: Date): string {
  return t.toISOString().replace(
    'Z',
    `${String(t.getUTCMilliseconds() * 7919)
      .padStart(6, '0')
      .slice(-6)}Z`,
  );
}

/** One system's physical lines and labels under a wrapper: times rise by 0.1-5 s, deterministically. */
export function wrapSystem(
  wrap: (r: Raw) => string[],
  lines: readonly string[],
  labels: readonly string[],
): { lines: string[]; labels: string[] } {
  let t = Date.UTC(2024, 2, 5, 9, 58, 7, 120);
  const out: string[] = [];
  const outLabels: string[] = [];
  lines.forEach((line, i) => {
    t += 100 + ((i * 7919) % 4900);
    for (const l of wrap({ t: new Date(t), i, line })) {
      out.push(l);
      outLabels.push(labels[i] as string);
    }
  });
  return { lines: out, labels: outLabels };
}

function main(): void {
  const [inDir, outDir] = process.argv.slice(2);
  if (!inDir || !outDir) {
    process.stderr.write('usage: envelope.js <labelled dir> <out dir>\n');
    process.exit(2);
  }
  for (const sys of findSystems(inDir)) {
    const labels = eventIds(fs.readFileSync(sys.csv, 'utf8'));
    const raw = fs
      .readFileSync(sys.log, 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\n');
    const lines = raw.slice(0, labels.length).map((l) => l.replace(/\r$/, ''));
    for (const w of WRAPPERS) {
      const name = `${w.name}-${sys.name}`;
      const set = wrapSystem(w.wrap, lines, labels);
      writeSet(path.join(outDir, name), `${name}.log`, set.lines.join('\n') + '\n', set.labels);
      console.log(`${name}: ${set.lines.length} lines`);
    }
  }
}

if (require.main === module) main();

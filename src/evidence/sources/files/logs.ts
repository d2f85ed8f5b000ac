// Streaming read of one log file into LogEvents: readline over a read stream, so a large log
// is never held in memory; multi-line events are assembled on the way.

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { EventAssembler, parseLine, type AssembledEvent } from '../../logparse';
import type { LogEvent } from '../../types';

export interface LogFileRef {
  file: string;
  origin: string;
  service: string;
}

export interface ReadStats {
  malformed: number;
  firstMalformedLine: number;
}

function toEvent(ev: AssembledEvent, ref: LogFileRef): LogEvent {
  const out: LogEvent = { ts: ev.ts, service: ref.service, origin: ref.origin, line: ev.line, text: ev.text, body: ev.body };
  if (ev.level) out.level = ev.level;
  return out;
}

/** Events of one file with ts in [from, to], in file order; `done` receives the malformed-line count at the end. */
export async function* readLogFile(
  ref: LogFileRef,
  from: number,
  to: number,
  refTime: number,
  done: (stats: ReadStats) => void,
): AsyncGenerator<LogEvent> {
  const asm = new EventAssembler({ refTime });
  const rl = createInterface({ input: createReadStream(ref.file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of rl) {
      const ev = asm.push(line, ++lineNo);
      if (ev && ev.ts >= from && ev.ts <= to) yield toEvent(ev, ref);
    }
    const last = asm.flush();
    if (last && last.ts >= from && last.ts <= to) yield toEvent(last, ref);
    done({ malformed: asm.malformed, firstMalformedLine: asm.firstMalformedLine });
  } finally {
    rl.close();
  }
}

/** Latest timestamp among the last 64 KiB of a log file (for the clock); null when none. */
export async function lastTimestamp(file: string, refTime: number): Promise<number | null> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, 65_536);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n');
    if (len < size) lines.shift(); // first line is probably cut
    let best: number | null = null;
    for (const l of lines) {
      const ts = l ? parseLine(l, refTime).ts : null;
      if (ts !== null && (best === null || ts > best)) best = ts;
    }
    return best;
  } finally {
    await fh.close();
  }
}

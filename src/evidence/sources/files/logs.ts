// Streaming read of one log file into LogEvents: a bounded line reader (decoding, gzip, 64 KiB
// per line, a per-file cap), so a large log or a huge line is never held in memory; container
// runtime envelopes are unwrapped and multi-line events assembled on the way.

import { open } from 'node:fs/promises';
import { EventAssembler, parseLine, unwrapEnvelope, type AssembledEvent } from '../../logparse';
import { newReadStats, readLogLines, type LineReadStats } from '../../logparse/reader';
import type { LogEvent } from '../../types';
import { fsReason } from '../../../domain/errors';

export interface LogFileRef {
  file: string;
  origin: string;
  service: string;
}

export interface ReadStats extends LineReadStats {
  /** Events dated at the incident clock because the file carries no time near them. */
  undated: number;
  firstUndatedLine: number;
  /** Why the read stopped early (`permission denied`), when it did. */
  failed?: string;
}

/** Lines of a file's first chunk that teach the assembler its header shape. */
const LEARN_LINES = 256;

function toEvent(ev: AssembledEvent, ref: LogFileRef): LogEvent {
  const out: LogEvent = {
    ts: ev.ts,
    service: ref.service,
    origin: ref.origin,
    line: ev.line,
    text: ev.text,
    body: ev.body,
  };
  if (ev.level) out.level = ev.level;
  return out;
}

/** Events of one file with ts in [from, to], in file order; `done` receives the read statistics at the end. */
export async function* readLogFile(
  ref: LogFileRef,
  from: number,
  to: number,
  refTime: number,
  done: (stats: ReadStats) => void,
): AsyncGenerator<LogEvent> {
  const asm = new EventAssembler({ refTime });
  const stats = newReadStats();
  let lineNo = 0;
  let first = true;
  let failed: string | undefined;
  try {
    for await (const batch of readLogLines(ref.file, stats)) {
      if (first) asm.learn(batch.length > LEARN_LINES ? batch.slice(0, LEARN_LINES) : batch);
      first = false;
      for (const line of batch) {
        for (const ev of asm.push(line, ++lineNo)) if (ev.ts >= from && ev.ts <= to) yield toEvent(ev, ref);
      }
    }
  } catch (err) {
    // An unreadable file (or one that vanished) costs its own events, not the whole analysis.
    failed = fsReason(err);
  }
  for (const ev of asm.flush()) if (ev.ts >= from && ev.ts <= to) yield toEvent(ev, ref);
  // A line joined from partial records is cut at the reader's line cap: reported with the reader's long lines.
  const firstTruncatedLine = Math.min(...[stats.firstTruncatedLine, asm.firstTruncatedLine].filter((n) => n > 0));
  done({
    ...stats,
    truncatedLines: stats.truncatedLines + asm.truncatedLines,
    firstTruncatedLine: Number.isFinite(firstTruncatedLine) ? firstTruncatedLine : 0,
    undated: asm.undated,
    firstUndatedLine: asm.firstUndatedLine,
    ...(failed !== undefined ? { failed } : {}),
  });
}

/** Latest timestamp of a log file (for the clock): the last 64 KiB of a plain file, else a full read; null when none. */
export async function lastTimestamp(file: string, refTime: number): Promise<number | null> {
  const fh = await open(file, 'r');
  let text: string | null = null;
  let cut = false;
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, 65_536);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    const head = Buffer.alloc(Math.min(size, 2));
    await fh.read(head, 0, head.length, 0);
    // gzip or UTF-16: no cheap tail; read it through the decoding reader below.
    const plain =
      !(head[0] === 0x1f && head[1] === 0x8b) &&
      !(head[0] === 0xff && head[1] === 0xfe) &&
      !(head[0] === 0xfe && head[1] === 0xff);
    if (plain) {
      // A whole file read from its start may begin with a UTF-8 BOM, which would hide its first line's time.
      text = buf.toString('utf8').replace(/^\uFEFF/, '');
      cut = len < size;
    }
  } finally {
    await fh.close();
  }
  let best: number | null = null;
  const see = (raw: string): void => {
    // A runtime's envelope (Docker, CRI) dates the line; otherwise its own header does.
    const env = unwrapEnvelope(raw);
    const ts = env?.ts ?? (raw ? parseLine(raw.length > 4096 ? raw.slice(0, 4096) : raw, refTime).ts : null);
    if (ts !== null && (best === null || ts > best)) best = ts;
  };
  if (text !== null) {
    const lines = text.split('\n');
    if (cut) lines.shift(); // first line is probably cut
    lines.forEach(see);
    return best;
  }
  for await (const batch of readLogLines(file, newReadStats())) batch.forEach(see);
  return best;
}

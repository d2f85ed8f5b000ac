// Bounded, decoding line reader for log files: UTF-8 (BOM stripped), UTF-16 with a BOM, gzip;
// binary files are refused. A line longer than the cap keeps its first `maxLineChars` characters
// and the rest is skipped without being held, so one 40 MB line costs no more than a short one;
// a file is read up to `maxFileBytes` (decoded), so a gzip bomb stops there.

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createGunzip } from 'node:zlib';

/** Longest line kept, in characters (64 KiB); longer lines are truncated and counted. */
export const MAX_LINE_CHARS = 65_536;
/** Most bytes read from one file after decompression (1 GiB); the rest is skipped and reported. */
export const MAX_FILE_BYTES = 1 << 30;

export type LogEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** What the reader saw, for the problem report. */
export interface LineReadStats {
  lines: number;
  truncatedLines: number;
  firstTruncatedLine: number;
  /** True when the file looked binary and was not read. */
  binary: boolean;
  /** True when the file was cut at `maxFileBytes`. */
  capped: boolean;
  gzip: boolean;
  encoding: LogEncoding;
}

export interface LineReaderOptions {
  maxLineChars?: number;
  maxFileBytes?: number;
  /** Read this stream (standard input for `templates -`) instead of opening `file`; gunzipped when it starts like gzip. */
  input?: NodeJS.ReadableStream;
}

/** Fresh, zeroed statistics for one read. */
export function newReadStats(): LineReadStats {
  return {
    lines: 0,
    truncatedLines: 0,
    firstTruncatedLine: 0,
    binary: false,
    capped: false,
    gzip: false,
    encoding: 'utf-8',
  };
}

async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** A stream whose first chunk is looked at (gzip magic) and then given back in front of the rest. */
async function sniffStream(input: NodeJS.ReadableStream): Promise<{ raw: Readable; gzip: boolean }> {
  const it = Readable.from(input)[Symbol.asyncIterator]();
  const first = await it.next();
  const head: Buffer | null = first.done ? null : Buffer.from(first.value as Buffer | string);
  const gzip = head !== null && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => it };
  return {
    raw: Readable.from(
      (async function* () {
        if (head) yield head;
        yield* rest;
      })(),
    ),
    gzip,
  };
}

/** Encoding from a byte-order mark, and how many bytes the mark takes. */
function sniffBom(b: Buffer): [LogEncoding, number] {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return ['utf-8', 3];
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return ['utf-16le', 2];
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return ['utf-16be', 2];
  return ['utf-8', 0];
}

/** Text has no NUL bytes and few control characters; anything else is binary (images, core dumps, archives). */
function looksBinary(b: Buffer): boolean {
  const n = Math.min(b.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i] as number;
    if (c === 0) return true;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27) control++;
  }
  return control > n * 0.1;
}

/**
 * Lines of a log file in order, in batches (one per chunk read), without their newline.
 * `stats` is filled in as the read goes; it is final when the generator ends.
 */
export async function* readLogLines(
  file: string,
  stats: LineReadStats,
  opts: LineReaderOptions = {},
): AsyncGenerator<string[]> {
  const maxLine = opts.maxLineChars ?? MAX_LINE_CHARS;
  const maxBytes = opts.maxFileBytes ?? MAX_FILE_BYTES;
  const opened = opts.input
    ? await sniffStream(opts.input)
    : { gzip: await isGzip(file), raw: createReadStream(file, { highWaterMark: 1 << 16 }) };
  const raw: Readable = opened.raw;
  stats.gzip = opened.gzip;
  const input: Readable = stats.gzip ? raw.pipe(createGunzip()) : raw;
  if (stats.gzip) raw.on('error', (err: Error) => input.destroy(err));
  let decoder: TextDecoder | null = null;
  let partial = '';
  let dropped = false;
  let bytes = 0;
  try {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      let buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (!decoder) {
        const [enc, skip] = sniffBom(buf);
        if (enc === 'utf-8' && looksBinary(buf)) {
          stats.binary = true;
          return;
        }
        stats.encoding = enc;
        decoder = new TextDecoder(enc);
        buf = buf.subarray(skip);
      }
      bytes += buf.length;
      if (bytes > maxBytes) {
        stats.capped = true;
        buf = buf.subarray(0, buf.length - (bytes - maxBytes));
      }
      const text = decoder.decode(buf, { stream: true });
      const out: string[] = [];
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        const end = nl < 0 ? text.length : nl;
        // Keep at most maxLine characters of the line being built; the rest is dropped as it arrives.
        const room = Math.max(0, maxLine - partial.length);
        if (end - start > room) dropped = true;
        if (room > 0) partial += text.slice(start, start + Math.min(room, end - start));
        if (nl < 0) break;
        out.push(finishLine(partial, dropped, stats));
        partial = '';
        dropped = false;
        start = nl + 1;
      }
      if (out.length) yield out;
      if (stats.capped) break;
    }
    if (decoder && !stats.capped) {
      const rest = decoder.decode();
      if (rest.length > maxLine - partial.length) dropped = true;
      partial += rest.slice(0, Math.max(0, maxLine - partial.length));
    }
    if (partial.length || dropped) yield [finishLine(partial, dropped, stats)];
  } finally {
    input.destroy();
    raw.destroy();
  }
}

function finishLine(line: string, truncated: boolean, stats: LineReadStats): string {
  stats.lines++;
  if (truncated) {
    stats.truncatedLines++;
    if (stats.firstTruncatedLine === 0) stats.firstTruncatedLine = stats.lines;
  }
  return line;
}

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  newReadStats,
  readLogLines,
  type LineReadStats,
  type LineReaderOptions,
} from '../../../../src/evidence/logparse/reader';
import { openFilesSource } from '../../../../src/evidence/sources/files';
import type { LogEvent } from '../../../../src/evidence/types';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'scout-reader-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function read(
  name: string,
  bytes: Buffer,
  opts: LineReaderOptions = {},
): Promise<{ lines: string[]; stats: LineReadStats }> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  const stats = newReadStats();
  const lines: string[] = [];
  for await (const batch of readLogLines(file, stats, opts)) lines.push(...batch);
  return { lines, stats };
}

const TEXT = '2026-11-27 03:02:10 INFO café ready\n2026-11-27 03:02:11 ERROR naïve “quote” failed\n';

describe('log line reader', () => {
  it('strips a UTF-8 byte-order mark', async () => {
    const { lines } = await read('bom.log', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]));
    expect(lines).toEqual(TEXT.trim().split('\n'));
  });

  it('decodes UTF-16 little- and big-endian files with a byte-order mark', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    const a = await read('le.log', le);
    const b = await read('be.log', be);
    expect(a.lines).toEqual(TEXT.trim().split('\n'));
    expect(a.stats.encoding).toBe('utf-16le');
    expect(b.lines).toEqual(TEXT.trim().split('\n'));
    expect(b.stats.encoding).toBe('utf-16be');
  });

  it('reads a gzipped log', async () => {
    const { lines, stats } = await read('app.log.gz', gzipSync(Buffer.from(TEXT)));
    expect(lines).toEqual(TEXT.trim().split('\n'));
    expect(stats.gzip).toBe(true);
  });

  it('refuses a binary file without yielding lines', async () => {
    const bin = Buffer.alloc(4096);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 37) % 256;
    const { lines, stats } = await read('core.log', bin);
    expect(lines).toEqual([]);
    expect(stats.binary).toBe(true);
  });

  it('truncates a line over the cap, counts it, and keeps the lines after it', async () => {
    const long = 'y'.repeat(300_000);
    const { lines, stats } = await read('long.log', Buffer.from(`first\n2026-11-27 03:02:12 WARN ${long}\nlast\r\n`), {
      maxLineChars: 1000,
    });
    expect(lines.map((l) => l.length)).toEqual([5, 1000, 5]);
    expect(lines[2]).toBe('last\r');
    expect(stats).toMatchObject({ lines: 3, truncatedLines: 1, firstTruncatedLine: 2 });
  });

  it('keeps multi-byte characters whole across read chunks', async () => {
    const line = 'é'.repeat(70_000);
    const { lines } = await read('utf8.log', Buffer.from(`${line}\n`), { maxLineChars: 200_000 });
    expect(lines).toEqual([line]);
  });

  it('stops at the per-file cap and says so', async () => {
    const { lines, stats } = await read('big.log', Buffer.from('0123456789\n'.repeat(1000)), { maxFileBytes: 55 });
    expect(lines).toEqual(['0123456789', '0123456789', '0123456789', '0123456789', '0123456789']);
    expect(stats.capped).toBe(true);
  });
});

describe('files source over unusual log files', () => {
  it('reads gzipped and UTF-16 logs and names a binary file and a truncated line in problems', async () => {
    const scen = await mkdtemp(path.join(tmpdir(), 'scout-reader-scen-'));
    try {
      await writeFile(path.join(scen, 'incident.yaml'), 'title: t\nchannel: inc-t\nstarted_at: 2026-11-27T03:05:00Z\n');
      await mkdir(path.join(scen, 'logs'));
      await writeFile(path.join(scen, 'logs', 'api.log.gz'), gzipSync(Buffer.from(TEXT)));
      await writeFile(
        path.join(scen, 'logs', 'win.log'),
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]),
      );
      await writeFile(path.join(scen, 'logs', 'blob.log'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]));
      await writeFile(path.join(scen, 'logs', 'big.log'), `2026-11-27 03:02:13 INFO ${'z'.repeat(70_000)}\n`);
      const src = openFilesSource(scen);
      const events: LogEvent[] = [];
      for await (const e of src.logs({ from: Date.UTC(2026, 10, 27, 3), to: Date.UTC(2026, 10, 27, 4) }))
        events.push(e);
      expect(events.filter((e) => e.service === 'api').map((e) => e.body)).toEqual([
        'café ready',
        'naïve “quote” failed',
      ]);
      expect(events.filter((e) => e.service === 'win').map((e) => e.level)).toEqual(['info', 'error']);
      expect(events.find((e) => e.service === 'big')?.text.length).toBe(65_536);
      expect(src.problems()).toEqual(
        expect.arrayContaining([
          { origin: 'logs/blob.log', problem: 'binary file, not read as a log', count: 1 },
          { origin: 'logs/big.log', problem: 'line longer than 64 KiB, truncated', count: 1, line: 1 },
        ]),
      );
    } finally {
      await rm(scen, { recursive: true, force: true });
    }
  });
});

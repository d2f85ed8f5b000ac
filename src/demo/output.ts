// What `incident-scout demo` leaves behind: the transcript and every file the bot uploaded, in a folder
// (--out DIR, else a new temporary one), so a person can open the charts and documents it posted.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderTranscript, type SlackFake } from './slack-fake';
import type { FakeFile } from './slack-fake/types';

export const TRANSCRIPT_FILE = 'transcript.txt';

/** A safe, unique file name per uploaded file: its own name, prefixed with its id when two share one. */
export function savedNames(files: readonly FakeFile[]): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>([TRANSCRIPT_FILE]);
  for (const f of files) {
    const base = path.basename(f.filename).replace(/[^A-Za-z0-9._-]/g, '_') || 'file';
    const name = used.has(base) ? `${f.id}-${base}` : base;
    used.add(name);
    names.set(f.id, name);
  }
  return names;
}

/**
 * Prints the channels' transcript to `out`, writes it and the uploaded files into `outDir` (created when
 * missing) or a new temporary folder, and names that folder on the last line. Returns the folder.
 */
export async function writeDemoOutput(
  out: NodeJS.WritableStream,
  fake: SlackFake,
  channelIds: readonly string[],
  outDir?: string,
): Promise<string> {
  const files = fake.files().filter((f) => f.completed && f.content);
  const names = savedNames(files);
  const transcript = channelIds.map((id) => renderTranscript(fake.snapshot(id), { savedAs: names })).join('\n');
  out.write(`${transcript}\n`);
  const dir = outDir ? path.resolve(outDir) : await fs.mkdtemp(path.join(os.tmpdir(), 'incident-scout-demo-'));
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, TRANSCRIPT_FILE), transcript);
  for (const f of files) await fs.writeFile(path.join(dir, names.get(f.id) as string), f.content as Buffer);
  out.write(`Transcript and ${files.length} uploaded file${files.length === 1 ? '' : 's'} written to ${dir}\n`);
  return dir;
}

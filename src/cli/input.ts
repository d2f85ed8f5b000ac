// Opening a command's input file the way users expect: `-` is standard input; a missing file, a
// directory and an unreadable file each get their own message.
import { createReadStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { fsReason } from '../domain/errors';

export type Opened = { stream: NodeJS.ReadableStream } | { problem: string };

/** Opens `file` for reading (`-` = `stdin`), or says in one phrase why it cannot be read. */
export async function openInput(file: string, stdin: NodeJS.ReadableStream): Promise<Opened> {
  if (file === '-') return { stream: stdin };
  try {
    if (statSync(file).isDirectory())
      return { problem: `${file} is a directory; expected a log file (or - for standard input)` };
  } catch (e) {
    return { problem: describeFsError(file, e) };
  }
  const stream = createReadStream(file, { encoding: 'utf8' });
  try {
    await once(stream, 'open');
  } catch (e) {
    return { problem: describeFsError(file, e) };
  }
  return { stream };
}

/** `no such file: x`, `permission denied: x`, else the path and why it cannot be used. */
export function describeFsError(file: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `no such file: ${file}`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied: ${file}`;
  return `${file}: ${fsReason(e)}`;
}

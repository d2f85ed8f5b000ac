// A writable stream that keeps what is written, for asserting what a command prints.
import { Writable } from 'node:stream';

export function textSink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk, _enc, cb) {
      w.text += String(chunk);
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

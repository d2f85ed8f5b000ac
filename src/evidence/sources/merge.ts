// k-way merge of time-ordered async streams (one per log file or per source).

import type { LogEvent } from '../types';

/** Merges streams that are each sorted by `ts` into one stream sorted by `ts` (stable by input order). */
export async function* mergeByTime(streams: Array<AsyncIterable<LogEvent>>): AsyncGenerator<LogEvent> {
  const its = streams.map((s) => s[Symbol.asyncIterator]());
  const heads: Array<LogEvent | null> = await Promise.all(
    its.map(async (it) => ((await it.next()).value as LogEvent | undefined) ?? null),
  );
  try {
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h && (best < 0 || h.ts < (heads[best] as LogEvent).ts)) best = i;
      }
      if (best < 0) return;
      yield heads[best] as LogEvent;
      const r = await (its[best] as AsyncIterator<LogEvent>).next();
      heads[best] = r.done ? null : r.value;
    }
  } finally {
    await Promise.all(its.map((it, i) => (heads[i] && it.return ? it.return() : undefined)));
  }
}

// Dispatch of one physical line to the JSON, logfmt or plain-text parser.

import { parsePlainLine, type ParsedLine } from './header';
import type { HeaderHint } from './timestamps';
import { parseJsonLine, parseLogfmtLine } from './structured';

/** Parses one physical line: timestamp (null when it has none), level, message body. */
export function parseLine(line: string, refTime: number, hint?: HeaderHint): ParsedLine {
  const c = line.charCodeAt(0);
  if (c === 123 /* { */) {
    const json = parseJsonLine(line, refTime);
    if (json) return json;
  } else if (c >= 97 && c <= 122 && line.indexOf('=') > 0) {
    const lf = parseLogfmtLine(line, refTime);
    if (lf) return lf;
  }
  return parsePlainLine(line, refTime, hint);
}

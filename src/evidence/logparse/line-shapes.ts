// The shapes of a log line the assembler reads before its time: whether an untimed line continues the
// event before it (a stack frame, a traceback), the shape of its first token, colour codes to strip.

/**
 * Lines that continue the event before them when they carry no time of their own: Java, Python and Go
 * frames and markers, closing brackets, and a Go function as zap and panics print it (`net/http.(*conn).serve`).
 */
export const CONTINUATION =
  /^(?:at |(?:[\w.-]+\/)+[\w.-]+\.[\w.()*]+$|[\w-]+\.\(\*?\w+\)\.\w+|Caused by:|Suppressed:|\.\.\. ?\d+ (?:more|common frames omitted)|Traceback \(|During handling of the above|The above exception|goroutine \d+ \[|panic: |created by |\[signal |[\w$.]*(?:Exception|Error|Throwable|Fault)\b(?::|$)|[\w$]+(?:\.[\w$*()]+)+\(.*\)$|[}\])](?:[,;)\]}]*)$)/;

/** A traceback's last line after its indented frames: an exception type, then `: message` or nothing. */
export const EXCEPTION_LINE = /^[A-Za-z_][\w.$]*(?::(?:\s|$)|$)/;

/** The markers inside a Python traceback that are not its exception line. */
const TRACEBACK_MARKER = /^(?:Traceback \(|During handling of the above|The above exception)/;

/**
 * The line under a multi-line event's first line that says what kind of block it is: the first non-blank
 * one (a Java exception, a table's column header), except in a Python traceback, whose exception comes
 * last (`ValueError: bad amount`), after the frames: there it is the last unindented line of the block, the
 * exception finally raised when several are chained. `lines` are all the event's lines, its first included.
 */
export function blockLine(lines: readonly string[]): string | undefined {
  const rest = lines.slice(1);
  const next = rest.find((l) => !isBlank(l));
  if (next === undefined) return undefined;
  const traceback = isTraceback(lines[0] ?? '') || isTraceback(next);
  return (traceback ? tracebackException(rest) : undefined) ?? next.trim();
}

function isTraceback(line: string): boolean {
  return line.trimStart().startsWith('Traceback (');
}

/** The exception line of a traceback: its last non-blank line that is neither indented nor a marker. */
export function tracebackException(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] as string;
    const c = l.charCodeAt(0);
    if (isBlank(l) || c === 32 || c === 9 || TRACEBACK_MARKER.test(l)) continue;
    return l.trimEnd();
  }
  return undefined;
}

/** Terminal colour and cursor sequences (`ESC[32m`): a coloured console log reads as the plain one. */
// eslint-disable-next-line no-control-regex -- the escape character is what is being matched
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(line: string): string {
  return line.indexOf('\x1b') < 0 ? line : line.replace(ANSI, '');
}

/**
 * The shape of a line's first token when it looks like a header field (a run of letters and digits
 * as w, punctuation kept: `[2][main]` and `[2][7899933]` -> `[w][w]`, a thread name or a thread id in
 * the same slot); null for a plain word or number, or bare punctuation (`#`, `---`), which say nothing.
 */
export function startShape(line: string): string | null {
  let out = '';
  let punct = false;
  let word = false;
  let prev = '';
  for (let i = 0; i < line.length && i < 32; i++) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9) break;
    const k =
      (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127 ? 'w' : (line[i] as string);
    if (k !== 'w') punct = true;
    else word = true;
    if (k !== prev || k !== 'w') out += k;
    prev = k;
  }
  return punct && word ? out : null;
}

export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

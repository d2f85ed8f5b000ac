// Log line parsing without per-file configuration: JSON, logfmt and plain-text headers,
// and the assembly of multi-line events (stack traces, tracebacks, panics).

export type { ParsedLine } from './header';
export { parseLine } from './line';
export { normalizeLevel, levelRank, type Level } from './levels';
export { EventAssembler, type AssembledEvent, type AssemblerOptions } from './assembler';
export { parseTimeValue } from './timestamps';
export { unwrapEnvelope, type Envelope } from './envelope';

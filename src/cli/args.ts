// The one argument parser of every command (node:util parseArgs) and the conventions around it:
// `--help`/`-h` print usage to stdout and exit 0 before anything else runs; a usage error goes to
// stderr naming the bad flag, with the usage, and exits 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec<O extends OptionSpecs> {
  name: string;
  /** The program in messages; `incident-scout` unless given (tools have their own). */
  program?: string;
  /** How to ask for help, in usage errors; `<program> <name> --help` unless given. */
  helpCommand?: string;
  /** `analyze <scenario-dir> [--json] [--onset <ISO time>]` (without the program name). */
  usage: string;
  /** One paragraph after the usage line: what the command does, its options. */
  description: string;
  options: O;
  /** How many positional arguments the command takes. */
  positionals: { min: number; max: number };
}

export type Parsed<O extends OptionSpecs> = {
  values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string };
  positionals: string[];
};

/** Usage errors exit with this code (as sysexits' EX_USAGE family and most CLIs do). */
export const EXIT_USAGE = 2;

const HELP: OptionSpecs = { help: { type: 'boolean', short: 'h' } };

/** The full help of one command: usage line, then its description. */
export function commandHelp(spec: CommandSpec<OptionSpecs>): string {
  return `usage: ${spec.program ?? 'incident-scout'} ${spec.usage}\n\n${spec.description.trim()}\n`;
}

/**
 * Parses `args` for `spec`. Returns the values, or the exit code when the command must stop here:
 * 0 after printing help to `out`, 2 after printing a usage error to `err`.
 */
export function parseCommand<O extends OptionSpecs>(
  spec: CommandSpec<O>,
  args: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Parsed<O> | number {
  // Help wins over every other problem on the line, as in git and npm: `x --bogus --help` shows help.
  const beforeDashes = args.indexOf('--') === -1 ? args : args.slice(0, args.indexOf('--'));
  if (beforeDashes.some((a) => a === '--help' || a === '-h')) {
    out.write(commandHelp(spec as CommandSpec<OptionSpecs>));
    return 0;
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { ...HELP, ...spec.options }, allowPositionals: true, strict: true });
  } catch (e) {
    return usageError(spec, describeParseError(e), err);
  }
  // An empty argument (an unset shell variable: `analyze "$DIR"`) names nothing; say so rather than "no such file: ".
  if (parsed.positionals.includes('')) return usageError(spec, 'empty argument (is a shell variable unset?)', err);
  const n = parsed.positionals.length;
  if (n < spec.positionals.min) return usageError(spec, n === 0 ? 'missing argument' : 'too few arguments', err);
  if (n > spec.positionals.max) {
    return usageError(spec, `unexpected argument ${JSON.stringify(parsed.positionals[spec.positionals.max])}`, err);
  }
  return parsed as Parsed<O>;
}

/** Writes `<command>: <problem>` and the usage line to `err`; returns 2. */
export function usageError(
  spec: { name: string; usage: string; program?: string; helpCommand?: string },
  problem: string,
  err: NodeJS.WritableStream,
): number {
  const program = spec.program ?? 'incident-scout';
  const help = spec.helpCommand ?? `${program} ${spec.name} --help`;
  err.write(`${program} ${spec.name}: ${problem}\nusage: ${program} ${spec.usage}\n(see ${help})\n`);
  return EXIT_USAGE;
}

/** parseArgs' errors name the option in quotes inside a long sentence; keep the option and the problem. */
function describeParseError(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  const flag = /'(-[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) return `unknown option ${flag}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    return message.includes('argument missing') ? `option ${flag} needs a value` : `option ${flag} takes no value`;
  }
  return message.split('\n')[0] ?? message;
}

/** An argument that parses but names nothing usable (a missing file, a directory): one line, exit 2. */
export function argumentError(
  spec: { name: string; program?: string },
  problem: string,
  err: NodeJS.WritableStream,
): number {
  err.write(`${spec.program ?? 'incident-scout'} ${spec.name}: ${problem}\n`);
  return EXIT_USAGE;
}

// `incident-scout <command>`: the entry bin/incident-scout.js calls. Returns the exit code.
// Every command parses its arguments with the one parser in ./args, so `--help`/`-h` print usage to
// stdout and exit 0 before anything runs, and usage errors go to stderr, name the flag and exit 2.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, PACKAGE_ROOT, processEnv, type Config } from '../config';
import { ConfigError } from '../domain/errors';
import { EXIT_USAGE, parseCommand, usageError, type CommandSpec, type OptionSpecs } from './args';
import { fsReason } from '../domain/errors';

export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** Standard input, for `templates -`. */
  in?: NodeJS.ReadableStream;
}

interface Command {
  spec: CommandSpec<OptionSpecs>;
  summary: string;
  run: (args: string[], env: Record<string, string | undefined>, io: CliIo) => Promise<number>;
}

const serveSpec: CommandSpec<OptionSpecs> = {
  name: 'serve',
  usage: 'serve',
  description: `Run the Slack app: HTTP on PORT (default 3000; Slack's request URL is http(s)://<host>/slack/events,
health on /healthz), or Socket Mode when SLACK_APP_TOKEN is set. Configured by environment variables
(SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, EVIDENCE_DIR or PROMETHEUS_URL/LOKI_URL, REDIS_URL or
REDIS_SENTINELS, ...) and an optional incident-scout.yaml; see the README's configuration table.
Stops cleanly on SIGTERM or SIGINT.`,
  options: {},
  positionals: { min: 0, max: 0 },
};

const demoSpec: CommandSpec<OptionSpecs> = {
  name: 'demo',
  usage: 'demo [--out DIR]',
  description: `Open #inc-checkout-latency in a local Slack fake, let the bot investigate the bundled example
scenario (or EVIDENCE_DIR), approve its proposal as the demo's lead, resolve the incident (timeline and
postmortem draft), open a second incident of the same kind (its synthesis says "Seen before"), and print
both channels. The transcript and every file the bot uploaded (chart PNGs, the postmortem draft, text
files) are written into DIR (created when missing), or a new temporary folder without --out; the last
line of output names the folder. Needs no Slack workspace, no Redis and no API key.`,
  options: { out: { type: 'string' } },
  positionals: { min: 0, max: 0 },
};

const COMMANDS: Record<string, Command> = {
  serve: {
    spec: serveSpec,
    summary: 'Run the Slack app (HTTP on PORT, or Socket Mode with SLACK_APP_TOKEN).',
    run: async (args, env, io) => {
      const parsed = parseCommand(serveSpec, args, io.out, io.err);
      if (typeof parsed === 'number') return parsed;
      let config: Readonly<Config> | undefined;
      try {
        config = loadConfig(env, { requireSlack: true, requireEvidence: true });
        const { serve } = await import('../main');
        return await serve(config);
      } catch (e) {
        // Loaded here, not at the top: it brings in Bolt, which no other command needs (~150 ms of start-up).
        const { describeStartupError } = await import('./startup-errors');
        const failure = describeStartupError(e, config ?? { slack: { apiUrl: 'https://slack.com/api/', port: 3000 } });
        if (!failure) throw e;
        for (const line of failure.lines) io.err.write(`${line}\n`);
        return failure.exitCode;
      }
    },
  },
  demo: {
    spec: demoSpec,
    summary: 'Open #inc-checkout-latency in a local Slack fake and print what the bot posts.',
    run: async (args, env, io) => {
      const parsed = parseCommand(demoSpec, args, io.out, io.err);
      if (typeof parsed === 'number') return parsed;
      const { runDemo } = await import('../demo/run');
      try {
        const outDir = parsed.values.out;
        if (outDir !== undefined && outDir.trim() === '')
          return usageError(demoSpec, '--out needs a folder path', io.err);
        if (outDir !== undefined && fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) {
          return usageError(
            demoSpec,
            `--out ${JSON.stringify(outDir)} is a file; expected a folder (existing or to be created)`,
            io.err,
          );
        }
        // Made before the demo runs, so a folder that cannot be created is said at once, not after the demo.
        const made = outDir === undefined ? null : makeFolder(outDir);
        if (made) return usageError(demoSpec, `--out ${made}; expected a folder (existing or to be created)`, io.err);
        return await runDemo(io.out, io.err, { env, ...(outDir !== undefined ? { outDir } : {}) });
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        for (const line of e.problems) io.err.write(`${line}\n`);
        return EXIT_USAGE;
      }
    },
  },
  analyze: {
    spec: lazySpec('analyze', 'analyze <scenario-dir> [--json] [--onset <ISO time>]'),
    summary: 'Run the deterministic analyzers over a scenario directory and print the triage report.',
    run: async (args, _env, io) => (await import('./analyze')).analyzeCommand(args, io.out, io.err),
  },
  templates: {
    spec: lazySpec('templates', 'templates <logfile|-> [--json]'),
    summary: 'Fold the lines of a log file (or standard input: -) into templates with counts.',
    run: async (args, _env, io) =>
      (await import('./templates')).templatesCommand(args, io.out, io.err, io.in ?? process.stdin),
  },
  audit: {
    spec: lazySpec('audit', 'audit <incident-channel-id | #channel-name> [--json]'),
    summary: "Print an incident's audit trail from Redis (REDIS_URL or REDIS_SENTINELS).",
    run: async (args, env, io) => (await import('./audit')).auditCommand(args, io.out, io.err, env),
  },
  postmortem: {
    spec: lazySpec('postmortem', 'postmortem <incident-channel-id | #channel-name>'),
    summary: "Print an incident's postmortem draft (Markdown) from Redis (REDIS_URL or REDIS_SENTINELS).",
    run: async (args, env, io) => (await import('./postmortem')).postmortemCommand(args, io.out, io.err, env),
  },
};

/** Creates `dir` (and its parents); null when it exists or was made, else why it cannot be. */
function makeFolder(dir: string): string | null {
  try {
    fs.mkdirSync(dir, { recursive: true });
    return null;
  } catch (e) {
    return `${JSON.stringify(dir)} cannot be created (${fsReason(e)})`;
  }
}

/** The spec of a command whose module is loaded on use; only the usage line is needed for the overview. */
function lazySpec(name: string, usage: string): CommandSpec<OptionSpecs> {
  return { name, usage, description: '', options: {}, positionals: { min: 0, max: 0 } };
}

/** The help text: every command with its usage. */
export function cliHelp(): string {
  const entries: Array<[string, string]> = [
    ...Object.values(COMMANDS).map((c): [string, string] => [c.spec.usage, c.summary]),
    ['help [command]', "Show this help, or a command's."],
    ['--version', 'Print the version.'],
  ];
  const lines = entries.map(([usage, summary]) => `  incident-scout ${usage}\n      ${summary}`);
  return (
    'Incident Scout: Slack incident triage with read-only scouts and human-approved remediation.\n\n' +
    `Commands:\n${lines.join('\n')}\n\n` +
    'Every command takes --help (-h). Exit codes: 0 success, 1 failure, 2 usage or configuration error.\n'
  );
}

/** The package version, from the package.json that ships beside dist/. */
export function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/**
 * Runs one CLI command and returns its exit code; unknown commands and options print the problem and help
 * to stderr and return 2. Every expected failure has its own message in the commands; anything else (a bug,
 * an I/O error nobody foresaw) is one line and exit 1, its stack only with LOG_LEVEL=debug or trace.
 */
export async function main(
  argv: string[],
  env: Record<string, string | undefined> = processEnv(),
  io: CliIo = { out: process.stdout, err: process.stderr, in: process.stdin },
): Promise<number> {
  try {
    return await dispatch(argv, env, io);
  } catch (e) {
    const command = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? ` ${argv[0]}` : '';
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    const debug = env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace';
    io.err.write(
      `incident-scout${command}: unexpected error: ${message}${debug ? '' : ' (LOG_LEVEL=debug shows where)'}\n`,
    );
    if (debug && e instanceof Error && e.stack) io.err.write(`${e.stack}\n`);
    return 1;
  }
}

async function dispatch(argv: string[], env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.err.write(cliHelp());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h') {
    io.out.write(cliHelp());
    return 0;
  }
  if (name === '--version' || name === '-V') {
    io.out.write(`${version()}\n`);
    return 0;
  }
  if (name === 'help') {
    const topic = args[0];
    if (topic === undefined) {
      io.out.write(cliHelp());
      return 0;
    }
    return dispatch([topic, '--help'], env, io);
  }
  if (name.startsWith('-')) {
    io.err.write(`incident-scout: unknown option ${name}\n\n${cliHelp()}`);
    return EXIT_USAGE;
  }
  const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!cmd) {
    io.err.write(`incident-scout: unknown command "${name}"\n\n${cliHelp()}`);
    return EXIT_USAGE;
  }
  return cmd.run(args, env, io);
}

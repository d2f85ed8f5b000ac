// `incident-scout <command>`: the entry bin/incident-scout.js calls. Returns the exit code.
import { loadConfig, processEnv } from '../config';
import { ConfigError } from '../domain/errors';

export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

type Command = (args: string[], env: Record<string, string | undefined>, io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { usage: string; summary: string; run: Command }> = {
  serve: {
    usage: 'serve',
    summary: 'Run the Slack app (HTTP on PORT, or Socket Mode with SLACK_APP_TOKEN).',
    run: async (_args, env, io) => {
      try {
        const config = loadConfig(env, { requireSlack: true, requireEvidence: true });
        const { serve } = await import('../main');
        return await serve(config);
      } catch (e) {
        if (e instanceof ConfigError) {
          for (const p of e.problems) io.err.write(`${p}\n`);
          return 2;
        }
        throw e;
      }
    },
  },
  demo: {
    usage: 'demo',
    summary: 'Open #inc-checkout-latency in a local Slack fake and print what the bot posts.',
    run: async (_args, env, io) => {
      const { runDemo } = await import('../demo/run');
      return runDemo(io.out, io.err, { env });
    },
  },
  analyze: {
    usage: 'analyze <scenario-dir> [--onset <ISO time>] [--json]',
    summary: 'Run the deterministic analyzers over a scenario directory and print the triage report.',
    run: async (args, _env, io) => (await import('./analyze')).analyzeCommand(args, io.out, io.err),
  },
  templates: {
    usage: 'templates <logfile> [--json]',
    summary: 'Fold the lines of a log file into templates with counts.',
    run: async (args, _env, io) => (await import('./templates')).templatesCommand(args, io.out),
  },
  audit: {
    usage: 'audit <incident-channel-id> [--json]',
    summary: "Print an incident's audit trail from Redis (REDIS_URL).",
    run: async (args, env, io) => (await import('./audit')).auditCommand(args, io.out, io.err, env),
  },
};

/** The help text: every command with its usage. */
export function cliHelp(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  const lines = Object.values(COMMANDS).map((c) => `  incident-scout ${c.usage.padEnd(width)}  ${c.summary}`);
  return `Incident Scout: Slack incident triage with read-only scouts and human-approved remediation.\n\nCommands:\n${lines.join('\n')}\n  incident-scout ${'help'.padEnd(width)}  Show this help.\n`;
}

/** Runs one CLI command; unknown commands print help to stderr and return 2. */
export async function main(
  argv: string[],
  env: Record<string, string | undefined> = processEnv(),
  io: CliIo = { out: process.stdout, err: process.stderr },
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.err : io.out).write(cliHelp());
    return name === undefined ? 2 : 0;
  }
  const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!cmd) {
    io.err.write(`incident-scout: unknown command "${name}"\n\n${cliHelp()}`);
    return 2;
  }
  return cmd.run(args, env, io);
}

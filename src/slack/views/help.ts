// `/triage help` and usage replies, built from the same SUBCOMMANDS table the router uses.
import type { KnownBlock } from '@slack/types';
import { SUBCOMMANDS } from '../commands/parse';
import { context, esc, section } from './limits';

export interface Reply {
  text: string;
  blocks: KnownBlock[];
}

/** One line per subcommand, in table order. */
export function helpLines(): string[] {
  return SUBCOMMANDS.map((s) => `\`${s.usage}\` — ${s.summary}`);
}

/** The full help reply; `sources` as the kickoff names them. */
export function renderHelp(sources: string[] = []): Reply {
  const lines = helpLines();
  const from = sources.length > 0 ? [`Evidence sources: ${sources.map(esc).join(', ')}.`] : [];
  return {
    text: `Incident Scout commands:\n${lines.join('\n')}${from.length ? `\n${from.join('')}` : ''}`,
    blocks: [
      section(`*Incident Scout* investigates incident channels with read-only scouts.\n${lines.join('\n')}`),
      context([
        'Ask a question: mention `@Incident Scout <question>` inside an investigation thread.',
        'Approve or reject a proposal with the buttons on its card; only its named approvers can.',
        ...from,
      ]),
    ],
  };
}

/** What was wrong with a command, and how to write it. */
export function renderUsageError(problem: string, usage?: string): Reply {
  const how = usage ? `Usage: \`${usage}\`` : 'Try `/triage help` for the list of commands.';
  return { text: `${problem}\n${how}`, blocks: [section(`:warning: ${problem}\n${how}`)] };
}

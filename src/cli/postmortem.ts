// `incident-scout postmortem <channel>`: prints an incident's postmortem draft (Markdown) from the bot's
// Redis, the same text `/triage resolve` uploads. The channel is its id (C0123ABCD) or its name (#inc-x).
import { renderPostmortem } from '../incidents/postmortem';
import { readIncidentRecord } from '../incidents/record';
import { parseCommand, type CommandSpec } from './args';
import { findIncident, noIncident, withBotStore } from './store';

export const POSTMORTEM_SPEC = {
  name: 'postmortem',
  usage: 'postmortem <incident-channel-id | #channel-name>',
  description: `Print an incident's postmortem draft (Markdown: summary, impact, timeline, root-cause hypothesis
with its evidence, what was done, open questions) from the bot's Redis: REDIS_URL, or REDIS_SENTINELS with
REDIS_SENTINEL_NAME, and REDIS_PREFIX as the bot uses them. The same text /triage resolve uploads; an
incident not yet resolved gets a draft that says so.`,
  options: {},
  positionals: { min: 1, max: 1 },
} satisfies CommandSpec<Record<string, never>>;

/** Prints the draft; exit 0 when printed, 1 when there is no such incident or Redis fails, 2 on usage. */
export async function postmortemCommand(
  args: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  env: Record<string, string | undefined> = {},
): Promise<number> {
  const parsed = parseCommand(POSTMORTEM_SPEC, args, out, err);
  if (typeof parsed === 'number') return parsed;
  const channel = parsed.positionals[0] as string;
  return withBotStore(POSTMORTEM_STORE, env, err, async (store, prefix) => {
    const incident = await findIncident(store, channel);
    const record = incident ? await readIncidentRecord(store, incident.id) : null;
    if (!record) {
      err.write(noIncident('postmortem', channel, prefix));
      return 1;
    }
    out.write(renderPostmortem(record));
    return 0;
  });
}

const POSTMORTEM_STORE = { name: 'postmortem', what: "an incident's record", inSlack: '/triage resolve' };

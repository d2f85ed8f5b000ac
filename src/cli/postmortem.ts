// `incident-scout postmortem <channel>`: prints an incident's postmortem draft (Markdown) from the bot's
// Redis, the same text `/triage resolve` uploads. The channel is its id (C0123ABCD) or its name (#inc-x).
import type { Incident } from '../domain/types';
import { renderPostmortem } from '../incidents/postmortem';
import { readIncidentRecord } from '../incidents/record';
import type { Store } from '../store';
import { incidentDocs } from '../store/kinds';
import { parseCommand, type CommandSpec } from './args';
import { withBotStore } from './store';

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

/** The incident of a channel id, else of a channel name (with or without `#`); null when there is none. */
async function findIncident(store: Store, channel: string): Promise<Incident | null> {
  const incidents = incidentDocs.in(store);
  const byId = await incidents.get(channel);
  if (byId) return byId;
  const name = channel.replace(/^#/, '');
  for (const id of await incidents.list('')) {
    const incident = await incidents.get(id);
    if (incident?.channelName === name) return incident;
  }
  return null;
}

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
      err.write(
        `incident-scout postmortem: no incident for channel ${JSON.stringify(channel)} in this Redis (prefix ${prefix}); give the channel id (C0123ABCD) or name (#inc-...) of a channel the bot investigated.\n`,
      );
      return 1;
    }
    out.write(renderPostmortem(record));
    return 0;
  });
}

const POSTMORTEM_STORE = { name: 'postmortem', what: "an incident's record", inSlack: '/triage resolve' };

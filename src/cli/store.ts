// The bot's Redis for the offline commands (audit, postmortem): opened with the settings the bot uses
// (REDIS_URL or REDIS_SENTINELS, REDIS_PREFIX), with the same messages when there is nothing to open.
import pino from 'pino';
import { loadConfig } from '../config';
import { ConfigError } from '../domain/errors';
import type { Incident } from '../domain/types';
import { RedisStore, connectRedis, type Store } from '../store';
import { describeTarget } from '../store/connection';
import { incidentDocs } from '../store/kinds';
import { StoreUnavailable } from '../store/errors';
import { EXIT_USAGE } from './args';

export interface StoreCommand {
  /** The command's name, in messages and the Redis connection name. */
  name: string;
  /** What lives only inside the running bot without Redis (`the audit trail`). */
  what: string;
  /** What to do in Slack instead (`/triage audit`). */
  inSlack: string;
}

/**
 * Opens the store, runs `use` and closes it; returns `use`'s exit code, 2 when the configuration gives
 * no Redis to read, 1 when Redis cannot be reached (naming where it was looked for).
 */
export async function withBotStore(
  command: StoreCommand,
  env: Record<string, string | undefined>,
  err: NodeJS.WritableStream,
  use: (store: Store, prefix: string) => Promise<number>,
): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err.write(`${e.problems.join('\n')}\n`);
    return EXIT_USAGE;
  }
  const { target, prefix } = config.redis;
  if (!target) {
    err.write(
      `REDIS_URL is not set (nor REDIS_SENTINELS): without Redis ${command.what} lives only inside the running bot and there is nothing persistent to read.\nUse ${command.inSlack} in the incident channel, or set REDIS_URL to the bot's Redis.\n`,
    );
    return EXIT_USAGE;
  }
  const store = new RedisStore(
    connectRedis(target, pino({ level: 'silent' }), {
      purpose: 'store',
      connectionName: `${prefix}${command.name}-cli`,
    }),
    { prefix, logger: pino({ level: 'silent' }) },
  );
  try {
    return await use(store, prefix);
  } catch (e) {
    const variable = typeof target === 'string' ? 'REDIS_URL' : 'REDIS_SENTINELS';
    err.write(
      e instanceof StoreUnavailable
        ? `incident-scout ${command.name}: cannot reach Redis at ${describeTarget(target)} (check ${variable} and that Redis is up)\n`
        : `incident-scout ${command.name}: could not read ${command.what} from Redis: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    return 1;
  } finally {
    await store.close();
  }
}

/** The incident of a channel id, else of a channel name (with or without `#`); null when there is none. */
export async function findIncident(store: Store, channel: string): Promise<Incident | null> {
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

/** The line for a channel the bot has no incident for: a typo must not read as an empty record. */
export function noIncident(command: string, channel: string, prefix: string): string {
  return `incident-scout ${command}: no incident for channel ${JSON.stringify(channel)} in this Redis (prefix ${prefix}); give the channel id (C0123ABCD) or name (#inc-...) of a channel the bot investigated.\n`;
}

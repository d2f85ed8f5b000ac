// What the Poster keeps in the store: a record per idempotent post and its caches of Slack users and
// usergroups. Declared here, beside their only owner.
import { z } from 'zod';
import { defineKind } from '../store/repository';

/** One idempotent post, by its key: who claimed it, and its ts once made. */
export const postedDocs = defineKind(
  'posted',
  z.looseObject({
    state: z.enum(['claimed', 'posted', 'failed']),
    channel: z.string(),
    owner: z.string(),
    at: z.number(),
    ts: z.string().exactOptional(),
  }),
);
export type PostedDoc = z.infer<typeof postedDocs.schema>;

/** A Slack user's display name and whether it is a bot, by user id. */
export const userDocs = defineKind('usercache', z.looseObject({ name: z.string(), isBot: z.boolean() }));
export type UserDoc = z.infer<typeof userDocs.schema>;

/** A usergroup's members as Slack listed them at `fetchedAt`; `changedAt`: when Slack last said they changed. */
export const groupDocs = defineKind(
  'groupcache',
  z.looseObject({ users: z.array(z.string()), fetchedAt: z.number(), changedAt: z.number() }),
);
export type GroupDoc = z.infer<typeof groupDocs.schema>;

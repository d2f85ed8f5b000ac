// subteam_members_changed / subteam_updated -> forget the cached member list of that usergroup, so
// the next Approve click checks the approver policy against Slack's current list.
import { z } from 'zod';
import type { ListenerDeps } from '../deps';

const event = z.union([
  z
    .object({ type: z.literal('subteam_members_changed'), subteam_id: z.string().min(1) })
    .transform((e) => e.subteam_id),
  z
    .object({ type: z.literal('subteam_updated'), subteam: z.object({ id: z.string().min(1) }) })
    .transform((e) => e.subteam.id),
]);

/** Drops the cached members of the usergroup Slack says has changed. */
export function onUsergroupChanged(deps: Pick<ListenerDeps, 'poster' | 'logger'>) {
  return async ({ event: raw }: { event: unknown }): Promise<void> => {
    const parsed = event.safeParse(raw);
    if (!parsed.success) {
      deps.logger.warn('usergroup event without a usergroup id; ignored');
      return;
    }
    await deps.poster.forgetUsergroup(parsed.data);
    deps.logger.info({ usergroup: parsed.data }, 'usergroup members changed; the next approver check asks Slack');
  };
}

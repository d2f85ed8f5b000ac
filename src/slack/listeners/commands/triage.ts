// `/triage` (acked by dispatch.ts): parse, route to a service, answer the person ephemerally via respond.
// The ROUTES table is keyed by the same names as SUBCOMMANDS (help is generated from that table).
import { z } from 'zod';
import { NotFoundError } from '../../../domain/errors';
import type { Incident } from '../../../domain/types';
import { withContext } from '../../../logging';
import { parseTriage, type SubcommandName, type TriageCommand } from '../../commands/parse';
import { toUserFacing } from '../../errors';
import { renderHelp, renderUsageError, type Reply } from '../../views/help';
import { plain, renderCatalog, renderStatusReply } from '../../views/replies';
import type { ListenerDeps, Respond } from '../deps';

const payload = z.object({
  text: z.string().default(''),
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  channel_name: z.string().default(''),
});

export interface TriageContext {
  deps: ListenerDeps;
  userId: string;
  channelId: string;
  channelName: string;
}

type Route<K extends SubcommandName> = (ctx: TriageContext, cmd: Extract<TriageCommand, { name: K }>) => Promise<Reply>;

async function incidentOrExplain(ctx: TriageContext): Promise<Incident> {
  const incident = await ctx.deps.incidents.find(ctx.channelId);
  if (!incident)
    throw new NotFoundError('This channel is not an incident yet. Run `/triage start` here to investigate it.');
  return incident;
}

/** One handler per subcommand; `satisfies` makes a missing or extra subcommand a compile error. */
export const ROUTES = {
  help: async (ctx) => renderHelp(ctx.deps.sources),
  start: async (ctx, cmd) => {
    const { incident } = await ctx.deps.incidents.ensure({
      channelId: ctx.channelId,
      channelName: ctx.channelName,
      userId: ctx.userId,
      trigger: 'slash',
      ...(cmd.since !== undefined ? { createdAt: cmd.since } : {}),
      ...(cmd.description ? { description: cmd.description } : {}),
    });
    const { investigation, created } = await ctx.deps.investigations.start({
      incident,
      trigger: 'slash',
      userId: ctx.userId,
      ...(cmd.since !== undefined ? { since: cmd.since } : {}),
      ...(cmd.description ? { description: cmd.description } : {}),
    });
    return created
      ? plain(`Started investigation round ${investigation.round}; findings will appear in its thread.`)
      : plain(
          `Round ${investigation.round} is already ${investigation.state}. Use \`/triage stop\` first, or \`/triage deeper [focus]\` when it is done.`,
        );
  },
  status: async (ctx) => {
    const incident = await incidentOrExplain(ctx);
    return renderStatusReply(await ctx.deps.investigations.status(incident.id), incident.channelName);
  },
  stop: async (ctx) => {
    const incident = await incidentOrExplain(ctx);
    const stopped = await ctx.deps.investigations.stop(incident.id, ctx.userId);
    return stopped
      ? plain(`Stopping round ${stopped.round}; what the scouts found so far will be posted in its thread.`)
      : plain('Nothing is running here.');
  },
  deeper: async (ctx, cmd) => {
    const incident = await incidentOrExplain(ctx);
    const { investigation, created } = await ctx.deps.investigations.deeper(incident.id, ctx.userId, cmd.focus);
    return created
      ? plain(`Started round ${investigation.round}${cmd.focus ? ` focused on "${cmd.focus}"` : ''}.`)
      : plain(`Round ${investigation.round} is still ${investigation.state}; wait for it or \`/triage stop\` it.`);
  },
  propose: async (ctx, cmd) => {
    const incident = await incidentOrExplain(ctx);
    const proposal = await ctx.deps.remediation.proposeByPerson({
      incidentId: incident.id,
      channelId: ctx.channelId,
      actionId: cmd.actionId,
      args: cmd.args,
      actor: { userId: ctx.userId },
    });
    return plain(
      `Proposed \`${proposal.actionId}\` (${proposal.id}); it needs ${proposal.requiredApprovals} approval${proposal.requiredApprovals === 1 ? '' : 's'} on its card.`,
    );
  },
  actions: async (ctx) => renderCatalog(ctx.deps.remediation.catalog()),
  audit: async (ctx) => {
    const incident = await incidentOrExplain(ctx);
    const { records, inThread } = await ctx.deps.remediation.exportAudit({
      incidentId: incident.id,
      channelId: ctx.channelId,
      actor: { userId: ctx.userId },
    });
    return plain(
      `Uploaded the audit trail (${records} records) ${inThread ? "to the latest investigation's thread" : 'to this channel'}.`,
    );
  },
  resolve: async (ctx, cmd) => {
    const incident = await incidentOrExplain(ctx);
    const { resolved, resolution, inThread } = await ctx.deps.resolutions.resolve({
      incidentId: incident.id,
      userId: ctx.userId,
      ...(cmd.summary ? { summary: cmd.summary } : {}),
    });
    if (!resolved)
      return plain(
        `This incident was already resolved at ${resolution.at.slice(11, 16)} UTC by ${resolution.byName ?? resolution.by}; its timeline and postmortem draft are posted once.`,
      );
    return plain(
      `Resolved. The timeline and the postmortem draft are ${inThread ? "in the latest investigation's thread" : 'in this channel'}.`,
    );
  },
} satisfies { [K in SubcommandName]: Route<K> };

function route(ctx: TriageContext, cmd: TriageCommand): Promise<Reply> {
  // The union narrows per case, so each call is checked against its own route's parameter type.
  switch (cmd.name) {
    case 'help':
      return ROUTES.help(ctx);
    case 'start':
      return ROUTES.start(ctx, cmd);
    case 'status':
      return ROUTES.status(ctx);
    case 'stop':
      return ROUTES.stop(ctx);
    case 'deeper':
      return ROUTES.deeper(ctx, cmd);
    case 'propose':
      return ROUTES.propose(ctx, cmd);
    case 'actions':
      return ROUTES.actions(ctx);
    case 'audit':
      return ROUTES.audit(ctx);
    case 'resolve':
      return ROUTES.resolve(ctx, cmd);
  }
}

/** The `/triage` handler (run after the ack): answers only the person who typed it. */
export function onTriage(deps: ListenerDeps) {
  return async ({ command, respond }: { command: unknown; respond: Respond }): Promise<void> => {
    const reply = (r: Reply) => respond({ response_type: 'ephemeral', text: r.text, blocks: r.blocks });
    const p = payload.safeParse(command);
    if (!p.success) {
      await reply(plain('I could not read that command.'));
      return;
    }
    const ctx: TriageContext = {
      deps: { ...deps, logger: withContext(deps.logger, { incidentId: p.data.channel_id, slackUser: p.data.user_id }) },
      userId: p.data.user_id,
      channelId: p.data.channel_id,
      channelName: p.data.channel_name,
    };
    const parsed = parseTriage(p.data.text, deps.clock.now());
    if (!parsed.ok) {
      await reply(renderUsageError(parsed.problem, parsed.usage));
      return;
    }
    try {
      await reply(await route(ctx, parsed.command));
    } catch (err) {
      const f = toUserFacing(err, ctx.deps.logger, { command: parsed.command.name });
      await reply(plain(f.text));
    }
  };
}

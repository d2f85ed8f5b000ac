// topology: the call graph around a service; the deterministic plan reports it when a scout has nothing else.
import { z } from 'zod';
import { dependencies, dependents } from '../../evidence/analyzers/graph';
import type { ToolItem } from '../types';
import { defineTool } from './define';
import { clip, service } from './shared';

export const topology = defineTool({
  name: 'topology',
  description: 'The call graph around a service: what it calls and what calls it.',
  input: z.object({ service: service.optional() }).strict(),

  async run({ ctx, inScope }, input) {
    const src = await ctx.backend('topology');
    const topo = await ctx.topology();
    if (!topo) return { header: 'no topology known', items: [] };
    const nodes = topo.services.filter(
      (n) =>
        inScope(n.name) &&
        (!input.service ||
          n.name === input.service ||
          dependencies(topo, input.service).includes(n.name) ||
          dependents(topo, input.service).includes(n.name)),
    );
    const items: ToolItem[] = nodes.slice(0, 20).map((n) => {
      const calls = n.calls.filter(inScope);
      const callers = topo.services.filter((m) => m.calls.includes(n.name) && inScope(m.name)).map((m) => m.name);
      return {
        source: src,
        service: n.name,
        excerpt: clip(`${n.name} (${n.kind}) calls [${calls.join(', ')}]; called by [${callers.join(', ')}]`),
      };
    });
    return { header: `${nodes.length} services${input.service ? ` around ${input.service}` : ''}`, items };
  },

  plan: {
    fallback: true,
    async run({ service: svc, call }) {
      const r = await call(svc ? { service: svc } : {});
      return {
        claims: [
          {
            text: `Call graph: ${r.evidence
              .map((e) => e.excerpt)
              .slice(0, 5)
              .join('; ')}`,
            evidence: r.evidence.slice(0, 5).map((e) => e.id),
          },
        ],
        summary: `${r.evidence.length} services in the call graph`,
      };
    },
  },
});

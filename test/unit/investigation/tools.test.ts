import { TOOL_NAMES } from '../../../src/domain/tools';
import { gateToolDefs } from '../../../src/investigation/llm';
import { TOOLS, toolFor } from '../../../src/investigation/tools';

describe('the tool registry', () => {
  it('registers every tool a scouts manifest may grant, once, under its own name', () => {
    expect(TOOLS.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
    for (const name of TOOL_NAMES) expect(toolFor(name).name).toBe(name);
  });

  it('gives Claude each granted tool with its description and an object schema without $schema', () => {
    const defs = gateToolDefs(['logs_search', 'changes_list']);
    expect(defs.map((d) => d.name)).toEqual(['logs_search', 'changes_list']);
    expect(defs[0]!.description).toMatch(/Log lines containing a text/);
    expect(defs[0]!.input_schema).toMatchObject({ type: 'object', required: ['query'] });
    expect(defs[0]!.input_schema).not.toHaveProperty('$schema');
  });

  it('refuses input its schema does not allow, naming the field', () => {
    const r = toolFor('logs_search').prepare({ query: 'x', extra: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.issues.map((i) => i.path.join('.') || i.message).join(' ')).toMatch(/query/);
  });
});

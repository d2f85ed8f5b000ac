import type { z } from 'zod';

/**
 * Turns zod issues into one line per problem: `<where> <field>: <expectation>`.
 * `where` is "env" or a file path; field paths are dotted (`scouts[1].budget.max_turns`).
 */
export function formatIssues(where: string, error: z.ZodError, fieldNames?: (path: PropertyKey[]) => string): string[] {
  return error.issues.map((issue) => {
    const field = fieldNames ? fieldNames(issue.path) : dotted(issue.path);
    return `${where} ${field || '(root)'}: ${issue.message}`;
  });
}

export function dotted(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

import type { z } from 'zod';
import { parse as parseYaml } from 'yaml';

/**
 * Turns zod issues into one line per problem: `<where> <field>: <expectation>`.
 * `where` is "env" or a file path; field paths are dotted (`scouts[1].budget.max_turns`).
 */
export function formatIssues(where: string, error: z.ZodError, fieldNames?: (path: PropertyKey[]) => string): string[] {
  return error.issues.map((issue) => {
    const field = fieldNames ? fieldNames(issue.path) : dotted(issue.path);
    return `${where}${field ? ` ${field}` : ''}: ${plainMessage(issue)}`;
  });
}

/** zod's generic wording in plain words: a missing field says "missing", an unknown key is named. */
function plainMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  const missing = /^Invalid input: expected (\w+), received undefined$/.exec(issue.message);
  if (missing) return `missing (expected ${article(missing[1] as string)})`;
  // zod's `Invalid option: expected one of "low"|"medium"` reads as code; the env variables say it in words.
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid option'))
    return `expected one of ${issue.values.map(String).join(', ')}`;
  const wrong = /^Invalid input: expected (\w+), received (\w+)$/.exec(issue.message);
  if (wrong) return `expected ${article(wrong[1] as string)}, got ${article(wrong[2] as string)}`;
  return issue.message;
}

function article(type: string): string {
  const word = type === 'array' ? 'list' : type === 'object' ? 'mapping' : type;
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

export function dotted(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

/** Parses YAML text with a zod schema; the problems name the file and the field, one line each. */
export function parseYamlWith<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
): { data: z.output<S> } | { problems: string[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    // The yaml library's first line ends with a colon that introduced the excerpt left behind.
    const reason = ((err as Error).message.split('\n')[0] ?? '').replace(/:$/, '');
    return { problems: [`${file}: not valid YAML (${reason})`] };
  }
  const parsed = schema.safeParse(raw ?? {});
  return parsed.success ? { data: parsed.data } : { problems: formatIssues(file, parsed.error) };
}

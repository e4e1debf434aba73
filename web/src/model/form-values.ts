import type { FieldProblem } from '../api.js';

/**
 * Forms name their fields by the path of the value in the request body (`message`,
 * `vendorContact.url`), so the server's problems, which carry that path, land beside their field.
 */

/** The body a form's values make: dotted names nest, and empty optional fields are left out. */
export function bodyOf(values: Record<string, string>, optional: ReadonlySet<string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(values)) {
    if (raw.trim() === '' && optional.has(name)) continue;
    const keys = name.split('.');
    let target = body;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[keys.at(-1)!] = raw;
  }
  return body;
}

export interface Problems {
  /** Messages for each field, by its name. */
  byField: Record<string, string[]>;
  /** Messages that belong to no field of the form (the case changed, the plan does not allow it). */
  general: string[];
}

/**
 * Sorts the server's problems to the form's fields. A problem about a group (`vendorContact`, when
 * it is missing) goes to its first field; one about a field the form does not have is general.
 */
export function problemsFor(issues: readonly FieldProblem[], fieldNames: readonly string[]): Problems {
  const byField: Record<string, string[]> = {};
  const general: string[] = [];
  for (const issue of issues) {
    const field = fieldNames.includes(issue.path) ? issue.path : fieldNames.find((name) => name.startsWith(`${issue.path}.`));
    if (field) (byField[field] ??= []).push(issue.message);
    else general.push(issue.message);
  }
  return { byField, general };
}

import type { z } from 'zod';
import type { FieldIssue } from './result.js';

/** Every zod issue as `{path, message}` with a dotted path, so clients can put each beside its field. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

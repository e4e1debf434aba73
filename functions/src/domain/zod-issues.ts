import type { z } from 'zod';
import { domainError, fail, ok, type FieldIssue, type Result } from './result.js';

/** Every zod issue as `{path, message}` with a dotted path, so clients can put each beside its field. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

/**
 * Parses what a person or a partner sent: the schema's problems and the broken text
 * ({@link brokenTextIssues}) reported together, as one `invalid_request` with `message`.
 */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, message: string): Result<T> {
  const parsed = schema.safeParse(input);
  const broken = brokenTextIssues(input);
  if (parsed.success && broken.length === 0) return ok(parsed.data);
  const issues = [...(parsed.success ? [] : toFieldIssues(parsed.error)), ...broken];
  return fail(domainError('invalid_request', message, { issues }));
}

// In a `u` regex a surrogate pair is one code point, so \p{Cs} matches only a surrogate standing alone.
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = (text: string) => !LONE_SURROGATE.test(text);

/**
 * JSON may carry a lone UTF-16 surrogate (`"\ud800"`), which no schema sees as wrong but Firestore
 * refuses at commit, turning a bad field into a 500. Every string in the input (keys too) must be
 * well-formed Unicode; each one that is not is a field problem of its own.
 */
export function brokenTextIssues(input: unknown, path: string[] = []): FieldIssue[] {
  if (typeof input === 'string') {
    return wellFormed(input) ? [] : [{ path: path.join('.') || '(body)', message: 'This text holds a broken character (a lone UTF-16 surrogate); send it as valid Unicode' }];
  }
  if (typeof input !== 'object' || input === null) return [];
  return Object.entries(input).flatMap(([key, value]) =>
    wellFormed(key) ? brokenTextIssues(value, [...path, key]) : [{ path: [...path, '(a field name)'].join('.'), message: 'A field name holds a broken character (a lone UTF-16 surrogate)' }],
  );
}

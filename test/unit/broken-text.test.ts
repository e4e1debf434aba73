import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { brokenTextIssues } from '../../functions/src/domain/zod-issues.js';
import { validate } from '../../functions/src/handlers/http-function.js';

/**
 * A lone UTF-16 surrogate passes every schema but Firestore refuses it at commit. parseInput, which
 * validate() and intake's parseSubmission both go through, answers it as a field problem beside the
 * schema's own, before anything is written.
 */
describe('text that is not well-formed Unicode', () => {
  const Body = z.object({ title: z.string(), tags: z.array(z.string()) });

  it('is a problem of the field it is in, reported with the schema problems at once', () => {
    const result = validate(Body, JSON.parse('{"title": "disk \\ud800 full", "tags": [3, "ok", "\\udfff"]}'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_request');
    expect(result.error.issues?.map((i) => i.path)).toEqual(['tags.0', 'title', 'tags.2']);
    expect(result.error.issues?.[1]?.message).toMatch(/broken character/);
  });

  it('is found in field names too', () => {
    expect(brokenTextIssues(JSON.parse('{"a": {"\\ud83d": 1}}'))).toEqual([{ path: 'a.(a field name)', message: expect.stringMatching(/field name/) }]);
  });

  it('leaves surrogate pairs, emoji and other scripts alone', () => {
    expect(validate(Body, { title: 'Fehler 😀 ошибка 错误 \u{1F9EA}', tags: ['👩‍💻'] })).toEqual({ ok: true, value: { title: 'Fehler 😀 ошибка 错误 \u{1F9EA}', tags: ['👩‍💻'] } });
    expect(brokenTextIssues(['\ud83d\ude00', 1, null, true])).toEqual([]);
  });
});

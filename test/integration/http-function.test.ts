import { gzipSync } from 'node:zlib';
import { http } from '@google-cloud/functions-framework';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { intakeHandler } from '../../functions/src/handlers/intake.js';
import type { CaseStore } from '../../functions/src/ports/case-store.js';
import { aSubmission } from '../builders.js';
import { createHarness, resetFirestore, seedOrgs, serveFunction, signedInAs, type Harness } from './harness.js';
import { PEOPLE } from '../tokens.js';

/**
 * The one HTTP shape, through the real Functions Framework: every answer is DESIGN.md's JSON error
 * body, also for what the framework's body parser refuses before a function runs, for an unexpected
 * failure (500, nothing internal in the body) and for a dependency that is down (503, Retry-After).
 */

let h: Harness;
let intake: { url: string; close(): Promise<void> };

beforeAll(async () => {
  h = createHarness();
  intake = await serveFunction('intake');
});
afterAll(async () => {
  await intake.close();
  await h.close();
});
beforeEach(async () => {
  await resetFirestore();
  await seedOrgs(h.db, { 'org-premium': { name: 'Globex', supportPlan: 'premium' } });
});

interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

async function errorOf(res: Response): Promise<ErrorBody['error']> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

const countCases = async () => (await h.db.collection('cases').count().get()).data().count;

const validCase = aSubmission({ subject: 'Volumes go read-only', priority: 'P2' });

describe('what the Functions Framework refuses before a function runs', () => {
  it.each([
    ['malformed JSON', { 'content-type': 'application/json' }, '{"orgId": ', 400, 'invalid_request'],
    ['a bare JSON string (strict parsing)', { 'content-type': 'application/json' }, '"a case"', 400, 'invalid_request'],
    ['an unsupported charset', { 'content-type': 'application/json; charset=klingon' }, JSON.stringify(validCase), 415, 'unsupported_media_type'],
    ['an unknown Content-Encoding', { 'content-type': 'application/json', 'content-encoding': 'br-x' }, JSON.stringify(validCase), 415, 'unsupported_media_type'],
    ['a broken gzip body', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'not gzip at all', 400, 'invalid_request'],
    ['an oversize body that is not JSON either', { 'content-type': 'application/json' }, `{"x": "${'a'.repeat(70 * 1024)}`, 413, 'payload_too_large'],
  ])('%s: JSON error body, and nothing stored', async (_name, headers, body, status, code) => {
    const res = await fetch(`${intake.url}/cases`, { method: 'POST', headers, body });
    expect(res.status).toBe(status);
    expect((await errorOf(res)).code).toBe(code);
    expect(await countCases()).toBe(0);
  });

  it('a well-formed gzip body is read as sent (the framework inflates it)', async () => {
    const res = await fetch(`${intake.url}/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...signedInAs(h, PEOPLE.grace) },
      body: gzipSync(JSON.stringify(validCase)),
    });
    expect(res.status).toBe(201);
  });

  it('is logged, without the body', async () => {
    const before = h.deps.log.entries.length;
    await fetch(`${intake.url}/cases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"secret": ' });
    const logged = h.deps.log.entries.slice(before);
    expect(logged).toContainEqual(expect.objectContaining({ severity: 'WARNING', message: 'request refused before routing', status: 400 }));
    expect(JSON.stringify(logged)).not.toContain('secret');
  });
});

describe('routing', () => {
  it('an unknown path is 404 not_found', async () => {
    const res = await fetch(`${intake.url}/nothing/here`);
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('not_found');
  });

  it('a known path with another method is 405 naming the methods it answers', async () => {
    const res = await fetch(`${intake.url}/cases`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, GET');
    expect((await errorOf(res)).code).toBe('method_not_allowed');
  });
});

describe('an unexpected failure', () => {
  /** The real store, but one call fails the way a client library fails. */
  const failingStore = (error: Error & { code?: unknown }): CaseStore =>
    new Proxy(h.deps.store, {
      get: (target, prop, receiver) => (prop === 'createCase' ? () => Promise.reject(error) : Reflect.get(target, prop, receiver)),
    });

  async function intakeWith(name: string, store: CaseStore) {
    http(name, intakeHandler({ ...h.deps, store, projectId: 'demo-tandem-test', publicUrl: 'http://tandem.test' }));
    return serveFunction(name);
  }

  it('is 500 internal with nothing internal in the body, logged with the trace', async () => {
    const broken = await intakeWith('intakeBroken', failingStore(Object.assign(new Error('secret internal detail at /srv/app.js:12'), { code: 'EBUG' })));
    try {
      const trace = '0123456789abcdef0123456789abcdef';
      const res = await fetch(`${broken.url}/cases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cloud-trace-context': `${trace}/1;o=1`, ...signedInAs(h, PEOPLE.grace) },
        body: JSON.stringify(validCase),
      });
      expect(res.status).toBe(500);
      const text = await res.clone().text();
      expect(text).not.toContain('secret internal detail');
      expect(text).not.toContain('app.js');
      expect((await errorOf(res)).code).toBe('internal');
      expect(h.deps.log.entries).toContainEqual(
        expect.objectContaining({ severity: 'ERROR', 'logging.googleapis.com/trace': `projects/demo-tandem-test/traces/${trace}` }),
      );
    } finally {
      await broken.close();
    }
  });

  it.each([
    ['gRPC UNAVAILABLE (14)', 14],
    ['gRPC DEADLINE_EXCEEDED (4)', 4],
    ['a refused connection', 'ECONNREFUSED'],
  ])('a dependency down (%s) is 503 unavailable with Retry-After', async (_name, code) => {
    const down = await intakeWith(`intakeDown${String(code)}`, failingStore(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code })));
    try {
      const res = await fetch(`${down.url}/cases`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedInAs(h, PEOPLE.grace) }, body: JSON.stringify(validCase) });
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const error = await errorOf(res);
      expect(error.code).toBe('unavailable');
      expect(error.message).not.toContain('UNAVAILABLE');
    } finally {
      await down.close();
    }
  });
});

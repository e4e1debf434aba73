import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllableClock } from '../../dev/controllable-clock.js';
import { DevSecretStore } from '../../dev/dev-secret-store.js';
import { SecretManagerSecretStore, type Fetch } from '../../functions/src/adapters/secret-manager-secret-store.js';

const secretNew = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const secretOld = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;

describe('DevSecretStore', () => {
  let dir: string;
  const file = async (name: string, content: string) => {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tandem-secrets-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("returns a partner's secrets newest first, as listed in the file", async () => {
    const store = new DevSecretStore(await file('ok.json', JSON.stringify({ netapp: [secretNew, secretOld], sap: [secretNew] })));
    expect(await store.partnerWebhookSecrets('netapp')).toEqual([secretNew, secretOld]);
    expect(await store.partnerWebhookSecrets('sap')).toEqual([secretNew]);
  });

  it('an unknown partner has no secrets, whatever its name', async () => {
    const store = new DevSecretStore(await file('unknown.json', JSON.stringify({ netapp: [secretNew] })));
    for (const partnerId of ['mongodb', 'constructor', '__proto__', 'toString']) {
      expect(await store.partnerWebhookSecrets(partnerId)).toEqual([]);
    }
  });

  it('reads the file once and keeps it', async () => {
    const path = await file('cached.json', JSON.stringify({ netapp: [secretNew] }));
    const store = new DevSecretStore(path);
    expect(await store.partnerWebhookSecrets('netapp')).toEqual([secretNew]);
    await writeFile(path, JSON.stringify({ netapp: [secretOld] }));
    expect(await store.partnerWebhookSecrets('netapp')).toEqual([secretNew]);
  });

  it("a caller changing the returned list does not change the next caller's", async () => {
    const store = new DevSecretStore(await file('copy.json', JSON.stringify({ netapp: [secretNew] })));
    (await store.partnerWebhookSecrets('netapp')).push('whsec_injected');
    expect(await store.partnerWebhookSecrets('netapp')).toEqual([secretNew]);
  });

  const badFiles = [
    { name: 'a secret without the whsec_ prefix', content: JSON.stringify({ netapp: ['c2VjcmV0'] }), problem: /netapp\.0: a secret must be "whsec_"/ },
    { name: 'a secret that is not base64', content: JSON.stringify({ sap: [secretNew, 'whsec_not base64!'] }), problem: /sap\.1: a secret must be "whsec_"/ },
    { name: 'a partner mapped to a string, not a list', content: JSON.stringify({ netapp: secretNew }), problem: /netapp: / },
    { name: 'a list instead of an object', content: JSON.stringify([secretNew]), problem: /\(root\): / },
    { name: 'text that is not JSON', content: '{ netapp: ', problem: /is not valid JSON/ },
  ];
  it.each(badFiles)('a file with $name fails with an error naming the file and the problem', async ({ content, problem }) => {
    const path = await file('bad.json', content);
    const store = new DevSecretStore(path);
    const error = await store.partnerWebhookSecrets('netapp').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(problem);
  });

  it('a missing file fails with an error naming it; once the file exists, it is read', async () => {
    const path = join(dir, 'later.json');
    const store = new DevSecretStore(path);
    await expect(store.partnerWebhookSecrets('netapp')).rejects.toThrow(`Cannot read the development secrets file ${path}`);
    await writeFile(path, JSON.stringify({ netapp: [secretNew] }));
    expect(await store.partnerWebhookSecrets('netapp')).toEqual([secretNew]);
  });

  it("the demo partners' file in dev/ is valid and gives netapp two secrets for rotation", async () => {
    const store = new DevSecretStore(join(import.meta.dirname, '../../dev/partner-secrets.json'));
    for (const partnerId of ['netapp', 'mongodb', 'confluent', 'elastic', 'palo-alto-networks', 'sap']) {
      const secrets = await store.partnerWebhookSecrets(partnerId);
      expect(secrets.length, partnerId).toBeGreaterThan(0);
      for (const secret of secrets) expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    }
    expect(await store.partnerWebhookSecrets('netapp')).toHaveLength(2);
  });
});

/**
 * Google's HTTP APIs as canned answers: the metadata server's token endpoint and Secret Manager's
 * `versions/latest:access`. Every request is recorded.
 */
function fakeGoogle(options: { secrets?: Record<string, string>; tokenExpiresIn?: number; tokens?: string[] } = {}) {
  const requests: { url: string; headers: Record<string, string> }[] = [];
  const tokens = [...(options.tokens ?? ['token-1', 'token-2', 'token-3'])];
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  const fetch: Fetch = async (input, init) => {
    const url = String(input);
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    requests.push({ url, headers });
    if (url === 'http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token') {
      if (headers['metadata-flavor'] !== 'Google') return json(403, { error: 'Missing Metadata-Flavor:Google header.' });
      return json(200, { access_token: tokens.shift(), expires_in: options.tokenExpiresIn ?? 3599, token_type: 'Bearer' });
    }
    const match = /^https:\/\/secretmanager\.googleapis\.com\/v1\/projects\/tandem-prod\/secrets\/([^/]+)\/versions\/latest:access$/.exec(url);
    if (!match) return json(400, { error: { message: `unexpected URL ${url}` } });
    if (!headers.authorization?.startsWith('Bearer token-')) return json(401, { error: { status: 'UNAUTHENTICATED' } });
    const payload = options.secrets?.[match[1] ?? ''];
    if (payload === undefined) return json(404, { error: { code: 404, status: 'NOT_FOUND', message: 'Secret [x] not found or has no versions.' } });
    return json(200, {
      name: `projects/123/secrets/${match[1]}/versions/3`,
      payload: { data: Buffer.from(payload).toString('base64'), dataCrc32c: '0' },
    });
  };
  const secretRequests = () => requests.filter((r) => r.url.startsWith('https://secretmanager'));
  const tokenRequests = () => requests.filter((r) => r.url.startsWith('http://metadata'));
  return { fetch, requests, secretRequests, tokenRequests };
}

describe('SecretManagerSecretStore', () => {
  const start = new Date('2026-11-23T10:00:00.000Z');
  const storeWith = (google: ReturnType<typeof fakeGoogle>, clock = new ControllableClock({ start, frozen: true })) =>
    new SecretManagerSecretStore({ projectId: 'tandem-prod', clock, ttlMs: 60_000, fetch: google.fetch });

  it("reads the latest version of partner-webhook-secret-{partnerId} with the metadata server's token", async () => {
    const google = fakeGoogle({ secrets: { 'partner-webhook-secret-netapp': secretNew } });
    expect(await storeWith(google).partnerWebhookSecrets('netapp')).toEqual([secretNew]);
    expect(google.requests).toEqual([
      {
        url: 'http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token',
        headers: { 'metadata-flavor': 'Google' },
      },
      {
        url: 'https://secretmanager.googleapis.com/v1/projects/tandem-prod/secrets/partner-webhook-secret-netapp/versions/latest:access',
        headers: { authorization: 'Bearer token-1' },
      },
    ]);
  });

  it('a payload of several whitespace-separated secrets is read newest first', async () => {
    const google = fakeGoogle({ secrets: { 'partner-webhook-secret-netapp': `  ${secretNew}\n${secretOld} \n` } });
    expect(await storeWith(google).partnerWebhookSecrets('netapp')).toEqual([secretNew, secretOld]);
  });

  it('a partner without a secret (404) has none', async () => {
    const google = fakeGoogle();
    expect(await storeWith(google).partnerWebhookSecrets('mongodb')).toEqual([]);
  });

  it('a partner id that cannot name a secret has none, and costs no request', async () => {
    const google = fakeGoogle();
    const store = storeWith(google);
    for (const partnerId of ['../other', 'a/b', 'net app', '']) expect(await store.partnerWebhookSecrets(partnerId)).toEqual([]);
    expect(google.requests).toEqual([]);
  });

  it('the token is fetched once and reused for other partners', async () => {
    const google = fakeGoogle({ secrets: { 'partner-webhook-secret-netapp': secretNew, 'partner-webhook-secret-sap': secretOld } });
    const store = storeWith(google);
    await Promise.all([store.partnerWebhookSecrets('netapp'), store.partnerWebhookSecrets('sap'), store.partnerWebhookSecrets('elastic')]);
    expect(google.tokenRequests()).toHaveLength(1);
    expect(google.secretRequests().map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-1']);
  });

  it('a new token is fetched shortly before the old one expires', async () => {
    const google = fakeGoogle({ secrets: { 'partner-webhook-secret-netapp': secretNew }, tokenExpiresIn: 600 });
    const clock = new ControllableClock({ start, frozen: true });
    const store = storeWith(google, clock);
    await store.partnerWebhookSecrets('netapp');
    clock.advance(500_000); // secrets expired (60 s TTL), token still good (expires at 600 s, refreshed from 540 s)
    await store.partnerWebhookSecrets('netapp');
    expect(google.tokenRequests()).toHaveLength(1);
    clock.advance(60_000); // 560 s: secrets expired again, token past its refresh point
    await store.partnerWebhookSecrets('netapp');
    expect(google.tokenRequests()).toHaveLength(2);
    expect(google.secretRequests().map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-2']);
  });

  it("keeps a partner's secrets (a missing secret included) for the TTL, then reads them again", async () => {
    const google = fakeGoogle({ secrets: { 'partner-webhook-secret-netapp': secretNew } });
    const clock = new ControllableClock({ start, frozen: true });
    const store = storeWith(google, clock);
    await Promise.all([store.partnerWebhookSecrets('netapp'), store.partnerWebhookSecrets('netapp'), store.partnerWebhookSecrets('mongodb')]);
    clock.advance(59_999);
    await store.partnerWebhookSecrets('netapp');
    await store.partnerWebhookSecrets('mongodb');
    expect(google.secretRequests()).toHaveLength(2);
    clock.advance(1);
    await store.partnerWebhookSecrets('netapp');
    await store.partnerWebhookSecrets('mongodb');
    expect(google.secretRequests()).toHaveLength(4);
  });

  it('a rejected token (401) is replaced once and the read retried', async () => {
    const google = fakeGoogle({ secrets: { 'partner-webhook-secret-netapp': secretNew }, tokens: ['revoked', 'token-2'] });
    expect(await storeWith(google).partnerWebhookSecrets('netapp')).toEqual([secretNew]);
    expect(google.secretRequests().map((r) => r.headers.authorization)).toEqual(['Bearer revoked', 'Bearer token-2']);
  });

  it('a refusal other than 404 throws with the status and Google’s explanation, and is not cached', async () => {
    const google = fakeGoogle();
    let denied = true;
    const fetch: Fetch = async (input, init) =>
      String(input).startsWith('https://secretmanager') && denied
        ? new Response('{"error":{"status":"PERMISSION_DENIED"}}', { status: 403 })
        : google.fetch(input, init);
    const store = new SecretManagerSecretStore({ projectId: 'tandem-prod', clock: new ControllableClock({ start, frozen: true }), ttlMs: 60_000, fetch });
    await expect(store.partnerWebhookSecrets('netapp')).rejects.toThrow(/partner-webhook-secret-netapp \(HTTP 403\).*PERMISSION_DENIED/);
    denied = false;
    expect(await store.partnerWebhookSecrets('netapp')).toEqual([]);
  });

  it('a payload that is not whsec_ secrets throws without repeating the payload', async () => {
    const google = fakeGoogle({ secrets: { 'partner-webhook-secret-netapp': 'hunter2' } });
    const error = await storeWith(google).partnerWebhookSecrets('netapp').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/partner-webhook-secret-netapp .* not a whitespace-separated list of whsec_ secrets/);
    expect((error as Error).message).not.toContain('hunter2');
  });
});

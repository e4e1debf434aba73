import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { ControllableClock } from '../../dev/controllable-clock.js';
import { SignedWebhookSender } from '../../functions/src/adapters/signed-webhook-sender.js';
import type { SecretStore } from '../../functions/src/ports/secret-store.js';

const secretNew = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const secretOld = `whsec_${Buffer.alloc(32, 8).toString('base64')}`;

/** The secret store port, answered from a literal (the unit under test is the sender). */
const secretsOf = (byPartner: Record<string, string[]>): SecretStore => ({
  partnerWebhookSecrets: async (partnerId) => byPartner[partnerId] ?? [],
});

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  const closing = servers.splice(0).map(
    (server) =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a hanging partner keeps its connection open
      }),
  );
  await Promise.all(closing);
});

/** A partner's webhook endpoint on a free local port: records every request, answers `status`. */
async function partnerEndpoint(answer: { status?: number; hang?: boolean } = {}) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (answer.hang) return;
      res.writeHead(answer.status ?? 204).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhooks/tandem?x=1`, received };
}

const body = {
  type: 'collaboration.requested',
  caseRef: 'CASE-1042',
  level: 0,
  priority: 'P2',
  summary: 'ONTAP volume unreachable — NFS timeouts',
  customer: { org: 'acme', contactName: 'Zoë Müller' },
};

describe('SignedWebhookSender', () => {
  it('POSTs the JSON body with headers the standardwebhooks package accepts', async () => {
    const partner = await partnerEndpoint();
    const clock = new ControllableClock({ start: new Date(), frozen: true }); // the package checks against real time
    const sender = new SignedWebhookSender(secretsOf({ netapp: [secretNew, secretOld] }), clock);

    const delivery = await sender.send({ partnerId: 'netapp', url: partner.url, webhookId: 'msg_esc_1', body });

    expect(delivery).toEqual({ status: 204, webhookId: 'msg_esc_1' });
    expect(partner.received).toHaveLength(1);
    const [request] = partner.received;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/webhooks/tandem?x=1',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Tandem-Webhooks/1',
        'webhook-id': 'msg_esc_1',
        'webhook-timestamp': String(Math.floor(clock.now().getTime() / 1000)),
      },
    });
    expect(JSON.parse(request!.body)).toEqual(body);
    // Signed with the newest secret only.
    expect(new Webhook(secretNew).verify(request!.body, request!.headers as Record<string, string>)).toEqual(body);
    expect(() => new Webhook(secretOld).verify(request!.body, request!.headers as Record<string, string>)).toThrow(/No matching signature/);
  });

  it("the timestamp is the injected clock's, so an advanced local clock signs its own time", async () => {
    const partner = await partnerEndpoint();
    const clock = new ControllableClock({ start: new Date('2026-11-23T10:00:00.750Z'), frozen: true });
    await new SignedWebhookSender(secretsOf({ sap: [secretNew] }), clock).send({ partnerId: 'sap', url: partner.url, webhookId: 'm', body });
    expect(partner.received[0]?.headers['webhook-timestamp']).toBe(String(Date.parse('2026-11-23T10:00:00Z') / 1000));
  });

  it('a retry reuses the webhookId it is given', async () => {
    const partner = await partnerEndpoint({ status: 503 });
    const sender = new SignedWebhookSender(secretsOf({ netapp: [secretNew] }), new ControllableClock());
    const first = await sender.send({ partnerId: 'netapp', url: partner.url, webhookId: 'msg_retry_7', body });
    const retry = await sender.send({ partnerId: 'netapp', url: partner.url, webhookId: 'msg_retry_7', body });
    expect([first.webhookId, retry.webhookId]).toEqual(['msg_retry_7', 'msg_retry_7']);
    expect(partner.received.map((r) => r.headers['webhook-id'])).toEqual(['msg_retry_7', 'msg_retry_7']);
  });

  it.each([200, 202, 301, 400, 429, 500, 503])("the partner's status %i is passed through", async (status) => {
    const partner = await partnerEndpoint({ status });
    const sender = new SignedWebhookSender(secretsOf({ netapp: [secretNew] }), new ControllableClock());
    expect(await sender.send({ partnerId: 'netapp', url: partner.url, webhookId: 'msg_s', body })).toEqual({ status, webhookId: 'msg_s' });
  });

  it('a redirect is not followed: the signed POST goes only to the registered URL', async () => {
    const elsewhere = await partnerEndpoint();
    const redirecting = createServer((_req, res) => res.writeHead(307, { location: elsewhere.url }).end());
    servers.push(redirecting);
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/`;
    const sender = new SignedWebhookSender(secretsOf({ netapp: [secretNew] }), new ControllableClock());
    expect((await sender.send({ partnerId: 'netapp', url, webhookId: 'msg_r', body })).status).toBe(307);
    expect(elsewhere.received).toEqual([]);
  });

  it('a refused connection is status 0, not an exception', async () => {
    const partner = await partnerEndpoint();
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    const sender = new SignedWebhookSender(secretsOf({ netapp: [secretNew] }), new ControllableClock());
    expect(await sender.send({ partnerId: 'netapp', url: partner.url, webhookId: 'msg_down', body })).toEqual({ status: 0, webhookId: 'msg_down' });
  });

  it('a partner that does not answer within the timeout is status 0', async () => {
    const partner = await partnerEndpoint({ hang: true });
    const sender = new SignedWebhookSender(secretsOf({ netapp: [secretNew] }), new ControllableClock(), { timeoutMs: 100 });
    expect(await sender.send({ partnerId: 'netapp', url: partner.url, webhookId: 'msg_slow', body })).toEqual({ status: 0, webhookId: 'msg_slow' });
    expect(partner.received).toHaveLength(1);
  });

  it('a partner without a secret is a configuration error, and nothing is sent', async () => {
    const partner = await partnerEndpoint();
    const sender = new SignedWebhookSender(secretsOf({}), new ControllableClock());
    await expect(sender.send({ partnerId: 'mongodb', url: partner.url, webhookId: 'm', body })).rejects.toThrow('Partner mongodb has no webhook secret');
    expect(partner.received).toEqual([]);
  });

  it('a webhook URL that is not http(s) is a configuration error', async () => {
    const sender = new SignedWebhookSender(secretsOf({ netapp: [secretNew] }), new ControllableClock());
    for (const url of ['not a url', 'file:///etc/passwd']) {
      await expect(sender.send({ partnerId: 'netapp', url, webhookId: 'm', body })).rejects.toThrow(/not an http\(s\) URL/);
    }
  });
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import type { ControllableClock } from './controllable-clock.js';
import { verifyWebhook } from '../functions/src/adapters/standard-webhooks.js';
import type { SecretStore } from '../functions/src/ports/secret-store.js';
import type { Logger } from '../functions/src/ports/logger.js';
import { sendJson, type DevRoute } from './router.js';

/**
 * A technology partner, simulated: it receives Tandem's signed webhooks at
 * `POST /_dev/partner-simulator/{partnerId}/webhook`, checks the signature, and answers the way its
 * behaviour says, by calling back the `callbackUrl` the webhook carried, signed with its secret
 * through the independent `standardwebhooks` package. Answers are scheduled on the stack's clock,
 * so advancing the clock makes partners answer. The simulated partner lives in simulated time: it
 * verifies timestamps against that clock, and signs its callbacks with it.
 *
 * `GET /_dev/partner-simulator` shows every behaviour and what each partner received;
 * `PUT /_dev/partner-simulator/{partnerId}` `{"mode": "silent"}` changes one.
 */
export const PartnerBehaviour = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('acknowledge'),
    afterMinutes: z.number().nonnegative().default(1),
    /** Then resolve this long after acknowledging; omit to stay engaged. */
    resolveAfterMinutes: z.number().nonnegative().optional(),
  }),
  z.object({ mode: z.literal('request_info'), afterMinutes: z.number().nonnegative().default(1) }),
  z.object({ mode: z.literal('decline'), afterMinutes: z.number().nonnegative().default(1), reason: z.string().default('Not a supported configuration.') }),
  z.object({ mode: z.literal('silent') }),
  /** Answers 503 this many times before accepting a webhook, then acknowledges. */
  z.object({ mode: z.literal('flaky'), failures: z.number().int().nonnegative().default(2), afterMinutes: z.number().nonnegative().default(1) }),
]);
export type PartnerBehaviour = z.infer<typeof PartnerBehaviour>;

/** How the demo partners behave out of the box: a new user sees each kind of answer. */
export const DEMO_BEHAVIOURS: Record<string, PartnerBehaviour> = {
  netapp: { mode: 'acknowledge', afterMinutes: 1, resolveAfterMinutes: 30 },
  mongodb: { mode: 'acknowledge', afterMinutes: 2, resolveAfterMinutes: 60 },
  sap: { mode: 'acknowledge', afterMinutes: 1 },
  'palo-alto-networks': { mode: 'request_info', afterMinutes: 3 },
  elastic: { mode: 'decline', afterMinutes: 5, reason: 'This is a self-managed Elasticsearch build outside our support matrix.' },
  confluent: { mode: 'silent' },
};

export interface ReceivedWebhook {
  webhookId: string;
  at: string;
  body: Record<string, unknown>;
  /** What the simulator answered: 200, or 503 when flaky, or 401 when the signature did not verify. */
  status: number;
}

export class PartnerSimulator {
  readonly received = new Map<string, ReceivedWebhook[]>();
  private readonly behaviours = new Map<string, PartnerBehaviour>();
  private readonly failuresLeft = new Map<string, number>();
  private tickets = 0;

  constructor(
    private readonly deps: { clock: ControllableClock; secrets: SecretStore; log: Logger },
    behaviours: Record<string, PartnerBehaviour> = DEMO_BEHAVIOURS,
  ) {
    for (const [id, b] of Object.entries(behaviours)) this.setBehaviour(id, b);
  }

  setBehaviour(partnerId: string, behaviour: PartnerBehaviour): void {
    this.behaviours.set(partnerId, behaviour);
    if (behaviour.mode === 'flaky') this.failuresLeft.set(partnerId, behaviour.failures);
  }

  route(): DevRoute {
    return async (req, res, url) => {
      if (url.pathname === '/_dev/partner-simulator' && req.method === 'GET') {
        sendJson(res, 200, { behaviours: Object.fromEntries(this.behaviours), received: Object.fromEntries(this.received) });
        return true;
      }
      const match = /^\/_dev\/partner-simulator\/([^/]+)(\/webhook)?$/.exec(url.pathname);
      if (!match?.[1]) return false;
      const partnerId = decodeURIComponent(match[1]);
      const raw = await readRaw(req);
      if (match[2] && req.method === 'POST') await this.receive(partnerId, req, raw, res);
      else if (!match[2] && req.method === 'PUT') this.configure(partnerId, raw, res);
      else sendJson(res, 405, { error: { code: 'method_not_allowed', message: 'POST …/webhook or PUT the behaviour' } });
      return true;
    };
  }

  private configure(partnerId: string, raw: Buffer, res: ServerResponse): void {
    const parsed = PartnerBehaviour.safeParse(safeJson(raw));
    if (!parsed.success) {
      sendJson(res, 400, { error: { code: 'invalid_request', message: z.prettifyError(parsed.error) } });
      return;
    }
    this.setBehaviour(partnerId, parsed.data);
    sendJson(res, 200, { partnerId, behaviour: parsed.data });
  }

  private async receive(partnerId: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
    const verified = verifyWebhook({
      rawBody: raw,
      headers: { id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature') },
      secrets: await this.deps.secrets.partnerWebhookSecrets(partnerId),
      now: this.deps.clock.now(),
    });
    const body = (safeJson(raw) ?? {}) as Record<string, unknown>;
    const record = (status: number) => {
      const list = this.received.get(partnerId) ?? [];
      list.push({ webhookId: header('webhook-id') ?? '', at: this.deps.clock.now().toISOString(), body, status });
      this.received.set(partnerId, list);
      sendJson(res, status, { received: status === 200 });
    };
    if (!verified.ok) {
      this.deps.log.warn('partner simulator: webhook signature did not verify', { partnerId, reason: verified.error.message });
      return record(401);
    }
    const behaviour = this.behaviours.get(partnerId) ?? { mode: 'silent' };
    const failures = this.failuresLeft.get(partnerId) ?? 0;
    if (behaviour.mode === 'flaky' && failures > 0) {
      this.failuresLeft.set(partnerId, failures - 1);
      return record(503);
    }
    const duplicate = (this.received.get(partnerId) ?? []).some((w) => w.webhookId === verified.value.webhookId && w.status === 200);
    record(200);
    if (!duplicate) this.answer(partnerId, behaviour, body);
  }

  /** Schedules the partner's answers on the stack's clock. */
  private answer(partnerId: string, behaviour: PartnerBehaviour, webhook: Record<string, unknown>): void {
    const caseRef = String(webhook.caseRef);
    const callbackUrl = String(webhook.callbackUrl);
    // A reminder (the follow-up nudge to a quiet engaged partner): a partner that answers says it is on it.
    if (webhook.type === 'collaboration.reminder') {
      if (behaviour.mode !== 'acknowledge' && behaviour.mode !== 'flaky') return;
      this.deps.clock.setTimer(new Date(this.deps.clock.now().getTime() + behaviour.afterMinutes * 60_000), () => {
        void this.callBack(partnerId, callbackUrl, { type: 'collaboration.updated', caseRef, message: 'Still on it; next update within a day.', occurredAt: this.deps.clock.now().toISOString() });
      });
      return;
    }
    const ticket = `${partnerId.toUpperCase()}-${1000 + ++this.tickets}`;
    const later = (minutes: number, type: string, message: string) =>
      this.deps.clock.setTimer(new Date(this.deps.clock.now().getTime() + minutes * 60_000), () => {
        void this.callBack(partnerId, callbackUrl, { type, caseRef, partnerTicketId: ticket, message, occurredAt: this.deps.clock.now().toISOString() });
      });
    switch (behaviour.mode) {
      case 'acknowledge':
      case 'flaky':
        later(behaviour.afterMinutes, 'collaboration.acknowledged', `Ticket ${ticket} opened; an engineer is on it.`);
        if (behaviour.mode === 'acknowledge' && behaviour.resolveAfterMinutes !== undefined) {
          later(behaviour.afterMinutes + behaviour.resolveAfterMinutes, 'collaboration.resolved', 'Fixed by applying the vendor patch; see the ticket for details.');
        }
        return;
      case 'request_info':
        later(behaviour.afterMinutes, 'collaboration.info_requested', 'Please attach the system logs from the affected nodes.');
        return;
      case 'decline':
        later(behaviour.afterMinutes, 'collaboration.declined', behaviour.reason);
        return;
      case 'silent':
        return;
    }
  }

  private async callBack(partnerId: string, callbackUrl: string, event: Record<string, unknown>): Promise<void> {
    const [secret] = await this.deps.secrets.partnerWebhookSecrets(partnerId);
    if (!secret) return;
    const payload = JSON.stringify(event);
    const webhookId = `sim_${partnerId}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const at = this.deps.clock.now();
    const signature = new Webhook(secret).sign(webhookId, at, payload);
    try {
      const res = await fetch(callbackUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': webhookId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body: payload,
      });
      this.deps.log.info('partner simulator called back', { partnerId, type: event.type, caseId: String(event.caseRef), status: res.status });
    } catch (error) {
      this.deps.log.error('partner simulator could not call back', { partnerId, error });
    }
  }
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function safeJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

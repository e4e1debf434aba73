/** The outcome of one delivery attempt of a signed webhook to a partner. */
export interface WebhookDelivery {
  /** The partner's HTTP status, or 0 when no answer came (connection refused, timeout). */
  status: number;
  /** The `webhook-id` sent; retries of the same message reuse it so the partner can drop duplicates. */
  webhookId: string;
}

/** Sends Standard Webhooks-signed JSON to a partner's webhook URL. */
export interface PartnerNotifier {
  send(input: { partnerId: string; url: string; webhookId: string; body: Record<string, unknown> }): Promise<WebhookDelivery>;
}

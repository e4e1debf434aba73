import type { Result } from '../domain/result.js';

/**
 * Checks a signed request (Standard Webhooks) on its raw bytes, in constant time, against every
 * secret of the sender: a value, never a throw, so a bad signature is an answer (401) and not a 500.
 */
export type WebhookVerifier = (input: {
  rawBody: Buffer;
  headers: { id?: string; timestamp?: string; signature?: string };
  secrets: string[];
  now: Date;
}) => Result<{ webhookId: string; timestamp: number }>;

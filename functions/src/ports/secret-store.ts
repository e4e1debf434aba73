/**
 * Where partner webhook secrets live: Secret Manager in production, a JSON file locally. Never
 * Firestore, never code. A partner has one or more secrets (`whsec_…`) so keys can rotate: every
 * one of them verifies incoming callbacks; the first (newest) signs outgoing webhooks.
 */
export interface SecretStore {
  /** Newest first; an empty list when the partner has none. */
  partnerWebhookSecrets(partnerId: string): Promise<string[]>;
}

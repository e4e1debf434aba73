import type { SecretManagerSecretStore } from '../adapters/secret-manager-secret-store.js';

/** The bit of Secret Manager the notification channels need. */
export type SecretVersions = Pick<SecretManagerSecretStore, 'latestVersion'>;

/** The latest version of a secret the channels cannot work without, or an error naming it. */
export async function requiredSecret(secrets: SecretVersions, secretId: string, what: string): Promise<string> {
  const value = (await secrets.latestVersion(secretId))?.trim();
  if (!value) throw new Error(`The Secret Manager secret ${secretId} (${what}) does not exist or is empty: add a version holding it.`);
  return value;
}

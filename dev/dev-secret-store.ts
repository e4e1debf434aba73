import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { SecretStore } from '../functions/src/ports/secret-store.js';
import { WEBHOOK_SECRET_PATTERN } from '../functions/src/adapters/standard-webhooks.js';

const DevSecretsFile = z.record(
  z.string().min(1),
  z.array(z.string().regex(WEBHOOK_SECRET_PATTERN, 'a secret must be "whsec_" followed by a base64 key')),
);

/**
 * The local stack's secret store: a JSON file `{"partnerId": ["whsec_new", "whsec_old"]}`, newest
 * first. Read and checked on first use, then kept for the life of the process; a file that cannot be
 * read or is invalid fails with an error naming the file and the problem, and is read again next time.
 */
export class DevSecretStore implements SecretStore {
  private secrets: Promise<Map<string, string[]>> | undefined;

  constructor(private readonly path: string) {}

  async partnerWebhookSecrets(partnerId: string): Promise<string[]> {
    if (!this.secrets) {
      const loading = this.load();
      this.secrets = loading;
      loading.catch(() => {
        if (this.secrets === loading) this.secrets = undefined;
      });
    }
    // A copy: callers cannot change what the next caller sees.
    return [...((await this.secrets).get(partnerId) ?? [])];
  }

  private async load(): Promise<Map<string, string[]>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (cause) {
      throw new Error(`Cannot read the development secrets file ${this.path}: ${(cause as Error).message}`, { cause });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new Error(`The development secrets file ${this.path} is not valid JSON: ${(cause as Error).message}`, { cause });
    }
    const parsed = DevSecretsFile.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new Error(
        `The development secrets file ${this.path} is invalid (expected {"partnerId": ["whsec_…", …]}):\n  ${problems.join('\n  ')}`,
      );
    }
    // A Map, not the parsed object: a partner id like "constructor" must not find Object.prototype.
    return new Map(Object.entries(parsed.data));
  }
}

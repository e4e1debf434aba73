import { inject } from 'vitest';
import type { LocalStack } from '../../dev/local-stack.js';
import { authAs, type TokenUser } from '../tokens.js';
import { startTestStack } from '../e2e/test-stack.js';

/**
 * The whole local stack for one browser test file, in the tier's own project. The browser signs in
 * with an API key, and the Authentication emulator serves API-key sign-ins from the project it was
 * started for only, so every browser file uses that project (the tier's emulators are its own), one
 * file after another, each starting from an empty Firestore.
 */
export async function startBrowserStack(start: Date): Promise<LocalStack> {
  const projectId = inject('projectId');
  const cleared = await fetch(`http://${inject('firestoreHost')}/emulator/v1/projects/${projectId}/databases/(default)/documents`, { method: 'DELETE' });
  if (!cleared.ok) throw new Error(`Could not clear the Firestore emulator (${cleared.status})`);
  return startTestStack(projectId, start);
}

/** A request to the stack's API as `user` (an emulator token for the stack's time), as tests set the scene outside the browser. */
export async function postAs(
  stack: LocalStack,
  user: TokenUser,
  path: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authAs(inject('projectId'), user, stack.clock.now()), ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

import { inject } from 'vitest';
import type { LocalStack } from '../../dev/local-stack.js';
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

import { inject } from 'vitest';
import { ControllableClock } from '../../dev/controllable-clock.js';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../dev/local-stack.js';

/**
 * The whole local stack for one e2e file: on the tier's emulators, on free ports, quiet, in a project
 * of its own, with the clock frozen at `start` until a test advances it.
 */
export function startTestStack(project: string, start: Date, options: Pick<LocalStackOptions, 'wrapBus'> = {}): Promise<LocalStack> {
  return startLocalStack({
    firestoreHost: inject('firestoreHost'),
    pubsubHost: inject('pubsubHost'),
    authHost: inject('authHost'),
    port: 0,
    workflowsPort: 0,
    clock: new ControllableClock({ start, frozen: true }),
    quiet: true,
    env: { GOOGLE_CLOUD_PROJECT: project },
    ...options,
  });
}

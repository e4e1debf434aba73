import { http } from '@google-cloud/functions-framework';
import { bus } from '../deps/bus.js';
import { clock } from '../deps/clock.js';
import { log } from '../deps/log.js';
import { notifier } from '../deps/notifier.js';
import { registry } from '../deps/registry.js';
import { secrets } from '../deps/secrets.js';
import { store } from '../deps/store.js';
import { withValues } from '../deps/lazy.js';
import { escalationStepsHandler } from '../handlers/escalation-steps.js';
import { defineEntry } from './entry.js';

/** escalationSteps, deployed as escalation-steps: its handler and the adapters it uses. */
export const entry = defineEntry('escalationSteps', { bus, clock, log, notifier, registry, secrets, store }, (deps) => {
  http('escalationSteps', escalationStepsHandler(withValues(deps, { publicUrl: deps.config.publicUrl })));
});

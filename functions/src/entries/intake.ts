import { http } from '@google-cloud/functions-framework';
import { bus } from '../deps/bus.js';
import { clock } from '../deps/clock.js';
import { identity } from '../deps/identity.js';
import { log } from '../deps/log.js';
import { registry } from '../deps/registry.js';
import { store } from '../deps/store.js';
import { withValues } from '../deps/lazy.js';
import { intakeHandler } from '../handlers/intake.js';
import { defineEntry } from './entry.js';

/** intake, deployed as intake: its handler and the adapters it uses. */
export const entry = defineEntry('intake', { bus, clock, identity, log, registry, store }, (deps) => {
  http('intake', intakeHandler(withValues(deps, { projectId: deps.config.projectId, publicUrl: deps.config.publicUrl })));
});

import { http } from '@google-cloud/functions-framework';
import { bus } from '../deps/bus.js';
import { clock } from '../deps/clock.js';
import { identity } from '../deps/identity.js';
import { log } from '../deps/log.js';
import { registry } from '../deps/registry.js';
import { store } from '../deps/store.js';
import { workflowCallbacks } from '../deps/workflow-callbacks.js';
import { caseActionsHandler } from '../handlers/case-actions.js';
import { defineEntry } from './entry.js';

/** caseActions, deployed as case-actions: its handler and the adapters it uses. */
export const entry = defineEntry('caseActions', { bus, clock, identity, log, registry, store, workflowCallbacks }, (deps) => {
  http('caseActions', caseActionsHandler(deps));
});

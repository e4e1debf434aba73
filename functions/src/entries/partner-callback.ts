import { http } from '@google-cloud/functions-framework';
import { verifyWebhook } from '../adapters/standard-webhooks.js';
import { bus } from '../deps/bus.js';
import { clock } from '../deps/clock.js';
import { log } from '../deps/log.js';
import { registry } from '../deps/registry.js';
import { secrets } from '../deps/secrets.js';
import { store } from '../deps/store.js';
import { workflowCallbacks } from '../deps/workflow-callbacks.js';
import { withValues } from '../deps/lazy.js';
import { partnerCallbackHandler } from '../handlers/partner-callback.js';
import { defineEntry } from './entry.js';

/** partnerCallback, deployed as partner-callback: its handler and the adapters it uses. */
export const entry = defineEntry('partnerCallback', { bus, clock, log, registry, secrets, store, workflowCallbacks }, (deps) => {
  http('partnerCallback', partnerCallbackHandler(withValues(deps, { verifyWebhook })));
});

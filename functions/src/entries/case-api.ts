import { http } from '@google-cloud/functions-framework';
import { bus } from '../deps/bus.js';
import { clock } from '../deps/clock.js';
import { identity } from '../deps/identity.js';
import { log } from '../deps/log.js';
import { registry } from '../deps/registry.js';
import { store } from '../deps/store.js';
import { caseApiHandler } from '../handlers/case-api.js';
import { defineEntry } from './entry.js';

/** caseApi, deployed as case-api: its handler and the adapters it uses. */
export const entry = defineEntry('caseApi', { bus, clock, identity, log, registry, store }, (deps) => {
  http('caseApi', caseApiHandler(deps));
});

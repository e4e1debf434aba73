import { cloudEvent } from '@google-cloud/functions-framework';
import { bus } from '../deps/bus.js';
import { clock } from '../deps/clock.js';
import { log } from '../deps/log.js';
import { registry } from '../deps/registry.js';
import { store } from '../deps/store.js';
import { routeHandler } from '../handlers/route-case.js';
import { defineEntry } from './entry.js';

/** route, deployed as route: its handler and the adapters it uses. */
export const entry = defineEntry('route', { bus, clock, log, registry, store }, (deps) => {
  cloudEvent('route', routeHandler(deps));
});

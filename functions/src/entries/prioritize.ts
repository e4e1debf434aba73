import { cloudEvent } from '@google-cloud/functions-framework';
import { bus } from '../deps/bus.js';
import { clock } from '../deps/clock.js';
import { log } from '../deps/log.js';
import { registry } from '../deps/registry.js';
import { store } from '../deps/store.js';
import { prioritizeHandler } from '../handlers/prioritize-case.js';
import { defineEntry } from './entry.js';

/** prioritize, deployed as prioritize: its handler and the adapters it uses. */
export const entry = defineEntry('prioritize', { bus, clock, log, registry, store }, (deps) => {
  cloudEvent('prioritize', prioritizeHandler(deps));
});

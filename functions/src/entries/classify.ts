import { cloudEvent } from '@google-cloud/functions-framework';
import { bus } from '../deps/bus.js';
import { clock } from '../deps/clock.js';
import { log } from '../deps/log.js';
import { registry } from '../deps/registry.js';
import { store } from '../deps/store.js';
import { classifyHandler } from '../handlers/classify-case.js';
import { defineEntry } from './entry.js';

/** classify, deployed as classify: its handler and the adapters it uses. */
export const entry = defineEntry('classify', { bus, clock, log, registry, store }, (deps) => {
  cloudEvent('classify', classifyHandler(deps));
});

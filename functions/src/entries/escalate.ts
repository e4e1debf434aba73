import { cloudEvent } from '@google-cloud/functions-framework';
import { bus } from '../deps/bus.js';
import { clock } from '../deps/clock.js';
import { log } from '../deps/log.js';
import { registry } from '../deps/registry.js';
import { store } from '../deps/store.js';
import { workflows } from '../deps/workflows.js';
import { escalateHandler } from '../handlers/escalate-case.js';
import { defineEntry } from './entry.js';

/** escalate, deployed as escalate: its handler and the adapters it uses. */
export const entry = defineEntry('escalate', { bus, clock, log, registry, store, workflows }, (deps) => {
  cloudEvent('escalate', escalateHandler(deps));
});

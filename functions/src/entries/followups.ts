import { cloudEvent } from '@google-cloud/functions-framework';
import { bus } from '../deps/bus.js';
import { clock } from '../deps/clock.js';
import { log } from '../deps/log.js';
import { notifier } from '../deps/notifier.js';
import { registry } from '../deps/registry.js';
import { secrets } from '../deps/secrets.js';
import { store } from '../deps/store.js';
import { followupsHandler } from '../handlers/followups.js';
import { defineEntry } from './entry.js';

/** followups, deployed as followups: its handler and the adapters it uses. */
export const entry = defineEntry('followups', { bus, clock, log, notifier, registry, secrets, store }, (deps) => {
  cloudEvent('followups', followupsHandler(deps));
});

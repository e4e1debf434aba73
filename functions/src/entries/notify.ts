import { cloudEvent } from '@google-cloud/functions-framework';
import { bus } from '../deps/bus.js';
import { chat } from '../deps/chat.js';
import { clock } from '../deps/clock.js';
import { log } from '../deps/log.js';
import { mailer } from '../deps/mailer.js';
import { registry } from '../deps/registry.js';
import { store } from '../deps/store.js';
import { notifyHandler } from '../handlers/notify.js';
import { defineEntry } from './entry.js';

/** notify, deployed as notify: its handler and the adapters it uses. */
export const entry = defineEntry('notify', { bus, chat, clock, log, mailer, registry, store }, (deps) => {
  cloudEvent('notify', notifyHandler(deps));
});

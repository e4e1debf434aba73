import { cloudEvent } from '@google-cloud/functions-framework';
import { chat } from '../deps/chat.js';
import { clock } from '../deps/clock.js';
import { log } from '../deps/log.js';
import { alertDeadLetterHandler } from '../handlers/alert-dead-letter.js';
import { defineEntry } from './entry.js';

/** alertDeadLetter, deployed as alert-dead-letter: its handler and the adapters it uses. */
export const entry = defineEntry('alertDeadLetter', { chat, clock, log }, (deps) => {
  cloudEvent('alertDeadLetter', alertDeadLetterHandler(deps));
});

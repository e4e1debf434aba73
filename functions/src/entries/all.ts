import type { FunctionName } from '../function-triggers.js';
import type { FunctionEntry } from './entry.js';
import { entry as intake } from './intake.js';
import { entry as classify } from './classify.js';
import { entry as prioritize } from './prioritize.js';
import { entry as route } from './route.js';
import { entry as escalate } from './escalate.js';
import { entry as caseActions } from './case-actions.js';
import { entry as caseApi } from './case-api.js';
import { entry as partnerCallback } from './partner-callback.js';
import { entry as escalationSteps } from './escalation-steps.js';
import { entry as followups } from './followups.js';
import { entry as notify } from './notify.js';
import { entry as alertDeadLetter } from './alert-dead-letter.js';

/** The entry of every function of the table (register-functions.ts registers them all in one process). */
export const ENTRIES: { readonly [F in FunctionName]: FunctionEntry<never> } = {
  intake, classify, prioritize, route, escalate, caseActions, caseApi, partnerCallback, escalationSteps, followups, notify, alertDeadLetter,
};

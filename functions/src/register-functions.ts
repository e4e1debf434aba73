import { cloudEvent, http } from '@google-cloud/functions-framework';
import type { CaseStore } from './ports/case-store.js';
import type { Clock } from './ports/clock.js';
import type { EventBus } from './ports/event-bus.js';
import type { Logger } from './ports/logger.js';
import type { Registry } from './ports/registry.js';
import type { PartnerNotifier } from './ports/partner-notifier.js';
import type { SecretStore } from './ports/secret-store.js';
import type { WorkflowCallbacks, WorkflowStarter } from './ports/workflow-starter.js';
import type { Config } from './config.js';
import type { IdentityVerifier } from './ports/identity.js';
import type { ChatChannel, Mailer } from './ports/notification-channels.js';
import { answerFrameworkErrorsWith } from './adapters/framework-error-answers.js';
import { verifyWebhook } from './adapters/standard-webhooks.js';
import { refusedBeforeRouting } from './handlers/http-function.js';
export { FUNCTION_TRIGGERS, type FunctionName } from './function-triggers.js';
import { classifyHandler } from './handlers/classify-case.js';
import { escalateHandler } from './handlers/escalate-case.js';
import { escalationStepsHandler } from './handlers/escalation-steps.js';
import { followupsHandler } from './handlers/followups.js';
import { intakeHandler } from './handlers/intake.js';
import { notifyHandler } from './handlers/notify.js';
import { alertDeadLetterHandler } from './handlers/alert-dead-letter.js';
import { caseActionsHandler } from './handlers/case-actions.js';
import { caseApiHandler } from './handlers/case-api.js';
import { partnerCallbackHandler } from './handlers/partner-callback.js';
import { prioritizeHandler } from './handlers/prioritize-case.js';
import { routeHandler } from './handlers/route-case.js';

/** Everything the functions need from the outside world, built once per instance. */
export interface FunctionDeps {
  config: Config;
  store: CaseStore;
  registry: Registry;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  secrets: SecretStore;
  notifier: PartnerNotifier;
  workflows: WorkflowStarter;
  workflowCallbacks: WorkflowCallbacks;
  identity: IdentityVerifier;
  /** Email to customers and engineers (notify). */
  mailer: Mailer;
  /** The duty team's Google Chat space (notify, alertDeadLetter). */
  chat: ChatChannel;
}


/**
 * Registers every function with the Functions Framework under its deployed name. Production calls it
 * from index.ts with real adapters; the local stack and the tests call it with theirs.
 */
export function registerFunctions(deps: FunctionDeps): void {
  // What the framework's body parser refuses before any function runs gets the same JSON error body.
  answerFrameworkErrorsWith((error, req, res) => {
    const answer = refusedBeforeRouting(error as { status?: number; type?: string }, Number(req.get('content-length') ?? 0));
    deps.log.warn('request refused before routing', { step: 'http', method: req.method, path: req.path, status: answer.status, reason: (error as { type?: string }).type });
    res.status(answer.status).set(answer.headers ?? {}).json(answer.json);
  });
  http('intake', intakeHandler({ ...deps, projectId: deps.config.projectId, publicUrl: deps.config.publicUrl }));
  cloudEvent('classify', classifyHandler(deps));
  cloudEvent('prioritize', prioritizeHandler(deps));
  cloudEvent('route', routeHandler(deps));
  cloudEvent('escalate', escalateHandler(deps));
  http('caseActions', caseActionsHandler(deps));
  http('caseApi', caseApiHandler(deps));
  http('partnerCallback', partnerCallbackHandler({ ...deps, verifyWebhook }));
  http('escalationSteps', escalationStepsHandler({ ...deps, publicUrl: deps.config.publicUrl }));
  cloudEvent('followups', followupsHandler(deps));
  cloudEvent('notify', notifyHandler(deps));
  cloudEvent('alertDeadLetter', alertDeadLetterHandler(deps));
}

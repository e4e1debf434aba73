import type { CaseDraft } from './case-change.js';
import type { Caller, Role } from './caller.js';
import { CaseSubmission, type Actor, type Org, type TimelineEvent } from './case-model.js';
import { domainError, fail, ok, type Result } from './result.js';
import { PLAN_NAMES, QUALIFYING_PLANS, isEntitledToThirdPartySupport } from './support-plans.js';
import { parseInput } from './zod-issues.js';

const PROBLEMS = 'The case has problems; fix the fields listed and send it again.';

/** Validates a submission, reporting every problem at once. */
export function parseSubmission(input: unknown): Result<CaseSubmission> {
  return parseInput(CaseSubmission, input, PROBLEMS);
}

/**
 * What a signed-in person's request opens: a customer opens cases for their own org (the token's,
 * whatever the body says, and a different one is refused) with themselves as the contact unless they
 * name another; an engineer opens a case for any org and names its contact; a partner opens none.
 * Every problem is reported at once, the body's and the caller's together.
 */
export function submissionFor(input: unknown, caller: Caller & { role: Role }): Result<CaseSubmission> {
  if (caller.role === 'partner') return fail(domainError('forbidden', 'Partners answer cases; they do not open them.'));
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail(domainError('invalid_request', 'The body must be a JSON object with the case fields.', { issues: [{ path: '(body)', message: 'Expected a JSON object' }] }));
  }
  const body = input as Record<string, unknown>;
  if (caller.role === 'customer') {
    if (body.orgId !== undefined && body.orgId !== caller.orgId) {
      return fail(domainError('forbidden', 'You can open cases for your own organization only.', { details: { orgId: caller.orgId } }));
    }
    const contact = body.contact ?? (caller.email ? { name: caller.name, email: caller.email } : undefined);
    return parseSubmission({ ...body, orgId: caller.orgId, contact });
  }
  return parseSubmission(body);
}

/**
 * How long a case may sit in an automatic pipeline step before the follow-up sweep re-drives it
 * (re-publishes the step's event). Generous against the ~100 ms a step takes, tight against the
 * shortest first-response target (15 minutes).
 */
export const PIPELINE_STEP_TIMEOUT_MINUTES = 2;

export interface OpenedCase {
  /** The new case; the store gives it version 1, its `updatedAt` and its first `nextActionAt`. */
  case: CaseDraft;
  event: TimelineEvent;
}

/**
 * Opens a case for an org, or says why not. The plan comes from the org record, never from the
 * request: a customer cannot talk their way into third-party support.
 */
export function openCase(submission: CaseSubmission, org: Org, at: Date, opener: Actor): Result<OpenedCase> {
  if (!isEntitledToThirdPartySupport(org.supportPlan)) {
    return fail(
      domainError(
        'not_entitled',
        `Third-party technology support is part of ${QUALIFYING_PLANS.map((p) => PLAN_NAMES[p]).join(', ').replace(/, ([^,]*)$/, ' and $1')} Support; ${org.name} is on ${PLAN_NAMES[org.supportPlan]} Support.`,
        { details: { plan: org.supportPlan, qualifyingPlans: QUALIFYING_PLANS } },
      ),
    );
  }
  const now = at.toISOString();
  const record: CaseDraft = {
    orgId: submission.orgId,
    plan: org.supportPlan,
    contact: submission.contact,
    subject: submission.subject,
    description: submission.description,
    product: submission.product,
    vendor: submission.vendor,
    priority: submission.priority,
    requestedPriority: submission.priority,
    environment: submission.environment,
    googleCloudProjectId: submission.googleCloudProjectId ?? null,
    status: 'received',
    resumeStatus: null,
    approach: null,
    triage: null,
    partnerId: null,
    queue: null,
    sla: null,
    escalation: null,
    escalationRequest: null,
    referral: null,
    statusChangedAt: now,
    createdAt: now,
  };
  const event: TimelineEvent = {
    type: 'case_received',
    at: now,
    actor: opener,
    data: { subject: submission.subject, priority: submission.priority, product: submission.product, vendor: submission.vendor },
    internal: false,
  };
  return ok({ case: record, event });
}

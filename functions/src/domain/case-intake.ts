import type { CaseDraft } from './case-change.js';
import { CaseSubmission, type Org, type TimelineEvent } from './case-model.js';
import { domainError, fail, ok, type Result } from './result.js';
import { PLAN_NAMES, QUALIFYING_PLANS, isEntitledToThirdPartySupport } from './support-plans.js';
import { toFieldIssues } from './zod-issues.js';

/** The HTML form posts flat fields; these two map onto the nested `contact`. */
const FORM_CONTACT_FIELDS = { contactName: 'name', contactEmail: 'email' } as const;

/**
 * Maps an HTML form's fields onto the JSON shape. Empty optional fields are dropped (a browser sends
 * `googleCloudProjectId=` when the box is left blank), and unknown fields such as the hidden
 * idempotency key are ignored by the schema.
 */
export function submissionFromForm(fields: Record<string, unknown>): Record<string, unknown> {
  const { contactName, contactEmail, ...rest } = fields;
  const body: Record<string, unknown> = { ...rest, contact: { name: contactName, email: contactEmail } };
  if (body.googleCloudProjectId === '') delete body.googleCloudProjectId;
  // Browsers send a textarea's line breaks as CRLF; JSON clients send LF. Store one form.
  if (typeof body.description === 'string') body.description = body.description.replace(/\r\n?/g, '\n');
  return body;
}

/** The form field that shows a JSON issue path (`contact.email` is the `contactEmail` box). */
export function formFieldForPath(path: string): string {
  for (const [field, key] of Object.entries(FORM_CONTACT_FIELDS)) if (path === `contact.${key}`) return field;
  return path === 'contact' ? 'contactName' : path;
}

/** Validates a submission, reporting every problem at once. */
export function parseSubmission(input: unknown): Result<CaseSubmission> {
  const parsed = CaseSubmission.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  return fail(
    domainError('invalid_request', 'The case has problems; fix the fields listed and send it again.', {
      issues: toFieldIssues(parsed.error),
    }),
  );
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
export function openCase(submission: CaseSubmission, org: Org, at: Date): Result<OpenedCase> {
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
    actor: { kind: 'customer', id: submission.contact.email },
    data: { subject: submission.subject, priority: submission.priority, product: submission.product, vendor: submission.vendor },
    internal: false,
  };
  return ok({ case: record, event });
}

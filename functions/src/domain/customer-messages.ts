/**
 * What Tandem tells customers in its own voice, in one place: each message is written once and
 * referred to wherever the case reaches the moment it describes. Plain words, no internal detail
 * (no queue, no rule, no partner contact).
 */

const DAY_MINUTES = 24 * 60;

/** "3 days", "24 hours", "90 minutes": periods as a customer reads them. */
export function describeMinutes(minutes: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes % DAY_MINUTES === 0) return plural(minutes / DAY_MINUTES, 'day');
  if (minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(Math.round(minutes), 'minute');
}

/** The partner did not take the case up (its ladder ran out, or its workflow was lost): we carry on. */
export const PARTNER_UNRESPONSIVE_MESSAGE =
  'The technology partner has not responded yet; our engineers are continuing to work on your case directly.';

export type CloseReason = 'no_customer_reply' | 'closed_after_resolution' | 'closed_after_referral';

const CLOSE_MESSAGES: Record<CloseReason, (period: string) => string> = {
  no_customer_reply: (period) =>
    `We have not heard back from you for ${period}, so we have closed this case. If you still need help, open a new case and mention this one.`,
  closed_after_resolution: (period) =>
    `This case was resolved ${period} ago and has now been closed. If the problem comes back, open a new case and mention this one.`,
  closed_after_referral: (period) =>
    `This case was referred to the product's vendor ${period} ago and has now been closed. If you still need help on the Google Cloud side, open a new case.`,
};

/** Why an automatic closure happened, `afterMinutes` after the case came to rest. */
export const closeMessage = (reason: CloseReason, afterMinutes: number): string => CLOSE_MESSAGES[reason](describeMinutes(afterMinutes));

/** The reminder of a case waiting for the customer's reply, naming the day it closes (`closesAt`, ISO). */
export const reminderMessage = (closesAt: string): string =>
  `We are waiting for your reply. Without one, this case will be closed on ${closesAt.slice(0, 10)}.`;

/*
 * The customer's notification emails (notification-templates.ts lays them out): the words of each
 * notice, kind by kind. What happened on the case in someone's own words (a question, a reply, a
 * resolution, a closure's reason) comes from the timeline event's `message`, never rewritten here.
 */

/** The customer notices, by kind (notices.ts NOTICE_KINDS, audience `customer`). */
export type CustomerNoticeKind =
  | 'case_received'
  | 'question_for_customer'
  | 'partner_engaged'
  | 'public_reply'
  | 'resolved'
  | 'referred_to_vendor'
  | 'reminder'
  | 'closed'
  | 'continuing_without_partner';

/** What the copy may name: only what the customer knows or may know about their case. */
export interface CustomerNoticeFacts {
  /** The product the customer named on their case. */
  product: string;
  /** Who spoke on the event: an engineer's name as the timeline shows it, or the partner's name. */
  speaker?: string;
  partnerName?: string;
  vendorName?: string;
  /** The status change's reason (a closure: the customer's own, or Tandem's follow-up). */
  reason?: string;
}

export interface CustomerNoticeCopy {
  /** The subject line's words and the email's heading. */
  headline: string;
  /** What comes before the event's message. */
  lead?: string;
  /** What introduces the event's message (the question, the reply …). */
  messageLabel?: string;
  /** What comes after it: what the customer can do now. */
  next?: string;
}

export const CASE_PAGE_SENTENCE = 'You can see the whole case, and answer, on its page.';
export const OPEN_CASE_LINK_TEXT = 'Open the case';
export const EMAIL_NOT_READ_SENTENCE = 'Replies to this email are not read: please answer on the case page.';
/** A closed case takes no answers: its page is there to read. */
export const CLOSED_CASE_PAGE_SENTENCE = 'You can still read the whole case on its page.';
export const CLOSED_EMAIL_NOT_READ_SENTENCE = 'Replies to this email are not read.';
export const CUSTOMER_SIGN_OFF = 'Customer Care';
export const greeting = (name: string | undefined): string => (name ? `Hello ${name},` : 'Hello,');
/** The line naming the case, in every email. */
export const caseLine = (caseRef: string, subject: string): string => `Case ${caseRef}: ${subject}`;
export const VENDOR_CONTACT_LABEL = 'How to reach the vendor';
export const VENDOR_CONTACT_LABELS = { name: 'Vendor', url: 'Support page', email: 'Email', phone: 'Phone' } as const;

const NEW_CASE_IF_NEEDED = 'If you need help again, open a new case and mention this one.';

/** Closures the customer made themselves: told in our words, not echoed back in theirs. */
const CLOSED_BY_CUSTOMER: Record<string, string> = {
  customer_withdrew: 'You withdrew this case, so we have closed it.',
  customer_confirmed_resolution: 'You confirmed that the problem is solved, so we have closed this case. Thank you for letting us know.',
};

/** Whether a closure's reason is the customer's own (their message is then not repeated to them). */
export const isClosedByCustomer = (reason: string | undefined): boolean => !!reason && reason in CLOSED_BY_CUSTOMER;

export const CUSTOMER_NOTICE_COPY: Record<CustomerNoticeKind, (facts: CustomerNoticeFacts) => CustomerNoticeCopy> = {
  case_received: () => ({
    headline: 'We received your case',
    lead: 'Thank you for contacting us. Our engineers will look at your case and answer as soon as they can.',
  }),
  question_for_customer: (f) => ({
    headline: 'We need your answer',
    lead: `${f.speaker ?? 'We'} need${f.speaker ? 's' : ''} more information to continue working on your case.`,
    messageLabel: 'The question:',
    next: 'Please answer on the case page. Until you do, the case waits for you.',
  }),
  partner_engaged: (f) => {
    const partner = f.partnerName ? `${f.partnerName}, the technology partner for ${f.product},` : `The technology partner for ${f.product}`;
    return {
      headline: `${f.partnerName ?? 'The technology partner'} is working on your case`,
      lead: `${partner} has taken up your case and is working on it together with our engineers.`,
      messageLabel: `${f.partnerName ?? 'The partner'} wrote:`,
    };
  },
  public_reply: (f) => ({
    headline: 'New reply on your case',
    lead: `${f.speaker ?? 'Our engineer'} replied on your case.`,
    messageLabel: 'The reply:',
  }),
  resolved: (f) => ({
    headline: 'Your case is resolved',
    lead: f.speaker ? `${f.speaker} resolved your case.` : 'Your case is resolved.',
    messageLabel: 'The resolution:',
    next: 'If this solves the problem, you can confirm it on the case page. If it does not, reopen the case there and tell us what is still wrong.',
  }),
  referred_to_vendor: (f) => ({
    headline: `We referred your case to ${f.vendorName ?? "the product's vendor"}`,
    lead: `Your case is best handled by the product's vendor${f.vendorName ? `, ${f.vendorName}` : ''}. Please contact them directly.`,
    messageLabel: 'Our note:',
    next: 'If you still need help on the Google Cloud side, answer on the case page.',
  }),
  reminder: () => ({
    headline: 'We are waiting for your reply',
    next: 'Please answer on the case page to keep it open.',
  }),
  closed: (f) => {
    const byCustomer = f.reason ? CLOSED_BY_CUSTOMER[f.reason] : undefined;
    return byCustomer ? { headline: 'Your case is closed', lead: byCustomer, next: NEW_CASE_IF_NEEDED } : { headline: 'Your case is closed' };
  },
  continuing_without_partner: () => ({ headline: 'An update on your case' }),
};

/** A closure with no message of its own (none of Tandem's do without one, but a message is optional). */
export const CLOSED_FALLBACK_MESSAGE = `This case is now closed. ${NEW_CASE_IF_NEEDED}`;

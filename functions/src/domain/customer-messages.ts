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

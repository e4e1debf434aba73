import type { CaseRecord, Role, TimelineEntry } from '../firebase.js';
import { entryWords } from '../model/timeline-words.js';
import { timeWords } from '../model/words.js';
import { isWebAddress } from '../model/web-address.js';

/**
 * The panels at the top of a customer's case page: where the partner stands, the question waiting
 * for the customer, and the vendor to contact when the case was referred. Each says it in words
 * (a heading and a sentence); the frame only repeats it.
 */

/** Polite live region: a partner's answer arriving while the page is open is read out. */
export function PartnerStatusPanel(props: { words: string | null }) {
  return (
    <div aria-live="polite" aria-atomic="true">
      {props.words && (
        <section class="panel panel--partner" aria-labelledby="partner-status-title">
          <h2 id="partner-status-title" class="panel__title">
            The technology partner
          </h2>
          <p class="panel__text" data-testid="partner-status">
            {props.words}
          </p>
        </section>
      )}
    </div>
  );
}

/** The question the case waits on: the latest move to `awaiting_customer`, with what was asked. */
export function latestQuestion(entries: readonly TimelineEntry[]): TimelineEntry | null {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (e.type === 'status_changed' && e.data.to === 'awaiting_customer') return typeof e.data.message === 'string' ? e : null;
  }
  return null;
}

export function QuestionPanel(props: { question: TimelineEntry; viewer: Role; now: Date }) {
  const { question } = props;
  const words = entryWords(question, props.viewer);
  return (
    <section class="panel panel--question" aria-labelledby="question-title">
      <h2 id="question-title" class="panel__title">
        A question for you
      </h2>
      <p class="panel__meta">
        {words.who} asked at <time dateTime={question.at}>{timeWords(question.at, props.now)}</time>:
      </p>
      <blockquote class="panel__quote">{words.message}</blockquote>
      <p class="panel__text">
        <a href="#action-reply-message">Answer it below</a>. Until you do, the case waits for you.
      </p>
    </section>
  );
}

export function ReferralPanel(props: { referral: NonNullable<CaseRecord['referral']> }) {
  const { vendorContact: v, message } = props.referral;
  return (
    <section class="panel panel--referral" aria-labelledby="referral-title">
      <h2 id="referral-title" class="panel__title">
        How to reach the vendor
      </h2>
      <p class="panel__text">Your case is best handled by the product’s vendor. Please contact them directly.</p>
      {message && <blockquote class="panel__quote">{message}</blockquote>}
      <dl class="panel__contact">
        <dt>Vendor</dt>
        <dd>{v.name}</dd>
        {v.url && (
          <>
            <dt>Support page</dt>
            <dd>
              {isWebAddress(v.url) ? (
                <a href={v.url} rel="noopener noreferrer">
                  {v.url}
                </a>
              ) : (
                v.url
              )}
            </dd>
          </>
        )}
        {v.email && (
          <>
            <dt>Email</dt>
            <dd>
              <a href={`mailto:${v.email}`}>{v.email}</a>
            </dd>
          </>
        )}
        {v.phone && (
          <>
            <dt>Phone</dt>
            <dd>
              <a href={`tel:${v.phone.replace(/[^+\d]/g, '')}`}>{v.phone}</a>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

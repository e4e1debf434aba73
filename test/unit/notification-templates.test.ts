import { describe, expect, it } from 'vitest';
import type { Case, TimelineEvent } from '../../functions/src/domain/case-model.js';
import { closeMessage, PARTNER_UNRESPONSIVE_MESSAGE } from '../../functions/src/domain/customer-messages.js';
import { decideFollowups, DEFAULT_FOLLOWUP_PERIODS } from '../../functions/src/domain/followup-policy.js';
import { escapeHtml, formatUtc, renderChatCard, renderDeadLetterCard, renderEmail, shortCaseRef } from '../../functions/src/domain/notification-templates.js';
import { NOTICE_AUDIENCE, NOTICE_KINDS, noticeKindsFor, type IdentifiedEvent, type Notice, type NoticeContext, type NoticeKind } from '../../functions/src/domain/notices.js';
import { TRIAGE_RULES } from '../../functions/src/domain/triage-classification.js';
import { aCaseIn, anAcknowledgedEscalation, anEvent, minutesAfter } from '../builders.js';

/**
 * The notification templates (domain/notification-templates.ts): what every notice says, in text,
 * HTML and Google Chat cards. The customer's emails are checked against internal details planted on
 * the case and the event (a template that showed more than it should fails here); the staff
 * messages for the facts they must carry.
 */

const CASE_ID = 'Xk3F9aQ2bLmN7pRt';
const CASE_URL = `https://tandem.example/app/cases/${CASE_ID}`;
const AT = minutesAfter(60);

/** Internal details a customer must never read, planted where a careless template could find them. */
const SECRET = {
  queue: 'workload-databases',
  rule: TRIAGE_RULES.workloadProduct,
  note: 'Customer seems to have misconfigured WAL, do not tell them yet',
  ladderEmail: 'manager@netapp.example',
  ticket: 'NETAPP-INTERNAL-4711',
};
const planted = {
  queue: SECRET.queue,
  rule: SECRET.rule,
  note: SECRET.note,
  contact: { name: 'Escalation manager', email: SECRET.ladderEmail },
  partnerTicketId: SECRET.ticket,
};

const GRACE = { kind: 'engineer' as const, id: 'u-grace', name: 'Grace Hopper' };
const ADA = { kind: 'customer' as const, id: 'u-ada', name: 'Ada Lovelace' };
const NETAPP = { kind: 'partner' as const, id: 'netapp' };
const SYSTEM = { kind: 'system' as const, id: 'tandem' };

/** The case every customer email is about: a workload case with its queue, triage rule and partner ticket set. */
const theCase = (overrides: Partial<Case> = {}): Case =>
  aCaseIn('in_progress', {
    subject: 'Replication lag on the primary',
    queue: SECRET.queue,
    triage: { rule: SECRET.rule, matched: { kind: 'workload', id: 'postgresql', name: 'PostgreSQL' } },
    escalation: anAcknowledgedEscalation({ partnerTicketId: SECRET.ticket }),
    ...overrides,
  });

const statusEvent = (to: Case['status'], reason: string, message: string | undefined, actor: TimelineEvent['actor'] = GRACE, extra: Record<string, unknown> = {}): TimelineEvent =>
  anEvent({ type: 'status_changed', at: AT, actor, data: { from: 'in_progress', to, reason, ...(message ? { message } : {}), ...planted, ...extra } });

const VENDOR = { name: 'Acme Widgets support', url: 'https://support.acme.example/widgetdb', email: 'help@acme.example', phone: '+49 30 1234567' };
const REFERRAL_MESSAGE = 'WidgetDB is supported by Acme directly; they have your crash signature on file.';

/** The reminder as the follow-up sweep records it: its message names the closing day. */
const reminderEvent = (): TimelineEvent => {
  const waiting = aCaseIn('awaiting_customer');
  const decided = decideFollowups(waiting, new Date(minutesAfter(3 * 24 * 60)), DEFAULT_FOLLOWUP_PERIODS);
  const event = decided!.change.events[0]!;
  return { ...event, data: { ...event.data, ...planted } };
};
const CLOSING_DAY = minutesAfter(7 * 24 * 60).slice(0, 10);

interface CustomerRow {
  kind: NoticeKind;
  event: TimelineEvent;
  case?: Case;
  partnerName?: string;
  /** What the email must say (in text and HTML). */
  says: string[];
  /** What it must not say, besides the planted internal details. */
  never?: string[];
}

const CUSTOMER_ROWS: CustomerRow[] = [
  {
    kind: 'case_received',
    event: anEvent({ type: 'case_received', at: AT, actor: ADA, data: { subject: 'Replication lag on the primary', priority: 'P2', ...planted } }),
    says: ['We received your case', 'Hello Ada'],
  },
  {
    kind: 'question_for_customer',
    event: statusEvent('awaiting_customer', 'information_requested', 'Which WAL settings do you run?'),
    says: ['We need your answer', 'Which WAL settings do you run?', 'Grace Hopper'],
  },
  {
    kind: 'question_for_customer',
    event: statusEvent('awaiting_customer', 'partner_requested_information', 'Which ONTAP version is this?', NETAPP, { from: 'partner_engaged' }),
    partnerName: 'NetApp',
    says: ['Which ONTAP version is this?', 'NetApp needs more information'],
  },
  {
    kind: 'partner_engaged',
    event: statusEvent('partner_engaged', 'partner_acknowledged', 'We are reproducing it.', NETAPP, { from: 'awaiting_partner' }),
    partnerName: 'NetApp',
    says: ['NetApp is working on your case', 'We are reproducing it.'],
  },
  {
    kind: 'public_reply',
    event: anEvent({ type: 'reply_posted', at: AT, actor: GRACE, data: { message: 'Looking at it now.', ...planted } }),
    says: ['New reply on your case', 'Grace Hopper replied', 'Looking at it now.'],
  },
  {
    kind: 'resolved',
    event: statusEvent('resolved', 'engineer_resolved', 'Raise max_wal_size to 8GB.'),
    says: ['Your case is resolved', 'Raise max_wal_size to 8GB.', 'reopen'],
  },
  {
    kind: 'referred_to_vendor',
    case: theCase({ status: 'referred_to_vendor', referral: { vendorContact: VENDOR, message: REFERRAL_MESSAGE, referredAt: AT } }),
    event: statusEvent('referred_to_vendor', 'referred_to_vendor', REFERRAL_MESSAGE, GRACE, { vendorContact: VENDOR }),
    says: ['We referred your case to Acme Widgets support', REFERRAL_MESSAGE, VENDOR.name, VENDOR.url, VENDOR.email, VENDOR.phone],
  },
  {
    kind: 'reminder',
    case: theCase({ status: 'awaiting_customer' }),
    event: reminderEvent(),
    says: ['We are waiting for your reply', `closed on ${CLOSING_DAY}`],
  },
  {
    kind: 'closed',
    event: statusEvent('closed', 'no_customer_reply', closeMessage('no_customer_reply', 7 * 24 * 60), SYSTEM, { from: 'awaiting_customer' }),
    says: ['Your case is closed', 'We have not heard back from you for 7 days', 'You can still read the whole case on its page.'],
    never: ['answer on the case page'],
  },
  {
    kind: 'closed',
    event: statusEvent('closed', 'customer_withdrew', 'nevermind, found it myself, ugh', ADA),
    says: ['You withdrew this case'],
    never: ['nevermind'],
  },
  {
    kind: 'continuing_without_partner',
    event: statusEvent('in_progress', 'partner_unresponsive', PARTNER_UNRESPONSIVE_MESSAGE, SYSTEM, { from: 'awaiting_partner', levelsTried: 3 }),
    says: [PARTNER_UNRESPONSIVE_MESSAGE],
  },
];

const identified = (event: TimelineEvent, id = 'v7-0'): IdentifiedEvent => ({ ...event, id });
const noticeOf = (kind: NoticeKind, eventId = 'v7-0'): Notice => ({ id: `${eventId}.${NOTICE_AUDIENCE[kind]}`, eventId, audience: NOTICE_AUDIENCE[kind], kind });
const ctxOf = (event: TimelineEvent, overrides: Partial<NoticeContext> = {}): NoticeContext => ({
  caseId: CASE_ID,
  caseUrl: CASE_URL,
  case: theCase(),
  event: identified(event),
  ...overrides,
});

/** The words of an HTML body as a reader sees them: tags gone, entities decoded, whitespace collapsed. */
const visibleText = (html: string): string =>
  html
    .slice(html.indexOf('<main>'), html.indexOf('</main>'))
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
/** The text body the same way: list bullets and the bare URL after "Open the case:" are how text shows a list and a link. */
const readText = (text: string): string =>
  text.replace(/^- /gm, '').replace(`Open the case: ${CASE_URL}`, 'Open the case').replace(/\s+/g, ' ').trim();

describe('escapeHtml', () => {
  it.each([
    ['<script>alert("x")</script>', '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'],
    ["Tom & Jerry's", 'Tom &amp; Jerry&#39;s'],
    ['&amp; already', '&amp;amp; already'],
    ['<a href="javascript:x">', '&lt;a href=&quot;javascript:x&quot;&gt;'],
    ['plain text, 100%', 'plain text, 100%'],
  ])('%s', (input, escaped) => {
    expect(escapeHtml(input)).toBe(escaped);
  });
});

describe("the customer's emails", () => {
  it.each(CUSTOMER_ROWS)('$kind ($event.data.reason): the case, its link and what happened, nothing internal', (row) => {
    const ctx = ctxOf(row.event, { ...(row.case ? { case: row.case } : {}), ...(row.partnerName ? { partnerName: row.partnerName } : {}) });
    const email = renderEmail(noticeOf(row.kind), ctx);

    expect(email.subject).toMatch(new RegExp(`^\\[Case ${shortCaseRef(CASE_ID)}\\] .+: ${ctx.case.subject}$`));
    for (const body of [email.text, visibleText(email.html)]) {
      expect(body).toContain(ctx.case.subject);
      for (const words of row.says) expect(body).toContain(words);
      for (const words of [...Object.values(SECRET), ...(row.never ?? [])]) expect(body).not.toContain(words);
    }
    for (const words of Object.values(SECRET)) expect(email.subject).not.toContain(words);
    expect(email.text).toContain(CASE_URL);
    expect(email.html).toContain(`<a href="${CASE_URL}">Open the case</a>`);
  });

  it('covers every customer kind', () => {
    expect([...new Set(CUSTOMER_ROWS.map((r) => r.kind))].sort()).toEqual(noticeKindsFor('customer').sort());
  });

  it.each(CUSTOMER_ROWS)('$kind: the text and the HTML say the same thing', (row) => {
    const email = renderEmail(noticeOf(row.kind), ctxOf(row.event, row.case ? { case: row.case } : {}));
    expect(visibleText(email.html)).toBe(readText(email.text));
  });

  it('keeps the line breaks of a message: as they are in text, as <br> and paragraphs in HTML', () => {
    const message = 'First line\nsecond line\n\nA new paragraph';
    const email = renderEmail(noticeOf('question_for_customer'), ctxOf(statusEvent('awaiting_customer', 'information_requested', message)));
    expect(email.text).toContain(message);
    expect(email.html).toContain('<p>First line<br>\nsecond line</p>\n<p>A new paragraph</p>');
  });

  it('escapes every value it interpolates in HTML, and keeps the subject to one line', () => {
    const hostile = theCase({ subject: '<script>alert("x")</script> & \'quotes\'\r\nBcc: evil@example.com', contact: { name: '<img src=x onerror=alert(1)>', email: 'ada@globex.example' } });
    const event = statusEvent('awaiting_customer', 'information_requested', 'Is <b>this</b> & "that" right?');
    const email = renderEmail(noticeOf('question_for_customer'), ctxOf(event, { case: hostile, partnerName: '<i>NetApp</i>' }));
    expect(email.html).not.toMatch(/<script|<img|<b>|<i>/);
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;');
    expect(email.html).toContain('Is &lt;b&gt;this&lt;/b&gt; &amp; &quot;that&quot; right?');
    expect(email.html).toContain('Hello &lt;img src=x onerror=alert(1)&gt;,');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toContain('<script>alert("x")</script> & \'quotes\' Bcc: evil@example.com');
    expect(email.text).toContain('Is <b>this</b> & "that" right?');
  });

  it('links only to web and mail addresses: a vendor page that is not one is shown, not linked', () => {
    const vendor = { name: 'Acme', url: 'javascript:alert(document.cookie)' };
    const referred = theCase({ status: 'referred_to_vendor', referral: { vendorContact: vendor, message: 'Ask Acme.', referredAt: AT } });
    const email = renderEmail(noticeOf('referred_to_vendor'), ctxOf(statusEvent('referred_to_vendor', 'referred_to_vendor', 'Ask Acme.'), { case: referred }));
    expect(email.html).not.toContain('href="javascript:');
    expect(email.html).toContain('<li>Support page: javascript:alert(document.cookie)</li>');
  });

  it('names the vendor from the referral on the case, with only the contact details present', () => {
    const vendor = { name: 'Acme', email: 'help@acme.example' };
    const referred = theCase({ status: 'referred_to_vendor', referral: { vendorContact: vendor, message: 'Ask Acme.', referredAt: AT } });
    const email = renderEmail(noticeOf('referred_to_vendor'), ctxOf(statusEvent('referred_to_vendor', 'referred_to_vendor', 'Ask Acme.'), { case: referred }));
    expect(email.text).toContain('- Vendor: Acme\n- Email: help@acme.example\n\n');
    expect(email.text).not.toContain('Support page');
    expect(email.html).toContain('<a href="mailto:help@acme.example">help@acme.example</a>');
  });

  it('is a small valid, accessible document: a language, a title, one heading, no images', () => {
    for (const row of CUSTOMER_ROWS) {
      const { html, subject } = renderEmail(noticeOf(row.kind), ctxOf(row.event, row.case ? { case: row.case } : {}));
      expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
      expect(html).toContain(`<title>${escapeHtml(subject)}</title>`);
      expect(html.match(/<h1[ >]/g)).toHaveLength(1);
      expect(html).not.toMatch(/<h[2-6]|<img/);
      expect(html.trimEnd().endsWith('</html>')).toBe(true);
      // Every element opened is closed (the void ones excepted).
      const open = [...html.matchAll(/<([a-z0-9]+)[\s>]/g)].map((m) => m[1]).filter((t) => !['meta', 'br'].includes(t!));
      const closed = [...html.matchAll(/<\/([a-z0-9]+)>/g)].map((m) => m[1]);
      expect(open.sort()).toEqual(closed.sort());
    }
  });

  it('greets the recipient notify names, else the case contact', () => {
    const event = anEvent({ type: 'case_received', at: AT });
    expect(renderEmail(noticeOf('case_received'), ctxOf(event)).text).toContain('Hello Ada,');
    expect(renderEmail(noticeOf('case_received'), ctxOf(event, { recipientName: 'Ada Lovelace' })).text).toContain('Hello Ada Lovelace,');
  });

  it('refuses to render a notice against another event', () => {
    expect(() => renderEmail(noticeOf('case_received', 'v1-0'), ctxOf(anEvent()))).toThrow(/v1-0/);
  });

  it('renders the same bytes for the same notice (a redelivery sends the same email)', () => {
    const row = CUSTOMER_ROWS[6]!;
    const ctx = ctxOf(row.event, { case: row.case! });
    expect(renderEmail(noticeOf(row.kind), ctx)).toEqual(renderEmail(noticeOf(row.kind), structuredClone(ctx)));
  });
});

describe("the engineer's emails", () => {
  const sla = theCase().sla!;
  it.each([
    {
      kind: 'customer_replied' as const,
      event: anEvent({ type: 'reply_posted', at: AT, actor: ADA, data: { message: 'wal_level=replica\nmax_wal_size=1GB' } }),
      says: ['The customer replied', 'Ada replied', 'wal_level=replica\nmax_wal_size=1GB'],
    },
    {
      kind: 'customer_replied' as const,
      event: anEvent({ type: 'status_changed', at: AT, actor: ADA, data: { from: 'resolved', to: 'in_progress', reason: 'customer_reopened', message: 'It came back overnight.' } }),
      says: ['Ada reopened the case', 'It came back overnight.'],
    },
    {
      kind: 'partner_updated' as const,
      event: anEvent({ type: 'partner_updated', at: AT, actor: NETAPP, data: { message: 'Reproduced in our lab.', partnerTicketId: 'NETAPP-1' } }),
      says: ['NetApp sent an update on their ticket NETAPP-1', 'Reproduced in our lab.'],
    },
    {
      kind: 'partner_declined' as const,
      event: anEvent({ type: 'status_changed', at: AT, actor: NETAPP, data: { from: 'partner_engaged', to: 'in_progress', reason: 'partner_declined', message: 'Not our product.' } }),
      says: ['NetApp declined the case', 'Not our product.'],
    },
    {
      kind: 'sla_warning' as const,
      event: anEvent({ type: 'sla_warning', at: AT, actor: SYSTEM, internal: true, data: { firstResponseDueAt: sla.firstResponseDueAt, targetMinutes: 120 } }),
      says: ['First response due soon', `due ${formatUtc(sla.firstResponseDueAt)}`],
    },
  ])('$kind: the internal facts and the words to act on', ({ kind, event, says }) => {
    const c = theCase({ sla: { ...sla, firstRespondedAt: null } });
    const email = renderEmail(noticeOf(kind), ctxOf(event, { case: c, partnerName: 'NetApp', recipientName: 'Grace Hopper' }));
    expect(email.subject).toBe(`[Case ${shortCaseRef(CASE_ID)}, P2] ${email.text.split('\n')[0]}: ${c.subject}`);
    for (const body of [email.text, visibleText(email.html).replace(/\s+/g, ' ')]) {
      for (const words of [...says, 'Hello Grace Hopper,', `Queue: ${SECRET.queue}`, 'Priority: P2', c.subject]) {
        expect(body).toContain(body === email.text ? words : words.replace(/\s+/g, ' '));
      }
    }
    expect(email.text).toContain(`First response: due ${formatUtc(sla.firstResponseDueAt)} (120-minute target)`);
    expect(email.text).toContain(CASE_URL);
    expect(email.html).toContain(`<a href="${CASE_URL}">Open the case</a>`);
  });
});

describe('the duty channel cards', () => {
  type Widget = Record<string, Record<string, unknown>>;
  const widgetsOf = (body: Record<string, unknown>): Widget[] => {
    const cards = body.cardsV2 as { cardId: string; card: { header: { title: string; subtitle: string }; sections: { widgets: Widget[] }[] } }[];
    expect(cards).toHaveLength(1);
    return cards[0]!.card.sections.flatMap((s) => s.widgets);
  };
  const buttonsOf = (body: Record<string, unknown>) =>
    widgetsOf(body).flatMap((w) => ((w.buttonList?.buttons ?? []) as { text: string; onClick: { openLink: { url: string } } }[]));

  it.each([
    {
      kind: 'sla_breached' as const,
      event: anEvent({ type: 'sla_breached', at: AT, actor: SYSTEM, internal: true, data: { firstResponseDueAt: minutesAfter(120), targetMinutes: 120, queue: SECRET.queue } }),
      says: [`no first response by ${formatUtc(minutesAfter(120))}`],
    },
    {
      kind: 'partner_unresponsive' as const,
      event: anEvent({ type: 'status_changed', at: AT, actor: SYSTEM, data: { from: 'awaiting_partner', to: 'in_progress', reason: 'partner_unresponsive', levelsTried: 3, message: PARTNER_UNRESPONSIVE_MESSAGE } }),
      says: ['NetApp did not acknowledge the case after 3 requests'],
    },
    {
      kind: 'partner_unresponsive' as const,
      event: anEvent({ type: 'status_changed', at: AT, actor: SYSTEM, data: { from: 'awaiting_partner', to: 'in_progress', reason: 'escalation_lost' } }),
      says: ['The escalation to NetApp went quiet past its acknowledgement deadline'],
    },
  ])('$kind: a card with a text fallback, the facts and the Open case button', ({ kind, event, says }) => {
    const body = renderChatCard(noticeOf(kind), ctxOf(event, { partnerName: 'NetApp' }));
    expect(body.text).toEqual(expect.stringContaining(CASE_URL));
    expect(body.text).toEqual(expect.stringContaining(theCase().subject));
    const card = (body.cardsV2 as { cardId: string; card: { header: { title: string; subtitle: string } } }[])[0]!;
    expect(card.cardId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(card.card.header.subtitle).toContain(shortCaseRef(CASE_ID));
    const texts = widgetsOf(body).map((w) => String(w.textParagraph?.text ?? w.decoratedText?.text ?? '')).join('\n');
    for (const words of [...says, SECRET.queue, 'P2']) expect(texts).toContain(words);
    expect(buttonsOf(body)).toEqual([{ text: 'Open case', onClick: { openLink: { url: CASE_URL } } }]);
    expect(widgetsOf(body).at(-1)).toHaveProperty('buttonList');
  });

  it('escapes what it interpolates in card text', () => {
    const event = anEvent({ type: 'status_changed', at: AT, actor: SYSTEM, data: { reason: 'partner_unresponsive' } });
    const body = renderChatCard(noticeOf('partner_unresponsive'), ctxOf(event, { partnerName: '<b>Evil</b> & co' }));
    expect(JSON.stringify(widgetsOf(body))).toContain('&lt;b&gt;Evil&lt;/b&gt; &amp; co');
    expect(JSON.stringify(widgetsOf(body))).not.toContain('<b>');
  });

  it('renders the dead-letter alert, with the case button when the message names a case', () => {
    const withCase = renderDeadLetterCard({ topic: 'case-updated', messageId: '1234567890', caseId: CASE_ID, caseUrl: CASE_URL, attempts: 5 });
    const texts = JSON.stringify(widgetsOf(withCase));
    for (const words of ['case-updated', '1234567890', '5', CASE_ID]) expect(texts).toContain(words);
    expect(withCase.text).toBe(`A message was dead-lettered: case-updated message 1234567890 after 5 deliveries ${CASE_URL}`);
    expect(buttonsOf(withCase)).toEqual([{ text: 'Open case', onClick: { openLink: { url: CASE_URL } } }]);

    const without = renderDeadLetterCard({ topic: 'escalation-requested', messageId: 'm-2', attempts: 5 });
    expect(buttonsOf(without)).toEqual([]);
    expect(JSON.stringify(without)).toContain('escalation-requested');
  });

  it('renders a dead-lettered message handed over as a notice, from its event data', () => {
    const event = anEvent({ type: 'step_redriven', internal: true, actor: SYSTEM, data: { topic: 'case-received', messageId: 'm-9', attempts: 5 } });
    const body = renderChatCard(noticeOf('message_dead_lettered'), ctxOf(event));
    expect(JSON.stringify(widgetsOf(body))).toContain('case-received');
    expect(buttonsOf(body)).toEqual([{ text: 'Open case', onClick: { openLink: { url: CASE_URL } } }]);
  });
});

describe('every notice kind renders', () => {
  it.each(Object.keys(NOTICE_KINDS) as NoticeKind[])('%s: an email and a card, both about the case', (kind) => {
    const event = anEvent({ type: 'status_changed', at: AT, actor: GRACE, data: { message: 'Words.', reason: 'x', topic: 't', messageId: 'm', attempts: 5 } });
    const ctx = ctxOf(event, { partnerName: 'NetApp' });
    const email = renderEmail(noticeOf(kind), ctx);
    expect(email.subject).toContain(`[Case ${shortCaseRef(CASE_ID)}`);
    expect(email.text).toContain(CASE_URL);
    expect(buttonsOf(renderChatCard(noticeOf(kind), ctx))).toHaveLength(1);
  });

  const buttonsOf = (body: Record<string, unknown>) =>
    (body.cardsV2 as { card: { sections: { widgets: { buttonList?: { buttons: unknown[] } }[] }[] } }[])[0]!.card.sections.flatMap((s) => s.widgets.flatMap((w) => w.buttonList?.buttons ?? []));
});

import type { Case, VendorContact } from './case-model.js';
import {
  CASE_PAGE_SENTENCE, caseLine, CLOSED_CASE_PAGE_SENTENCE, CLOSED_EMAIL_NOT_READ_SENTENCE, CLOSED_FALLBACK_MESSAGE, CUSTOMER_NOTICE_COPY, CUSTOMER_SIGN_OFF, EMAIL_NOT_READ_SENTENCE, greeting,
  isClosedByCustomer, OPEN_CASE_LINK_TEXT, PARTNER_UNRESPONSIVE_MESSAGE, reminderMessage, VENDOR_CONTACT_LABEL, VENDOR_CONTACT_LABELS,
  type CustomerNoticeKind,
} from './customer-messages.js';
import { NOTICE_AUDIENCE, type DeadLetter, type Notice, type NoticeContext, type NoticeKind } from './notices.js';

/**
 * What each notice says, as an email (`renderEmail`) or a Google Chat card (`renderChatCard`), from
 * the notice and the facts notify resolved for it. Pure: the same notice and context give the same
 * message, byte for byte, so a redelivered notice sends the same email.
 *
 * A customer's email is built from the customer's words only (customer-messages.ts) and the event's
 * public `message`: no queue, triage rule, note, partner ladder or ticket, whatever the case or the
 * event holds besides. Staff messages (the engineer's email, the duty card) carry the internal facts.
 * Text and HTML are laid out from one list of blocks, so they say the same thing; every value is
 * escaped in HTML, and a message's line breaks are kept (as they are in text, as `<br>` and
 * paragraphs in HTML).
 */

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** What an email or a card is made of. */
type Block =
  | { kind: 'paragraph'; text: string }
  /** Someone's own words (a question, a reply), introduced by `label`. */
  | { kind: 'message'; label?: string; text: string }
  | { kind: 'facts'; label?: string; items: Fact[] };

interface Fact {
  label: string;
  value: string;
  /** A link for the value (a support page, an email address), used only when it is http(s) or mailto. */
  href?: string;
}

interface Content {
  headline: string;
  blocks: Block[];
}

/** The short case reference subjects and cards show: the ID's first 8 characters. */
export const shortCaseRef = (caseId: string): string => caseId.slice(0, 8);

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** "2026-11-23 11:00 UTC" from an ISO time (no clock, no locale: the same text everywhere). */
export const formatUtc = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** A header line: no line breaks (they would end the header), runs of whitespace as one space. */
const oneLine = (value: string): string => value.replace(/\s+/g, ' ').trim();

/** Line breaks as `\n`, surrounding blank lines dropped. */
const normalize = (value: string): string => value.replace(/\r\n?/g, '\n').replace(/^\s*\n|\n\s*$/g, '');

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

// ---------------------------------------------------------------------------------------------------
// The customer's emails

const eventMessage = (ctx: NoticeContext): string | undefined => str(ctx.event.data.message);

/** Who spoke on the event, as the customer may know them: the partner by name, an engineer by the name the timeline shows. */
function speakerOf(ctx: NoticeContext): string | undefined {
  const actor = ctx.event.actor;
  if (actor.kind === 'partner') return ctx.partnerName ?? 'The technology partner';
  if (actor.kind === 'engineer') return actor.name;
  return undefined;
}

function vendorContactOf(ctx: NoticeContext): VendorContact | undefined {
  const fromEvent = ctx.event.data.vendorContact as VendorContact | undefined;
  return ctx.case.referral?.vendorContact ?? (fromEvent && typeof fromEvent.name === 'string' ? fromEvent : undefined);
}

function vendorFacts(contact: VendorContact): Fact[] {
  const facts: Fact[] = [{ label: VENDOR_CONTACT_LABELS.name, value: contact.name }];
  if (contact.url) facts.push({ label: VENDOR_CONTACT_LABELS.url, value: contact.url, href: contact.url });
  if (contact.email) facts.push({ label: VENDOR_CONTACT_LABELS.email, value: contact.email, href: `mailto:${contact.email}` });
  if (contact.phone) facts.push({ label: VENDOR_CONTACT_LABELS.phone, value: contact.phone });
  return facts;
}

/** The event's message for the customer, where a kind has its own source or fallback. */
function customerMessage(kind: CustomerNoticeKind, ctx: NoticeContext): string | undefined {
  const message = eventMessage(ctx);
  switch (kind) {
    case 'reminder': {
      // The follow-up wrote the closing date into the message; only an event without one is worded here.
      const closesAt = str(ctx.event.data.closesAt);
      return message ?? (closesAt ? reminderMessage(closesAt) : undefined);
    }
    case 'closed':
      if (isClosedByCustomer(str(ctx.event.data.reason))) return undefined;
      return message ?? CLOSED_FALLBACK_MESSAGE;
    case 'continuing_without_partner':
      return message ?? PARTNER_UNRESPONSIVE_MESSAGE;
    case 'case_received':
      // The case's description is the customer's own; the receipt does not repeat it.
      return undefined;
    default:
      return message;
  }
}

function customerContent(kind: CustomerNoticeKind, ctx: NoticeContext): Content {
  const vendor = kind === 'referred_to_vendor' ? vendorContactOf(ctx) : undefined;
  const copy = CUSTOMER_NOTICE_COPY[kind]({
    product: ctx.case.product,
    speaker: speakerOf(ctx),
    partnerName: ctx.partnerName,
    vendorName: vendor?.name,
    reason: str(ctx.event.data.reason),
  });
  const message = customerMessage(kind, ctx);
  const blocks: Block[] = [{ kind: 'paragraph', text: greeting(ctx.recipientName ?? ctx.case.contact.name) }];
  if (copy.lead) blocks.push({ kind: 'paragraph', text: copy.lead });
  if (message) blocks.push(copy.lead || copy.messageLabel ? { kind: 'message', label: copy.messageLabel, text: message } : { kind: 'paragraph', text: message });
  if (vendor) blocks.push({ kind: 'facts', label: VENDOR_CONTACT_LABEL, items: vendorFacts(vendor) });
  if (copy.next) blocks.push({ kind: 'paragraph', text: copy.next });
  blocks.push({ kind: 'paragraph', text: kind === 'closed' ? CLOSED_CASE_PAGE_SENTENCE : CASE_PAGE_SENTENCE });
  return { headline: copy.headline, blocks };
}

// ---------------------------------------------------------------------------------------------------
// Staff: the engineer's emails and the duty channel's cards

const STAFF_HEADLINES: Record<Exclude<NoticeKind, CustomerNoticeKind>, string> = {
  customer_replied: 'The customer replied',
  partner_updated: 'The partner sent an update',
  partner_declined: 'The partner declined the case',
  sla_warning: 'First response due soon',
  sla_breached: 'First-response target missed',
  partner_unresponsive: 'The partner never acknowledged',
  message_dead_lettered: 'A message was dead-lettered',
};

const partnerOf = (ctx: NoticeContext): string => ctx.partnerName ?? ctx.case.partnerId ?? 'The partner';

/** What staff see about any case: where it is, how urgent, whose, and its first-response clock. */
function caseFacts(c: Case): Fact[] {
  const facts: Fact[] = [
    { label: 'Status', value: c.status.replaceAll('_', ' ') },
    { label: 'Priority', value: c.priority },
    { label: 'Queue', value: c.queue ?? 'none yet' },
    { label: 'Customer', value: `${c.contact.name} <${c.contact.email}>, org ${c.orgId} (${c.plan})` },
    { label: 'Product', value: `${c.product} (${c.vendor})` },
  ];
  if (c.sla) {
    const clock = c.sla.firstRespondedAt
      ? `responded ${formatUtc(c.sla.firstRespondedAt)}`
      : `due ${formatUtc(c.sla.firstResponseDueAt)} (${c.sla.targetMinutes}-minute target${c.sla.pausedSince ? ', paused' : ''}${c.sla.breached ? ', breached' : ''})`;
    facts.push({ label: 'First response', value: clock });
  }
  if (c.escalation?.partnerTicketId) facts.push({ label: 'Partner ticket', value: c.escalation.partnerTicketId });
  return facts;
}

function staffContent(kind: Exclude<NoticeKind, CustomerNoticeKind>, ctx: NoticeContext): Content {
  const c = ctx.case;
  const data = ctx.event.data;
  const message = eventMessage(ctx);
  const blocks: Block[] = [];
  const say = (text: string) => blocks.push({ kind: 'paragraph', text });
  const quote = (label: string) => {
    if (message) blocks.push({ kind: 'message', label, text: message });
  };
  switch (kind) {
    case 'customer_replied':
      if (str(data.reason) === 'customer_reopened') {
        say(`${c.contact.name} reopened the case; it is back in progress.`);
        quote('Their reason:');
      } else {
        if (str(data.reason) === 'customer_replied') say(`${c.contact.name} answered your question; the case is ${str(data.to)?.replaceAll('_', ' ') ?? 'in progress'} again.`);
        else say(`${c.contact.name} replied on the case.`);
        quote('Their reply:');
      }
      break;
    case 'partner_updated':
      say(`${partnerOf(ctx)} sent an update${str(data.partnerTicketId) ? ` on their ticket ${str(data.partnerTicketId)}` : ''}.`);
      quote('The update:');
      break;
    case 'partner_declined':
      say(`${partnerOf(ctx)} declined the case: it is back in progress with Customer Care, and the partner no longer sees it.`);
      quote('Their reason:');
      break;
    case 'sla_warning': {
      const due = str(data.firstResponseDueAt) ?? c.sla?.firstResponseDueAt;
      say(`Nobody has responded to this ${c.priority} case yet. The first response is due ${due ? formatUtc(due) : 'soon'}.`);
      break;
    }
    case 'sla_breached': {
      const due = str(data.firstResponseDueAt) ?? c.sla?.firstResponseDueAt;
      say(`This ${c.priority} case had no first response by ${due ? formatUtc(due) : 'its target'}${num(data.targetMinutes) ? ` (${num(data.targetMinutes)}-minute target)` : ''}. Someone needs to take it now.`);
      break;
    }
    case 'partner_unresponsive': {
      const tried = num(data.levelsTried);
      say(
        str(data.reason) === 'escalation_lost'
          ? `The escalation to ${partnerOf(ctx)} went quiet past its acknowledgement deadline: Customer Care has the case back.`
          : `${partnerOf(ctx)} did not acknowledge the case${tried ? ` after ${tried} ${tried === 1 ? 'request' : 'requests'} up its escalation ladder` : ''}: Customer Care has the case back.`,
      );
      break;
    }
    case 'message_dead_lettered':
      return deadLetterContent(deadLetterOf(ctx));
  }
  blocks.push({ kind: 'facts', items: caseFacts(c) });
  return { headline: STAFF_HEADLINES[kind], blocks };
}

/** A dead-lettered message handed over as a notice: its facts travel on the (synthetic) event's data. */
const deadLetterOf = (ctx: NoticeContext): DeadLetter => ({
  topic: str(ctx.event.data.topic) ?? 'unknown',
  messageId: str(ctx.event.data.messageId) ?? 'unknown',
  attempts: num(ctx.event.data.attempts) ?? 0,
  caseId: ctx.caseId,
  caseUrl: ctx.caseUrl,
});

function deadLetterContent(dl: DeadLetter): Content {
  const items: Fact[] = [
    { label: 'Topic', value: dl.topic },
    { label: 'Message ID', value: dl.messageId },
    { label: 'Deliveries attempted', value: String(dl.attempts) },
  ];
  if (dl.caseId) items.push({ label: 'Case', value: dl.caseId });
  return {
    headline: STAFF_HEADLINES.message_dead_lettered,
    blocks: [
      { kind: 'paragraph', text: `A message on ${dl.topic} failed ${dl.attempts} deliveries and was moved to the dead-letter topic. Whatever it was to do has not happened: look at it, then replay or drop it.` },
      { kind: 'facts', items },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// Rendering

const isCustomerKind = (kind: NoticeKind): kind is CustomerNoticeKind => NOTICE_AUDIENCE[kind] === 'customer';

function contentOf(notice: Notice, ctx: NoticeContext): Content {
  if (ctx.event.id !== notice.eventId) throw new Error(`Notice ${notice.id} is about event ${notice.eventId}, not ${ctx.event.id}`);
  return isCustomerKind(notice.kind) ? customerContent(notice.kind, ctx) : staffContent(notice.kind, ctx);
}

const factText = (f: Fact) => `${f.label}: ${f.value}`;

function blockText(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return normalize(block.text);
    case 'message':
      return [block.label, normalize(block.text)].filter(Boolean).join('\n\n');
    case 'facts':
      return [block.label ? `${block.label}:` : undefined, ...block.items.map((f) => `- ${factText(f)}`)].filter(Boolean).join('\n');
  }
}

/** Text as HTML paragraphs: blank lines part paragraphs, single line breaks become `<br>`. */
const htmlParagraphs = (text: string): string =>
  normalize(text)
    .split(/\n\s*\n/)
    .map((p) => `<p>${p.split('\n').map(escapeHtml).join('<br>\n')}</p>`)
    .join('\n');

const htmlLink = (href: string, text: string): string =>
  SAFE_LINK.test(href) ? `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>` : escapeHtml(text);

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return htmlParagraphs(block.text);
    case 'message':
      return `${block.label ? `<p>${escapeHtml(block.label)}</p>\n` : ''}<blockquote style="margin:0 0 1em;padding-left:1em;border-left:3px solid #dadce0">\n${htmlParagraphs(block.text)}\n</blockquote>`;
    case 'facts': {
      const items = block.items.map((f) => `<li>${escapeHtml(f.label)}: ${f.href ? htmlLink(f.href, f.value) : escapeHtml(f.value)}</li>`).join('\n');
      return `${block.label ? `<p>${escapeHtml(block.label)}:</p>\n` : ''}<ul>\n${items}\n</ul>`;
    }
  }
}

function htmlDocument(title: string, headline: string, body: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '</head>',
    '<body style="font-family:Arial,Helvetica,sans-serif;line-height:1.5;color:#202124;max-width:40em;margin:0 auto;padding:1em">',
    '<main>',
    `<h1 style="font-size:1.25em">${escapeHtml(headline)}</h1>`,
    ...body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * The email for a notice: `[Case <ref>] <headline>: <case subject>` (staff: with the priority), a
 * text and an HTML body that say the same thing, the case and its link in both.
 */
export function renderEmail(notice: Notice, ctx: NoticeContext): RenderedEmail {
  const content = contentOf(notice, ctx);
  const ref = shortCaseRef(ctx.caseId);
  const customer = isCustomerKind(notice.kind);
  const subject = oneLine(`[Case ${ref}${customer ? '' : `, ${ctx.case.priority}`}] ${content.headline}: ${ctx.case.subject}`);
  const blocks: Block[] = customer
    ? content.blocks
    : [{ kind: 'paragraph', text: greeting(ctx.recipientName) }, ...content.blocks];
  const about = caseLine(ref, oneLine(ctx.case.subject));
  const closing = customer ? [notice.kind === 'closed' ? CLOSED_EMAIL_NOT_READ_SENTENCE : EMAIL_NOT_READ_SENTENCE, CUSTOMER_SIGN_OFF] : [];

  const text = [content.headline, about, ...blocks.map(blockText), `${OPEN_CASE_LINK_TEXT}: ${ctx.caseUrl}`, ...closing].join('\n\n') + '\n';
  const html = htmlDocument(subject, content.headline, [
    `<p>${escapeHtml(about)}</p>`,
    ...blocks.map(blockHtml),
    `<p>${htmlLink(ctx.caseUrl, OPEN_CASE_LINK_TEXT)}</p>`,
    ...closing.map(htmlParagraphs),
  ]);
  return { subject, text, html };
}

const OPEN_CASE_BUTTON = 'Open case';

/** Card text widgets take Google Chat's HTML subset: values are escaped, line breaks kept as `<br>`. */
const cardText = (text: string): string => normalize(text).split('\n').map(escapeHtml).join('<br>');

function cardWidgets(blocks: Block[]): Record<string, unknown>[] {
  return blocks.flatMap((block): Record<string, unknown>[] => {
    switch (block.kind) {
      case 'paragraph':
        return [{ textParagraph: { text: cardText(block.text) } }];
      case 'message':
        return [{ decoratedText: { ...(block.label ? { topLabel: block.label } : {}), text: cardText(block.text), wrapText: true } }];
      case 'facts':
        return block.items.map((f) => ({ decoratedText: { topLabel: f.label, text: cardText(f.value), wrapText: true } }));
    }
  });
}

function chatCard(cardId: string, content: Content, subtitle: string, url: string | undefined, fallback: string): Record<string, unknown> {
  const widgets = cardWidgets(content.blocks);
  if (url) widgets.push({ buttonList: { buttons: [{ text: OPEN_CASE_BUTTON, onClick: { openLink: { url } } }] } });
  return {
    text: fallback,
    cardsV2: [{ cardId, card: { header: { title: content.headline, subtitle }, sections: [{ widgets }] } }],
  };
}

/**
 * The Google Chat message (`spaces.messages` body, cards v2) for a notice: a `text` fallback for
 * notifications and clients without cards, and a card with the facts and an "Open case" button.
 */
export function renderChatCard(notice: Notice, ctx: NoticeContext): Record<string, unknown> {
  const content = contentOf(notice, ctx);
  const ref = shortCaseRef(ctx.caseId);
  const subject = oneLine(ctx.case.subject);
  return chatCard(
    notice.id.replace(/[^A-Za-z0-9_-]/g, '-'),
    content,
    `Case ${ref} · ${ctx.case.priority} · ${subject}`,
    ctx.caseUrl,
    `${content.headline}: [Case ${ref}, ${ctx.case.priority}] ${subject} ${ctx.caseUrl}`,
  );
}

/** The duty channel's card for a dead-lettered message (raised by notify, outside any case update). */
export function renderDeadLetterCard(dl: DeadLetter): Record<string, unknown> {
  const content = deadLetterContent(dl);
  const subtitle = dl.caseId ? `${dl.topic} · case ${shortCaseRef(dl.caseId)}` : dl.topic;
  return chatCard(
    `dead-letter-${dl.messageId}`.replace(/[^A-Za-z0-9_-]/g, '-'),
    content,
    subtitle,
    dl.caseUrl,
    `${content.headline}: ${dl.topic} message ${dl.messageId} after ${dl.attempts} deliveries${dl.caseUrl ? ` ${dl.caseUrl}` : ''}`,
  );
}

/**
 * The two ways Tandem tells people: email (customers and engineers) and the duty team's chat channel.
 * Each channel either accepts a message or throws {@link DeliveryFailed}, saying whether trying again
 * could help; notify turns that into a retry (Pub/Sub redelivers) or a `notification_failed` entry.
 */

export interface MailAddress {
  address: string;
  name?: string;
}

export interface Email {
  to: MailAddress;
  subject: string;
  text: string;
  html: string;
  /**
   * `<…@…>`, derived from the notice (its event and recipient): a redelivered notice carries the same
   * ID, so a mail client or relay that saw it once recognises the copy.
   */
  messageId: string;
  /** The case's thread: every email about one case references the same root ID, so clients group them. */
  references?: string[];
}

export interface Mailer {
  send(email: Email): Promise<void>;
}

/** A Google Chat message (cards v2) for one case's thread in the duty channel. */
export interface ChatMessage {
  /** One thread per case: every card about the case lands in the same thread. */
  threadKey: string;
  /** The message body as Google Chat's `spaces.messages` resource takes it: `text`, `cardsV2`. */
  body: Record<string, unknown>;
  /** Deduplication on the chat side: Google Chat's `messageId` (client-assigned, `client-…`). */
  messageId: string;
}

export interface ChatChannel {
  post(message: ChatMessage): Promise<void>;
}

/**
 * A channel refused or could not take a message. `permanent`: trying again cannot help (an address
 * the server rejects, a webhook that answers 400/403/404); otherwise (connection refused, SMTP 4xx
 * greylisting, HTTP 429 or 5xx) the same message may succeed later.
 */
export class DeliveryFailed extends Error {
  override name = 'DeliveryFailed';
  constructor(
    message: string,
    readonly permanent: boolean,
    /** The server's answer, for the timeline and the log (an SMTP reply code, an HTTP status). */
    readonly detail?: string,
  ) {
    super(message);
  }
}

export const isDeliveryFailed = (error: unknown): error is DeliveryFailed => error instanceof DeliveryFailed;

import type { LocalStack } from '../../dev/local-stack.js';

/** An email as MailDev's REST API (`GET /api/email`) shows it. */
export interface CaughtMail {
  subject: string;
  text: string;
  html: string;
  messageId: string;
  to: { address: string }[];
}

/** The emails the stack's mail catcher received whose subject names `subject` (each case's subject is unique in a test). */
export async function mailAbout(stack: LocalStack, subject: string): Promise<CaughtMail[]> {
  const res = await fetch(`${stack.mail.uiUrl}/api/email`);
  const all = (await res.json()) as CaughtMail[];
  return all.filter((m) => m.subject.includes(subject));
}

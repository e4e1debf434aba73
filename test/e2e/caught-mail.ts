import { eventually } from '../../dev/eventually.js';
import type { LocalStack } from '../../dev/local-stack.js';

/** An email as MailDev's REST API (`GET /api/email`) shows it. */
export interface CaughtMail {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  to: { address: string }[];
}

/** The emails the stack's mail catcher received whose subject names `subject` (each case's subject is unique in a test). */
export async function mailAbout(stack: LocalStack, subject: string): Promise<CaughtMail[]> {
  const res = await fetch(`${stack.mail.uiUrl}/api/email`);
  const all = (await res.json()) as CaughtMail[];
  return all.filter((m) => m.subject.includes(subject));
}

/** Waits until the escalation's webhook reached the partner (its simulator then schedules its answer on the stack's clock). */
export const partnerAsked = (stack: LocalStack, caseId: string): Promise<true> =>
  eventually(async () => ((await stack.store.timeline(caseId)).some((e) => e.type === 'partner_notified') ? true : undefined), 20_000, `the partner asked about ${caseId}`);

import { fileURLToPath } from 'node:url';
import { describeNotificationPolicy } from '../functions/src/domain/notification-policy.js';

/** docs/notifications.md: its table of who is told what is rendered from the policy itself. */
export const NOTIFICATIONS_MD = fileURLToPath(new URL('../docs/notifications.md', import.meta.url));

const START = '<!-- notification-policy:start (npm run generate) -->';
const END = '<!-- notification-policy:end -->';

/** `current` with the text between the markers replaced by the policy's table. */
export function renderNotificationsDoc(current: string): string {
  const from = current.indexOf(START);
  const to = current.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${NOTIFICATIONS_MD} has lost its markers ${START} … ${END}`);
  return `${current.slice(0, from + START.length)}\n${describeNotificationPolicy().trim()}\n${current.slice(to)}`;
}

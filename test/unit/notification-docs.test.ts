import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { NOTIFICATIONS_MD, renderNotificationsDoc } from '../../dev/notification-docs.js';

describe('docs/notifications.md', () => {
  it('shows the notification policy as the code has it (run `npm run generate` after changing the policy)', async () => {
    const current = await readFile(NOTIFICATIONS_MD, 'utf8');
    expect(current).toBe(renderNotificationsDoc(current));
  });
});

/**
 * `npm run generate`: writes the files derived from the code that are checked in:
 * terraform/function-table.json and firebase.json's Hosting config (from functions/src/function-triggers.ts),
 * docs/openapi.json (from the route specs and zod schemas of the HTTP handlers) and the table of
 * docs/notifications.md (from the notification policy). The unit tests fail while any is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { FIREBASE_JSON, renderFirebaseJson } from './firebase-json.js';
import { FUNCTION_TABLE_JSON, renderFunctionTableJson } from './function-table-json.js';
import { NOTIFICATIONS_MD, renderNotificationsDoc } from './notification-docs.js';
import { OPENAPI_JSON, renderOpenApi } from './openapi.js';

const generated = [
  { path: FUNCTION_TABLE_JSON, text: renderFunctionTableJson() },
  { path: FIREBASE_JSON, text: renderFirebaseJson() },
  { path: OPENAPI_JSON, text: renderOpenApi() },
  { path: NOTIFICATIONS_MD, text: renderNotificationsDoc(await readFile(NOTIFICATIONS_MD, 'utf8')) },
];
for (const { path, text } of generated) {
  const current = await readFile(path, 'utf8').catch(() => undefined);
  const name = relative(process.cwd(), path);
  if (current === text) {
    process.stdout.write(`${name} is up to date\n`);
  } else {
    await writeFile(path, text);
    process.stdout.write(`wrote ${name}\n`);
  }
}

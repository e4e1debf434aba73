/**
 * `npm run generate`: writes the files derived from the code that are checked in:
 * terraform/function-table.json (from functions/src/function-triggers.ts) and docs/openapi.json (from
 * the route specs and zod schemas of the HTTP handlers). The unit tests fail while either is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { FUNCTION_TABLE_JSON, renderFunctionTableJson } from './function-table-json.js';
import { OPENAPI_JSON, renderOpenApi } from './openapi.js';

const generated = [
  { path: FUNCTION_TABLE_JSON, text: renderFunctionTableJson() },
  { path: OPENAPI_JSON, text: renderOpenApi() },
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

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FUNCTION_TRIGGERS, type HttpFunctionName } from '../../functions/src/function-triggers.js';
import { partnerWebhookBody, PartnerWebhookBody } from '../../functions/src/domain/partner-escalation.js';
import { buildOpenApi, OPENAPI_JSON, renderOpenApi, ROUTE_SPECS } from '../../dev/openapi.js';
import { aCaseIn } from '../builders.js';

describe('docs/openapi.json', () => {
  it('is the document the route specs and their zod schemas make now (run `npm run generate` after changing a handler)', () => {
    expect(readFileSync(OPENAPI_JSON, 'utf8')).toBe(renderOpenApi());
  });

  it('documents exactly the routes of the function table, each under its function', () => {
    const documented = Object.entries(ROUTE_SPECS).flatMap(([fn, specs]) => specs.map((s) => `${fn} ${s.method} ${s.path}`)).sort();
    const table = Object.entries(FUNCTION_TRIGGERS).flatMap(([fn, t]) => (t.kind === 'http' ? t.routes.map((r) => `${fn} ${r.method} ${r.path}`) : [])).sort();
    expect(documented).toEqual(table);
    expect(Object.keys(ROUTE_SPECS).sort()).toEqual(Object.keys(FUNCTION_TRIGGERS).filter((f) => FUNCTION_TRIGGERS[f as HttpFunctionName].kind === 'http').sort());
  });

  it('gives every operation its error answers as the one error body: 405 and 500 everywhere, 503 where a dependency is reached, 413 and 415 on POST', () => {
    const doc = buildOpenApi() as { paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: { $ref?: string } }> }> }>> };
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        // 503 only where a dependency is reached: the form pages are static.
        const reachesDependencies = path !== '/' && path !== '/cases/new';
        expect(Object.keys(op.responses), `${method} ${path}`).toEqual(
          expect.arrayContaining(['405', '500', ...(reachesDependencies ? ['503'] : []), ...(method === 'post' ? ['413', '415'] : [])]),
        );
        if (!reachesDependencies) expect(Object.keys(op.responses)).not.toContain('503');
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400) expect(response.content['application/json']?.schema.$ref, `${method} ${path} ${status}`).toBe(`#/components/schemas/Error${status}`);
        }
      }
    }
  });
});

describe('the outbound partner webhook', () => {
  it('is what partnerWebhookBody builds, at level 0 and up the ladder', () => {
    const waiting = aCaseIn('awaiting_partner');
    const escalation = waiting.escalation!;
    const base = { ...waiting, escalation: null };
    const ladder = [{ name: 'Duty', email: 'duty@netapp.example' }];
    expect(PartnerWebhookBody.safeParse(partnerWebhookBody({ ...base, escalation }, 'case-1', 'Globex', 'http://t/partners/netapp/callbacks')).success).toBe(true);
    const up = partnerWebhookBody({ ...base, escalation: { ...escalation, level: 1 } }, 'case-1', 'Globex', 'http://t/partners/netapp/callbacks', ladder);
    expect(PartnerWebhookBody.parse(up)).toMatchObject({ type: 'collaboration.escalated', escalationContact: ladder[0] });
  });
});

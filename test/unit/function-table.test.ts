import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FUNCTION_TRIGGERS, PUSH_DELIVERY, TOPICS, functionEntries, httpRoutes, pathTemplateMatcher, pathTemplateRegex, pubsubFunctions,
} from '../../functions/src/function-triggers.js';
import { TOPICS as BUS_TOPICS } from '../../functions/src/ports/event-bus.js';
import { FUNCTION_TABLE_JSON, renderFunctionTableJson } from '../../dev/function-table-json.js';
import { pushTargets } from '../../dev/pubsub-topology.js';

/** A concrete path of a template: each `{parameter}` replaced by a sample segment. */
const samplePath = (template: string) => template.replace(/\{\w+\}/g, 'sample-1');

describe('terraform/function-table.json', () => {
  it('is the rendering of the table as it is now (run `npm run generate` after changing functions/src/function-triggers.ts)', () => {
    expect(readFileSync(FUNCTION_TABLE_JSON, 'utf8')).toBe(renderFunctionTableJson());
  });
});

describe('the function table', () => {
  it.each(functionEntries())('%s is deployed under the kebab-case of its entry point', (entryPoint, spec) => {
    expect(spec.name).toBe(entryPoint.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`));
  });

  it.each(pubsubFunctions())('%s reads a DESIGN.md topic through the subscription <topic>-<name>, with the one set of delivery settings', (_, spec) => {
    expect(TOPICS).toContain(spec.topic);
    expect(spec.subscription).toEqual({ name: `${spec.topic}-${spec.name}`, ...PUSH_DELIVERY });
  });

  it('gives Pub/Sub functions no routes and HTTP functions at least one', () => {
    for (const [entryPoint, spec] of functionEntries()) {
      if (spec.kind === 'http') expect(spec.routes.length, entryPoint).toBeGreaterThan(0);
      else expect('routes' in spec, entryPoint).toBe(false);
    }
  });

  it('gives every path to one function only, so that routing by path is unambiguous', () => {
    const routes = httpRoutes();
    for (const route of routes) {
      const owners = new Set(routes.filter((other) => other.match(samplePath(route.path))).map((other) => other.functionName));
      expect([...owners], route.path).toEqual([route.functionName]);
    }
  });

  it('lists the public HTTP surface: intake (and the case list, which shares its path), case actions, case reads and partner callbacks; escalation steps are internal', () => {
    const surface = (isPublic: boolean) => httpRoutes().filter((r) => r.public === isPublic).map((r) => `${r.method} ${r.path} → ${r.functionName}`);
    expect(surface(true)).toEqual([
      'POST /cases → intake',
      'GET /cases → intake',
      'POST /cases/{caseId}/actions → caseActions',
      'GET /cases/{caseId} → caseApi',
      'GET /cases/{caseId}/events → caseApi',
      'POST /partners/{partnerId}/callbacks → partnerCallback',
    ]);
    expect(surface(false)).toEqual([
      'POST /escalations/{caseId}/start → escalationSteps',
      'POST /escalations/{caseId}/notify → escalationSteps',
      'POST /escalations/{caseId}/ack-timeout → escalationSteps',
    ]);
  });

  it('is where the event bus takes its topics from', () => {
    expect(BUS_TOPICS).toBe(TOPICS);
  });

  it('is what the local stack creates its push subscriptions from, with the production settings', () => {
    expect(pushTargets()).toEqual(pubsubFunctions().map(([functionName, spec]) => ({ functionName, topic: spec.topic, subscription: spec.subscription })));
    expect(pushTargets(['classify', 'intake']).map((t) => t.functionName)).toEqual(['classify']);
    expect(pushTargets().map((t) => t.subscription.name)).toContain(FUNCTION_TRIGGERS.classify.subscription.name);
  });
});

describe('path templates', () => {
  it('match their path, with or without one trailing slash, and nothing longer or shorter', () => {
    const match = pathTemplateMatcher('/cases');
    expect(match('/cases')).toEqual({});
    expect(match('/cases/')).toEqual({});
    expect(match('/cases//')).toBeUndefined();
    expect(match('/casesx')).toBeUndefined();
    expect(match('/cases/new')).toBeUndefined();
    expect(match('/')).toBeUndefined();
    expect(match('/api/cases')).toBeUndefined();
  });

  it('match the root only at the root', () => {
    const match = pathTemplateMatcher('/');
    expect(match('/')).toEqual({});
    expect(match('')).toBeUndefined();
    expect(match('/cases')).toBeUndefined();
  });

  it('give each {parameter} as one non-empty segment, as it appears in the path', () => {
    const match = pathTemplateMatcher('/partners/{partnerId}/callbacks');
    expect(match('/partners/acme-db/callbacks')).toEqual({ partnerId: 'acme-db' });
    expect(match('/partners/a%2Fb/callbacks/')).toEqual({ partnerId: 'a%2Fb' });
    expect(match('/partners//callbacks')).toBeUndefined();
    expect(match('/partners/a/b/callbacks')).toBeUndefined();
    expect(pathTemplateMatcher('/escalations/{caseId}/ack-timeout')('/escalations/case-1/ack-timeout')).toEqual({ caseId: 'case-1' });
  });

  it('become anchored expressions in the subset that JavaScript and RE2 (Firebase Hosting) read alike', () => {
    expect(pathTemplateRegex('/partners/{partnerId}/callbacks')).toBe('^/partners/([^/]+)/callbacks/?$');
    expect(pathTemplateRegex('/')).toBe('^/$');
    expect(pathTemplateRegex('/v1.0/cases')).toBe('^/v1\\.0/cases/?$');
    const subset = /^\^\/(?:[A-Za-z0-9_~-]|\\\.|\(\[\^\/\]\+\)|\/)*(?:\/\?)?\$$/;
    for (const route of httpRoutes()) expect(route.regex, route.path).toMatch(subset);
  });

  it('refuse what they cannot express', () => {
    for (const bad of ['cases', '', '/cases/{', '/cases/{case-id}', '/a b', '/cases/*', '/cases/(x)']) {
      expect(() => pathTemplateRegex(bad), JSON.stringify(bad)).toThrow(/path template/);
    }
  });
});

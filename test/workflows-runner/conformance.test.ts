/**
 * The conformance suite: every case in `conformance/*.yaml` is a small workflow with the
 * documented behaviour it checks (`doc`) and its expected outcome, deployed through the REST API
 * and run through the official ExecutionsClient against the runner.
 *
 * Case fields: `name`, `doc`, `workflow` (source), optional `argument`, and one of
 * `result` (the returned value), `error` (a tag the failure's error map must carry),
 * `raised` (the exact failure payload, for `raise` of strings and maps), `rejected` (a part of
 * the message with which creating the workflow fails: documented deploy-time errors).
 */
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startWorkflowsRunner, type WorkflowsRunner } from '../../dev/workflows-runner/api-server.js';
import { createLocalExecutionsClient } from '../../dev/workflows-runner/client.js';
import { JumpingClock, deploy, runToEnd } from './helpers.js';
import type { ExecutionsClient } from '@google-cloud/workflows';

interface Case {
  name: string;
  doc: string;
  workflow: string;
  argument?: unknown;
  result?: unknown;
  error?: string;
  raised?: unknown;
  rejected?: string;
}

const dir = join(import.meta.dirname, 'conformance');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const suites = files.map((f) => ({ file: f, cases: parse(readFileSync(join(dir, f), 'utf8')) as Case[] }));

/** A small HTTP target for the http.* cases: its behaviour is chosen by the path. */
function startTarget(): Promise<Server> {
  const attempts = new Map<string, number>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://t');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const n = (attempts.get(url.pathname) ?? 0) + 1;
      attempts.set(url.pathname, n);
      const status = /^\/status\/(\d+)/.exec(url.pathname);
      if (status) {
        res.writeHead(Number(status[1]), { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ failed: true }));
      }
      const flaky = /^\/flaky\/(\d+)\/(\d+)\/(\w+)$/.exec(url.pathname);
      if (flaky && n <= Number(flaky[2])) {
        res.writeHead(Number(flaky[1]), { 'content-type': 'text/plain' });
        return res.end('try again');
      }
      if (url.pathname === '/text') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('plain words');
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-attempt': String(n) });
      res.end(
        JSON.stringify({
          method: req.method,
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          contentType: req.headers['content-type'] ?? null,
          custom: req.headers['x-custom'] ?? null,
          body: body ? (req.headers['content-type']?.includes('json') ? JSON.parse(body) : body) : null,
          attempt: n,
        }),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('conformance', () => {
  let runner: WorkflowsRunner;
  let client: ExecutionsClient;
  let target: Server;

  beforeAll(async () => {
    target = await startTarget();
    const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    // A port that was just free and is closed again: connecting to it is refused.
    const dead = await startTarget();
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise((r) => dead.close(r));
    runner = await startWorkflowsRunner({
      clock: new JumpingClock(),
      env: { TARGET: targetUrl, DEAD: deadUrl, GREETING: 'hello' },
      log: () => {},
    });
    client = createLocalExecutionsClient(runner.url);
  });
  afterAll(async () => {
    await client.close();
    await runner.close();
    await new Promise((r) => target.close(r));
  });

  it('has at least 80 cases, each with a documented behaviour and one expectation', () => {
    const all = suites.flatMap((s) => s.cases);
    expect(all.length).toBeGreaterThanOrEqual(80);
    for (const c of all) {
      expect(c.doc, c.name).toBeTruthy();
      expect(['result', 'error', 'raised', 'rejected'].filter((k) => k in c), c.name).toHaveLength(1);
    }
  });

  for (const suite of suites) {
    describe(suite.file, () => {
      suite.cases.forEach((c, i) => {
        it(`${c.name} — ${c.doc}`, async () => {
          const id = `c-${suite.file.replace(/\W/g, '')}-${i}`;
          const deployed = await deploy(runner.url, id, c.workflow);
          if ('rejected' in c) {
            expect(deployed.status).toBe(400);
            expect((deployed.body as { error: { message: string } }).error.message).toContain(c.rejected);
            return;
          }
          expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
          const out = await runToEnd(client, id, c.argument);
          if ('result' in c) {
            expect(out.error?.payload, 'unexpected failure').toBeUndefined();
            expect(out.state).toBe('SUCCEEDED');
            expect(out.result).toEqual(c.result);
          } else if ('error' in c) {
            expect(out.state).toBe('FAILED');
            expect((out.error?.payload as { tags?: string[] }).tags, JSON.stringify(out.error)).toContain(c.error);
          } else {
            expect(out.state).toBe('FAILED');
            expect(out.error?.payload).toEqual(c.raised);
          }
        });
      });
    });
  }
});

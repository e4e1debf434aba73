import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { HttpRoute } from '../functions/src/function-triggers.js';

/**
 * One base URL for every function, as Firebase Hosting gives production: requests are handed to the
 * Functions Framework server of the function that owns the path, unchanged except for the `/_push/<fn>`
 * prefix of Pub/Sub pushes, which is stripped so the framework sees `/projects/P/topics/T`.
 *
 * HTTP requests are routed by path only, with routes of the function table (`httpRoutes()` of
 * functions/src/function-triggers.ts). Like a Hosting rewrite, a route takes every method: the
 * function itself answers a method it does not serve (405).
 */
export type DevRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

export function createRouter(options: { httpRoutes: readonly HttpRoute[]; devRoutes: DevRoute[] }): Server {
  const servers = new Map<string, Server>();
  const functionServer = (name: string): Server => {
    let server = servers.get(name);
    if (!server) {
      server = getTestServer(name);
      servers.set(name, server);
    }
    return server;
  };

  return createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://local');
      for (const route of options.devRoutes) if (await route(req, res, url)) return;
      const push = /^\/_push\/([A-Za-z]+)(\/projects\/.*)$/.exec(url.pathname);
      if (push?.[1] && push[2]) {
        req.url = push[2] + url.search;
        functionServer(push[1]).emit('request', req, res);
        return;
      }
      const route = options.httpRoutes.find((r) => r.match(url.pathname));
      if (route) {
        functionServer(route.functionName).emit('request', req, res);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'not_found', message: `Nothing here: ${req.method} ${url.pathname}` } }));
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'internal', message: String(error) } }));
    });
  });
}

/** Reads a small JSON body from a dev endpoint. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? (JSON.parse(text) as unknown) : {};
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

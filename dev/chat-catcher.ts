import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Clock } from '../functions/src/ports/clock.js';
import { readJson, sendJson, type DevRoute } from './router.js';

/**
 * The duty channel, caught: the local stack's stand-in for a Google Chat incoming webhook, on its
 * public server.
 *
 * - `POST /_dev/chat/webhook?threadKey=…&messageId=…` takes a message as Google Chat would (JSON,
 *   `text` and `cardsV2`) and answers 200 `{name, thread: {name}}`; a `messageId` it already has is
 *   409, as in Chat.
 * - `GET /_dev/chat` is a page of the cards received, newest first; `GET /_dev/chat/messages` the
 *   same as JSON `[{receivedAt, threadKey, messageId, body}]`, newest first; `DELETE /_dev/chat/messages`
 *   forgets them.
 * - `PUT /_dev/chat/behaviour {"failNext": 2, "status": 503}` makes the next posts fail with that
 *   status (default 503), for trying out retries; `{"failNext": 0}` stops it.
 */
export interface CaughtChatMessage {
  receivedAt: string;
  threadKey: string;
  messageId: string;
  body: Record<string, unknown>;
}

const Behaviour = z.object({
  failNext: z.number().int().nonnegative(),
  status: z.number().int().min(400).max(599).default(503),
});

export class ChatCatcher {
  /** Oldest first. */
  readonly messages: CaughtChatMessage[] = [];
  private failures = { left: 0, status: 503 };

  constructor(private readonly clock: Clock) {}

  route(): DevRoute {
    return async (req, res, url) => {
      if (!url.pathname.startsWith('/_dev/chat')) return false;
      const path = url.pathname.replace(/\/$/, '');
      if (path === '/_dev/chat/webhook' && req.method === 'POST') await this.receive(req, res, url);
      else if (path === '/_dev/chat/messages' && req.method === 'GET') sendJson(res, 200, [...this.messages].reverse());
      else if (path === '/_dev/chat/messages' && req.method === 'DELETE') {
        this.messages.length = 0;
        sendJson(res, 200, { deleted: true });
      } else if (path === '/_dev/chat/behaviour' && req.method === 'PUT') await this.configure(req, res);
      else if (path === '/_dev/chat' && req.method === 'GET') sendHtml(res, this.page());
      else sendJson(res, 404, { error: { code: 'not_found', message: `Nothing here: ${req.method} ${url.pathname}` } });
      return true;
    };
  }

  private async receive(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = await readJson(req).catch(() => undefined);
    if (this.failures.left > 0) {
      this.failures.left -= 1;
      sendJson(res, this.failures.status, { error: { code: this.failures.status, message: 'The chat catcher was told to refuse this message.', status: 'UNAVAILABLE' } });
      return;
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      sendJson(res, 400, { error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } });
      return;
    }
    const threadKey = url.searchParams.get('threadKey') ?? '';
    const messageId = url.searchParams.get('messageId') ?? '';
    if (messageId && this.messages.some((m) => m.messageId === messageId)) {
      sendJson(res, 409, { error: { code: 409, message: `Message ${messageId} already exists.`, status: 'ALREADY_EXISTS' } });
      return;
    }
    this.messages.push({ receivedAt: this.clock.now().toISOString(), threadKey, messageId, body: body as Record<string, unknown> });
    const name = `spaces/dev/messages/${messageId || this.messages.length}`;
    sendJson(res, 200, { name, thread: { name: `spaces/dev/threads/${encodeURIComponent(threadKey)}`, threadKey } });
  }

  private async configure(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = Behaviour.safeParse(await readJson(req).catch(() => undefined));
    if (!parsed.success) {
      sendJson(res, 400, { error: { code: 'invalid_request', message: z.prettifyError(parsed.error) } });
      return;
    }
    this.failures = { left: parsed.data.failNext, status: parsed.data.status };
    sendJson(res, 200, parsed.data);
  }

  private page(): string {
    const cards = [...this.messages].reverse().map(renderMessage).join('\n');
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5">
<title>Chat catcher · Tandem</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 48rem; padding: 0 1rem; color: #1f1f1f; }
  article { border: 1px solid #c4c7c5; border-radius: 8px; padding: 1rem; margin: 1rem 0; }
  header p { margin: 0.25rem 0; }
  .meta { color: #444746; font-size: 0.875rem; }
  a { color: #0b57d0; }
  pre { white-space: pre-wrap; }
</style>
</head>
<body>
<main>
<h1>Chat catcher</h1>
<p>What Tandem posted to the duty channel, newest first (${this.messages.length}). This page refreshes every 5 seconds; the same as JSON: <a href="/_dev/chat/messages">/_dev/chat/messages</a>.</p>
${cards || '<p>Nothing posted yet.</p>'}
</main>
</body>
</html>`;
  }
}

/** One message as a person would see its card: header, text, buttons. */
function renderMessage(message: CaughtChatMessage): string {
  const { header, texts, links } = describeCard(message.body);
  const title = header.title ?? (typeof message.body.text === 'string' ? message.body.text.split('\n')[0] : undefined) ?? '(no header)';
  return `<article aria-label="${escape(title)}">
<header>
<h2>${escape(title)}</h2>
${header.subtitle ? `<p>${escape(header.subtitle)}</p>` : ''}
<p class="meta">Thread <code>${escape(message.threadKey || '(none)')}</code> · received <time datetime="${escape(message.receivedAt)}">${escape(message.receivedAt)}</time> · message <code>${escape(message.messageId || '(none)')}</code></p>
</header>
${typeof message.body.text === 'string' ? `<pre>${escape(message.body.text)}</pre>` : ''}
${texts.map((t) => `<p>${escape(t)}</p>`).join('\n')}
${links.length ? `<ul>${links.map((l) => `<li><a href="${escape(l.url)}">${escape(l.text)}</a></li>`).join('')}</ul>` : ''}
</article>`;
}

interface CardParts {
  header: { title?: string; subtitle?: string };
  texts: string[];
  links: { text: string; url: string }[];
}

/** Walks cardsV2 loosely: the header, every `text` of a widget, every button's link. Chat's HTML in texts is shown as text. */
function describeCard(body: Record<string, unknown>): CardParts {
  const parts: CardParts = { header: {}, texts: [], links: [] };
  const cards = Array.isArray(body.cardsV2) ? (body.cardsV2 as { card?: Record<string, unknown> }[]) : [];
  for (const { card } of cards) {
    const header = card?.header as { title?: unknown; subtitle?: unknown } | undefined;
    if (typeof header?.title === 'string') parts.header.title ??= header.title;
    if (typeof header?.subtitle === 'string') parts.header.subtitle ??= header.subtitle;
    visit(card?.sections, parts);
  }
  return parts;
}

function visit(node: unknown, parts: CardParts): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, parts);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const url = (record.onClick as { openLink?: { url?: unknown } } | undefined)?.openLink?.url;
  if (typeof url === 'string' && /^https?:\/\//.test(url)) {
    parts.links.push({ text: typeof record.text === 'string' ? record.text : url, url });
    return;
  }
  if (typeof record.text === 'string') parts.texts.push(stripTags(record.text));
  for (const [key, value] of Object.entries(record)) if (key !== 'text') visit(value, parts);
}

const stripTags = (text: string) => text.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, '');

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function sendHtml(res: ServerResponse, html: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

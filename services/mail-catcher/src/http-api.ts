import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Mailbox } from './mailbox.js';

/**
 * The mailbox over HTTP, for tests and people:
 *   GET    /messages?to=<address>  newest first, only those to that address (case-insensitive)
 *   GET    /messages/:id
 *   DELETE /messages[?to=<address>] 204
 *   GET    /healthz
 */
export function createHttpApi(mailbox: Mailbox): Server {
  return createServer((req, res) => {
    try {
      route(mailbox, req, res);
    } catch (err) {
      sendJson(res, 500, { error: { message: err instanceof Error ? err.message : String(err) } });
    }
  });
}

function route(mailbox: Mailbox, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://catcher');
  const method = req.method ?? 'GET';
  const to = url.searchParams.get('to') ?? undefined;
  // Requests with a body are not expected; drain it so the connection stays usable.
  req.resume();

  if (url.pathname === '/healthz') {
    if (allow(res, method, ['GET', 'HEAD'])) sendJson(res, 200, { status: 'ok' });
  } else if (url.pathname === '/messages') {
    if (method === 'DELETE') {
      mailbox.clear(to);
      res.writeHead(204).end();
    } else if (allow(res, method, ['GET', 'HEAD', 'DELETE'])) {
      sendJson(res, 200, mailbox.list(to));
    }
  } else if (/^\/messages\/[^/]+$/.test(url.pathname)) {
    if (!allow(res, method, ['GET', 'HEAD'])) return;
    const id = decodeURIComponent(url.pathname.slice('/messages/'.length));
    const mail = mailbox.get(id);
    if (mail) sendJson(res, 200, mail);
    else sendJson(res, 404, { error: { message: `no message ${id}` } });
  } else {
    sendJson(res, 404, { error: { message: `not found: ${method} ${url.pathname}` } });
  }
}

function allow(res: ServerResponse, method: string, methods: string[]): boolean {
  if (methods.includes(method)) return true;
  res.setHeader('allow', methods.join(', '));
  sendJson(res, 405, { error: { message: `method ${method} not allowed` } });
  return false;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/**
 * Mounts one or more fakes on a node:http server. Each fake is a request
 * handler that claims the paths it owns and returns false for the rest, so the
 * dev stack can run both providers behind a single port while tests can start
 * each one alone.
 */

import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson, sendText, splitUrl } from './http-util.js';

/** Answers the request (possibly asynchronously) and returns true, or returns false if the path is not its own. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface ListenResult {
  port: number;
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:43121 */
  url: string;
}

export interface FakeServer {
  server: Server;
  listen(port?: number, host?: string): Promise<ListenResult>;
  /** Stops listening and drops every connection, idle keep-alive ones included. */
  close(): Promise<void>;
}

export function serveHandlers(handlers: readonly RequestHandler[]): FakeServer {
  const server = createServer((req, res) => {
    try {
      for (const handle of handlers) {
        if (handle(req, res)) return;
      }
      const { path } = splitUrl(req.url);
      // Lets the dev stack wait for readiness without knowing either provider's protocol.
      if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
      sendText(res, 404, `Not found: ${req.method ?? 'GET'} ${path}\n`);
    } catch (err) {
      // Handlers catch their own async failures; this only guards synchronous bugs.
      sendText(res, 500, `fake-payments internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  });

  return {
    server,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise<ListenResult>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const urlHost = host.includes(':') ? `[${host}]` : host;
          resolve({ port: address.port, url: `http://${urlHost}:${address.port}` });
        });
      });
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        if (!server.listening) {
          server.closeAllConnections();
          resolve();
          return;
        }
        server.close((err) => (err ? reject(err) : resolve()));
        // close() alone waits for idle keep-alive sockets to time out; drop them now.
        server.closeAllConnections();
      });
    },
  };
}

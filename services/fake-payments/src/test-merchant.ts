/**
 * Test helper: a stand-in merchant backend that records every webhook or notify
 * it receives (raw body kept byte-exact for signature checks) and answers what
 * the test tells it to. Listens on port 0.
 */

import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCall {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

export interface TestMerchant {
  url: string;
  calls: ReceivedCall[];
  /** What the next calls get back; defaults to 200 with the given body. */
  answer: { status: number; body: string };
  close(): Promise<void>;
}

export async function startTestMerchant(defaultBody: string): Promise<TestMerchant> {
  const calls: ReceivedCall[] = [];
  const answer = { status: 200, body: defaultBody };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      calls.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawBody: Buffer.concat(chunks) });
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    answer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

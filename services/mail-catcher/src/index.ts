/**
 * A local stand-in for a mail provider: an SMTP server that accepts every mail (no
 * password, no TLS) and keeps the last ones in memory, and an HTTP API that lists them.
 * The backend sends through it unchanged (SMTP_URL), and tests read what it sent.
 */

import type { AddressInfo } from 'node:net';
import { createHttpApi } from './http-api.js';
import { createMailbox, type Mailbox } from './mailbox.js';
import { createSmtpServer, listenSmtp } from './smtp.js';

export type { CaughtMail } from './mailbox.js';
export type { Mailbox } from './mailbox.js';

export interface MailCatcherOptions {
  /** Interface both servers bind (default 127.0.0.1). */
  host?: string;
  /** 0 (the default) picks a free port. */
  smtpPort?: number;
  httpPort?: number;
  /** How many mails are kept (default 1000; the oldest go first). */
  capacity?: number;
  /** Largest mail accepted, in bytes (default 10 MB). */
  sizeLimit?: number;
}

export interface MailCatcher {
  /** `smtp://host:port`, what a sender's SMTP_URL should be. */
  smtpUrl: string;
  /** Base URL of the HTTP API, without a trailing slash. */
  apiUrl: string;
  smtpPort: number;
  httpPort: number;
  mailbox: Mailbox;
  close(): Promise<void>;
}

export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const mailbox = createMailbox(options.capacity ?? 1000);
  const smtp = createSmtpServer(mailbox, options.sizeLimit ?? 10 * 1024 * 1024);
  const http = createHttpApi(mailbox);

  const smtpPort = await listenSmtp(smtp, options.smtpPort ?? 0, host);
  const httpPort = await new Promise<number>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.httpPort ?? 0, host, () => {
      http.off('error', reject);
      resolve((http.address() as AddressInfo).port);
    });
  }).catch(async (err: unknown) => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw err;
  });

  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    smtpUrl: `smtp://${urlHost}:${smtpPort}`,
    apiUrl: `http://${urlHost}:${httpPort}`,
    smtpPort,
    httpPort,
    mailbox,
    async close() {
      await Promise.all([
        new Promise<void>((resolve) => smtp.close(() => resolve())),
        new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        }),
      ]);
    },
  };
}

import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Mailbox } from './mailbox.js';

/** Plain SMTP for the local stack and the tests: any sender, no password, no TLS. */
export function createSmtpServer(mailbox: Mailbox, sizeLimit: number): SMTPServer {
  return new SMTPServer({
    authOptional: true,
    // Senders that see STARTTLS offered would upgrade, and the catcher has no certificate.
    disabledCommands: ['STARTTLS'],
    // A sender configured with a user and password is let in with any of them.
    allowInsecureAuth: true,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anyone' }),
    size: sizeLimit,
    banner: 'Codex Gateway mail catcher',
    logger: false,
    // A sender holding a pooled connection must not keep `close()` waiting for long.
    closeTimeout: 1000,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          if (stream.sizeExceeded) {
            callback(Object.assign(new Error(`message exceeds the ${sizeLimit} bytes this server accepts`), { responseCode: 552 }));
            return;
          }
          mailbox.add({
            from: parsed.from?.text ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: parsed.html === false ? null : (parsed.html ?? null),
          });
          callback();
        })
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });
}

/** Listens and answers with the port actually taken (0 picks a free one). */
export function listenSmtp(server: SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.off('error', reject);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
}

import nodemailer from 'nodemailer';
import type { Logger } from '../../infra/logger.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * Mail through SMTP (nodemailer, pooled connections). Without SMTP_URL there is no mailer,
 * and what needs one (sign-up) says so. Mails carry sign-in links: their content is never
 * logged, only that one failed.
 */
export function createMailer({ smtpUrl, from, logger }: { smtpUrl: string | undefined; from: string; logger: Logger }): Mailer | undefined {
  if (!smtpUrl) return undefined;
  const transport = nodemailer.createTransport(smtpUrl, { from });
  transport.set('pool', true);
  return {
    async send(mail) {
      try {
        await transport.sendMail(mail);
      } catch (err) {
        logger.error({ err: (err as Error).message, subject: mail.subject }, 'could not send a mail');
        throw err;
      }
    },
    close: () => transport.close(),
  };
}

import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Pools } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { Redis } from '../../infra/redis.js';
import { passwordResetMail, signUpAttemptMail, verificationMail } from './account-mails.js';
import type { AccountRow, AccountStore } from './account-store.js';
import type { AccountTokenStore, TokenPurpose } from './account-token-store.js';
import type { Mail, Mailer } from './mailer.js';
import type { AccountMailJob } from './mail-queue.js';

const VERIFY_HOURS = 24;
const RESET_MINUTES = 60;
/** Mails about one address per hour: a form cannot be used to flood someone's inbox. */
const MAILS_PER_HOUR = 5;

export type MailOutcome = 'sent' | 'capped' | 'failed' | 'skipped' | 'expired';

interface Deps {
  pools: Pools;
  redis: Redis;
  accounts: Pick<AccountStore, 'findByEmail'>;
  tokens: Pick<AccountTokenStore, 'issue'>;
  mailer: Mailer;
  logger: Logger;
  /** Where people open the console: the links in mails. */
  publicBaseUrl: string;
  onMail: (kind: AccountMailJob['kind'], outcome: MailOutcome) => void;
}

/**
 * What a worker does with a mail job: decides whether the address gets a mail (an account,
 * in the right state, under the hourly cap), and only then makes its single-use link and
 * sends it. A job that sends nothing changes nothing: the last link mailed keeps working.
 */
export function createAccountMailJobs({ pools, redis, accounts, tokens, mailer, logger, publicBaseUrl, onMail }: Deps) {
  const mailsPerAddress = new RateLimiterRedis({ storeClient: redis, keyPrefix: 'cg:account-mails', points: MAILS_PER_HOUR, duration: 3600 });

  /** Takes one of the address's mails this hour; false past the cap (or when Redis cannot count). */
  async function withinCap(email: string): Promise<boolean> {
    try {
      await mailsPerAddress.consume(email.toLowerCase());
      return true;
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) logger.warn({ err: (res as Error).message }, 'mail limiter unavailable');
      return false;
    }
  }

  /** Under the cap, makes the link (when the mail has one) and sends; a failure is logged, and the person can ask again. */
  async function deliver(kind: AccountMailJob['kind'], to: string, mail: (link: string) => Mail, link?: () => Promise<string>): Promise<void> {
    if (!(await withinCap(to))) {
      logger.warn({ kind }, 'mail limit reached for an address; mail not sent');
      return onMail(kind, 'capped');
    }
    const href = link ? await link() : '';
    try {
      await mailer.send(mail(href));
      onMail(kind, 'sent');
    } catch {
      // The mailer logged it (without the mail's content).
      onMail(kind, 'failed');
    }
  }

  const linkOf = (account: AccountRow, purpose: TokenPurpose, minutes: number, page: string) => async () =>
    `${publicBaseUrl}/${page}?token=${await tokens.issue(pools.primary, account.id, purpose, minutes)}`;

  return {
    async handle(job: AccountMailJob): Promise<void> {
      const account = await accounts.findByEmail(job.email);
      const locale = account?.locale ?? job.locale;
      if (job.kind === 'reset' && account?.status === 'active') {
        return deliver(
          job.kind,
          account.email,
          (link) => passwordResetMail(account.email, link, locale, RESET_MINUTES),
          linkOf(account, 'reset_password', RESET_MINUTES, 'reset-password'),
        );
      }
      if (job.kind === 'verify' && account?.status === 'active' && !account.email_verified_at && account.password_hash) {
        return deliver(
          job.kind,
          account.email,
          (link) => verificationMail(account.email, link, locale, VERIFY_HOURS),
          linkOf(account, 'verify_email', VERIFY_HOURS * 60, 'verify'),
        );
      }
      if (job.kind === 'signup-taken' && account) {
        return deliver(job.kind, account.email, () => signUpAttemptMail(account.email, publicBaseUrl, locale));
      }
      onMail(job.kind, 'skipped');
    },
  };
}

export type AccountMailJobs = ReturnType<typeof createAccountMailJobs>;

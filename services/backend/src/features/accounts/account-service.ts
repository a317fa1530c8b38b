import { RateLimiterRedis } from 'rate-limiter-flexible';
import { withTransaction, type Pools } from '../../infra/db.js';
import { BadRequestError, ForbiddenError, HttpError, NO_RETRY, UnauthorizedError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { Redis } from '../../infra/redis.js';
import { passwordResetMail, verificationMail } from './account-mails.js';
import type { AccountRow, AccountStore, Locale } from './account-store.js';
import type { AccountTokenStore } from './account-token-store.js';
import type { InviteStore } from './invite-store.js';
import type { Mail, Mailer } from './mailer.js';
import { hashPassword, verifyPassword } from './password.js';
import type { SessionService } from './session-service.js';
import type { SignInLimiter } from './sign-in-limiter.js';
import type { SecondFactor } from '../staff/second-factor.js';

const VERIFY_HOURS = 24;
const RESET_MINUTES = 60;
/** Mails about one address per hour: a form cannot be used to flood someone's inbox. */
const MAILS_PER_HOUR = 5;

export type SignupMode = 'open' | 'invite' | 'closed';

interface Deps {
  pools: Pools;
  redis: Redis;
  accounts: AccountStore;
  tokens: AccountTokenStore;
  invites: InviteStore;
  sessions: SessionService;
  limiter: SignInLimiter;
  secondFactor: Pick<SecondFactor, 'required' | 'verify'>;
  mailer: Mailer | undefined;
  logger: Logger;
  signupMode: SignupMode;
  /** Where people open the console: the links in mails. */
  publicBaseUrl: string;
}

const invalidLink = () => new BadRequestError('This link is invalid, already used or expired; ask for a new one.', 'invalid_or_expired_link');

/**
 * People's accounts: sign-up (by the operator's mode), verification and reset by mailed
 * single-use links, sign-in into a Redis session, sign-out. The rules live here; the
 * routes only translate HTTP.
 */
export function createAccountService({
  pools,
  redis,
  accounts,
  tokens,
  invites,
  sessions,
  limiter,
  secondFactor,
  mailer,
  logger,
  signupMode,
  publicBaseUrl,
}: Deps) {
  const mailsPerAddress = new RateLimiterRedis({ storeClient: redis, keyPrefix: 'cg:account-mails', points: MAILS_PER_HOUR, duration: 3600 });

  /** Sends unless this address had its share of mails this hour; a failure is logged, not thrown (the person can ask again). */
  async function deliver(mail: Mail): Promise<void> {
    if (!mailer) return;
    const allowed = await mailsPerAddress.consume(mail.to.toLowerCase()).then(
      () => true,
      () => false,
    );
    if (!allowed) {
      logger.warn('mail limit reached for an address; mail not sent');
      return;
    }
    await mailer.send(mail).catch(() => undefined);
  }

  async function sendVerification(account: AccountRow): Promise<void> {
    const token = await tokens.issue(pools.primary, account.id, 'verify_email', VERIFY_HOURS * 60);
    await deliver(verificationMail(account.email, `${publicBaseUrl}/verify?token=${token}`, account.locale, VERIFY_HOURS));
  }

  return {
    signupMode,

    async signUp(input: { email: string; password: string; inviteCode?: string; locale?: Locale }): Promise<AccountRow> {
      if (signupMode === 'closed') throw new ForbiddenError('Sign-up is closed on this gateway; ask its operator for an account.', 'signup_closed');
      if (signupMode === 'invite' && !input.inviteCode) throw new ForbiddenError('Sign-up needs an invite code on this gateway.', 'invite_required');
      if (!mailer)
        throw new HttpError(503, 'Sign-up is unavailable: this gateway has no mail server configured.', 'server_error', 'mail_unavailable', NO_RETRY);
      const passwordHash = await hashPassword(input.password);
      const account = await withTransaction(pools.primary, async (tx) => {
        if (signupMode === 'invite' && !(await invites.use(tx, input.inviteCode!))) {
          throw new ForbiddenError('This invite code is unknown, used up or expired.', 'invalid_invite');
        }
        const created = await accounts.create(tx, { email: input.email, passwordHash, locale: input.locale ?? null });
        if (!created) {
          throw new HttpError(
            409,
            'An account with this e-mail address exists. Sign in, or use "Forgot password" to set a password.',
            'invalid_request_error',
            'email_taken',
          );
        }
        return created;
      });
      await sendVerification(account);
      return account;
    },

    async verifyEmail(token: string): Promise<AccountRow> {
      return withTransaction(pools.primary, async (tx) => {
        const userId = await tokens.consume(tx, token, 'verify_email');
        if (userId === undefined) throw invalidLink();
        return (await accounts.markVerified(tx, userId))!;
      });
    },

    /** Answers the same whether or not the address has an account. */
    async resendVerification(email: string): Promise<void> {
      const account = await accounts.findByEmail(email);
      if (account && account.status === 'active' && !account.email_verified_at && account.password_hash) await sendVerification(account);
    },

    /** A new session for the right password; the failures count per account and address. */
    async signIn(email: string, password: string, address: string, totpCode?: string) {
      await limiter.check(email, address);
      const account = await accounts.findByEmail(email);
      if (!(await verifyPassword(account?.password_hash, password)) || !account) {
        await limiter.fail(email, address);
        throw new UnauthorizedError('Wrong e-mail address or password.', 'invalid_credentials');
      }
      // Staff with two-factor sign-in: the code is checked (and a wrong one counted) before anything else is said.
      const mfa = secondFactor.required(account);
      if (mfa && !totpCode) throw new HttpError(401, 'Enter the 6-digit code of your authenticator app.', 'invalid_request_error', 'totp_required');
      if (mfa && !(await secondFactor.verify(account, totpCode!))) {
        await limiter.fail(email, address);
        throw new UnauthorizedError('That authentication code is not right.', 'invalid_totp');
      }
      await limiter.succeed(email);
      if (account.status !== 'active') throw new ForbiddenError('This account is suspended; contact the operator of this gateway.', 'account_suspended');
      if (!account.email_verified_at) {
        throw new ForbiddenError('Verify your e-mail address first: open the link we mailed you (or ask for a new one).', 'email_not_verified');
      }
      const { id, session } = await sessions.create(account.id, mfa);
      return { account, sessionId: id, session };
    },

    async signOut(sessionId: string, userId: number, everywhere: boolean): Promise<void> {
      if (everywhere) await sessions.destroyAllForUser(userId);
      else await sessions.destroy(sessionId, userId);
    },

    /** Mails a reset link to an existing, active account (also one created by staff without a password). */
    async forgotPassword(email: string): Promise<void> {
      const account = await accounts.findByEmail(email);
      if (account?.status !== 'active') return;
      const token = await tokens.issue(pools.primary, account.id, 'reset_password', RESET_MINUTES);
      await deliver(passwordResetMail(account.email, `${publicBaseUrl}/reset-password?token=${token}`, account.locale, RESET_MINUTES));
    },

    /** Sets the password from a reset link; every session of the account ends. */
    async resetPassword(token: string, password: string): Promise<void> {
      const passwordHash = await hashPassword(password);
      const userId = await withTransaction(pools.primary, async (tx) => {
        const id = await tokens.consume(tx, token, 'reset_password');
        if (id === undefined) throw invalidLink();
        await accounts.setPassword(tx, id, passwordHash);
        return id;
      });
      await sessions.destroyAllForUser(userId);
    },

    /** A signed-in change: the current password first; the other sessions end. */
    async changePassword(userId: number, sessionId: string, current: string, next: string): Promise<void> {
      const account = await accounts.findById(userId);
      if (!account || !(await verifyPassword(account.password_hash, current))) {
        throw new BadRequestError('The current password is not right.', 'invalid_password', 'current_password');
      }
      await accounts.setPassword(pools.primary, userId, await hashPassword(next));
      await sessions.destroyAllForUser(userId, sessionId);
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;

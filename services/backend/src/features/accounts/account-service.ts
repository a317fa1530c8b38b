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
import type { PasswordHasher } from './password.js';
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
  hasher: PasswordHasher;
  mailer: Mailer | undefined;
  logger: Logger;
  signupMode: SignupMode;
  /** Where people open the console: the links in mails. */
  publicBaseUrl: string;
}

const invalidLink = () => new BadRequestError('This link is invalid, already used or expired; ask for a new one.', 'invalid_or_expired_link');
const invalidInvite = () => new ForbiddenError('This invite code is unknown, used up or expired.', 'invalid_invite');

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
  hasher,
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
      // The invite first: hashing is the costly part, and is for callers who may sign up.
      if (signupMode === 'invite' && !(await invites.usable(input.inviteCode!))) throw invalidInvite();
      const passwordHash = await hasher.hash(input.password);
      const account = await withTransaction(pools.primary, async (tx) => {
        if (signupMode === 'invite' && !(await invites.use(tx, input.inviteCode!))) throw invalidInvite();
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

    /**
     * A new session for the right password (and code, for staff with a second factor). The
     * attempt is counted before either is checked; a right answer takes it back.
     */
    async signIn(email: string, password: string, address: string, totpCode?: string) {
      const attempt = await limiter.attempt(email, address);
      let account: AccountRow | undefined;
      let matches: boolean;
      try {
        account = await accounts.findByEmail(email);
        matches = await hasher.verify(account?.password_hash, password);
      } catch (err) {
        await attempt.refund();
        throw err;
      }
      if (!matches || !account) throw new UnauthorizedError('Wrong e-mail address or password.', 'invalid_credentials');
      const mfa = secondFactor.required(account);
      if (mfa && !totpCode) {
        await attempt.refund();
        throw new HttpError(401, 'Enter the 6-digit code of your authenticator app.', 'invalid_request_error', 'totp_required');
      }
      if (mfa && !(await secondFactor.verify(account, totpCode!))) throw new UnauthorizedError('That authentication code is not right.', 'invalid_totp');
      await attempt.succeed();
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
      // The link first: a made-up one costs a lookup, not a hash.
      if ((await tokens.peek(pools.primary, token, 'reset_password')) === undefined) throw invalidLink();
      const passwordHash = await hasher.hash(password);
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
      if (!account || !(await hasher.verify(account.password_hash, current))) {
        throw new BadRequestError('The current password is not right.', 'invalid_password', 'current_password');
      }
      await accounts.setPassword(pools.primary, userId, await hasher.hash(next));
      await sessions.destroyAllForUser(userId, sessionId);
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;

import { withTransaction, type Pools } from '../../infra/db.js';
import { BadRequestError, ForbiddenError, HttpError, NO_RETRY, UnauthorizedError } from '../../infra/errors.js';
import type { Locale } from '../../contract/console-api.js';
import type { AccountRow, AccountStore } from './account-store.js';
import type { AccountTokenStore } from './account-token-store.js';
import type { InviteStore } from './invite-store.js';
import type { MailQueue } from './mail-queue.js';
import type { PasswordHasher } from './password.js';
import type { SessionService } from './session-service.js';
import type { SignInLimiter } from './sign-in-limiter.js';
import type { SecondFactor } from './second-factor.js';

export type SignupMode = 'open' | 'invite' | 'closed';

interface Deps {
  pools: Pools;
  accounts: AccountStore;
  tokens: Pick<AccountTokenStore, 'peek' | 'consume'>;
  invites: Pick<InviteStore, 'usable' | 'use'>;
  sessions: SessionService;
  limiter: SignInLimiter;
  secondFactor: Pick<SecondFactor, 'required' | 'verify'>;
  hasher: PasswordHasher;
  /** The mails to send, off the request path; undefined without a mail server. */
  mails: Pick<MailQueue, 'enqueue'> | undefined;
  signupMode: SignupMode;
}

const invalidLink = () => new BadRequestError('This link is invalid, already used or expired; ask for a new one.', 'invalid_or_expired_link');
const invalidInvite = () => new ForbiddenError('This invite code is unknown, used up or expired.', 'invalid_invite');

/**
 * People's accounts: sign-up (by the operator's mode), verification and reset by mailed
 * single-use links, sign-in into a Redis session, sign-out. The rules live here; the
 * routes only translate HTTP. Nothing answers differently, or in a different time, for an
 * address with an account and one without: mails go through the queue.
 */
export function createAccountService({ pools, accounts, tokens, invites, sessions, limiter, secondFactor, hasher, mails, signupMode }: Deps) {
  return {
    signupMode,

    /**
     * Creates the account and queues its verification mail; for a taken address, queues a
     * mail telling its owner instead. The caller cannot tell which happened.
     */
    async signUp(input: { email: string; password: string; inviteCode?: string; locale?: Locale }): Promise<void> {
      if (signupMode === 'closed') throw new ForbiddenError('Sign-up is closed on this gateway; ask its operator for an account.', 'signup_closed');
      if (signupMode === 'invite' && !input.inviteCode) throw new ForbiddenError('Sign-up needs an invite code on this gateway.', 'invite_required');
      if (!mails) throw new HttpError(503, 'Sign-up is unavailable: this gateway has no mail server configured.', 'server_error', 'mail_unavailable', NO_RETRY);
      // The invite first: hashing is the costly part, and is for callers who may sign up.
      if (signupMode === 'invite' && !(await invites.usable(input.inviteCode!))) throw invalidInvite();
      const passwordHash = await hasher.hash(input.password);
      const created = await withTransaction(pools.primary, async (tx) => {
        // A taken address uses the invite too: otherwise the invite would tell.
        if (signupMode === 'invite' && !(await invites.use(tx, input.inviteCode!))) throw invalidInvite();
        return accounts.create(tx, { email: input.email, passwordHash, locale: input.locale ?? null });
      });
      await mails.enqueue({ kind: created ? 'verify' : 'signup-taken', email: input.email, locale: input.locale ?? null });
    },

    async verifyEmail(token: string): Promise<AccountRow> {
      return withTransaction(pools.primary, async (tx) => {
        const userId = await tokens.consume(tx, token, 'verify_email');
        if (userId === undefined) throw invalidLink();
        return (await accounts.markVerified(tx, userId))!;
      });
    },

    /** Queues a new verification mail; the worker decides whether the address gets one. */
    async resendVerification(email: string): Promise<void> {
      await mails?.enqueue({ kind: 'verify', email, locale: null });
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

    /** Queues a reset link for an existing, active account (also one created by staff without a password). */
    async forgotPassword(email: string): Promise<void> {
      await mails?.enqueue({ kind: 'reset', email, locale: null });
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

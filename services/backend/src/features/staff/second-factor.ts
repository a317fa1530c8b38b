import { HttpError } from '../../infra/errors.js';
import type { Redis } from '../../infra/redis.js';
import type { AccountRow, AccountStore } from '../accounts/account-store.js';
import type { Totp } from './totp.js';

/** A code works once: replaying one seen a moment ago (shoulder-surfed, phished) fails. */
const USED_TTL_S = 90;

/**
 * The second factor of staff sign-ins: enrolment (a secret to scan, enabled by a first
 * right code) and checking a code at sign-in, each code once, cluster-wide (Redis).
 */
export function createSecondFactor({ totp, redis, accounts }: { totp: Totp; redis: Redis; accounts: Pick<AccountStore, 'setTotp'> }) {
  async function checkOnce(account: AccountRow, sealed: string, code: string): Promise<boolean> {
    if (!totp.check(sealed, code)) return false;
    const fresh = await redis.set(`cg:totp-used:${account.id}:${code}`, '1', 'EX', USED_TTL_S, 'NX');
    return fresh === 'OK';
  }

  return {
    /** Whether this account must give a code at sign-in. */
    required: (account: AccountRow) => account.totp_enabled_at !== null,

    verify: (account: AccountRow, code: string) => (account.totp_secret ? checkOnce(account, account.totp_secret, code) : Promise.resolve(false)),

    /** A new secret for the account (replacing an unconfirmed one); not in force until `enable`. */
    async setup(account: AccountRow): Promise<{ secret: string; otpauth_url: string }> {
      if (account.totp_enabled_at)
        throw new HttpError(409, 'Two-factor sign-in is already on for this account.', 'invalid_request_error', 'totp_already_enabled');
      const { secret, url, sealed } = totp.newSecret(account.email);
      await accounts.setTotp(account.id, sealed, false);
      return { secret, otpauth_url: url };
    },

    /** Turns the set-up secret on, given a right code from it. */
    async enable(account: AccountRow, code: string): Promise<void> {
      if (account.totp_enabled_at)
        throw new HttpError(409, 'Two-factor sign-in is already on for this account.', 'invalid_request_error', 'totp_already_enabled');
      if (!account.totp_secret) throw new HttpError(409, 'Set up two-factor sign-in first.', 'invalid_request_error', 'totp_not_set_up');
      if (!(await checkOnce(account, account.totp_secret, code)))
        throw new HttpError(400, 'That code is not right; try the current one.', 'invalid_request_error', 'invalid_totp');
      await accounts.setTotp(account.id, account.totp_secret, true);
    },
  };
}

export type SecondFactor = ReturnType<typeof createSecondFactor>;

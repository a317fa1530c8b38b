import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { type Pools, type Queryable, withTransaction } from '../../infra/db.js';
import { BadRequestError, HttpError } from '../../infra/errors.js';
import type { Redis } from '../../infra/redis.js';
import type { AccountRow } from './account-store.js';
import type { RecoveryCodes } from './recovery-codes.js';
import type { SecondFactorStore } from './second-factor-store.js';
import type { Totp } from './totp.js';

/** A code works once: replaying one seen a moment ago (shoulder-surfed, phished) fails. */
const USED_TTL_S = 90;
/** Password (and code) confirmations per account and 15 minutes: a stolen session is no password oracle. */
const CONFIRMATIONS = 10;
const CONFIRM_WINDOW_S = 15 * 60;

const alreadyOn = () => new HttpError(409, 'Two-factor sign-in is already on for this account.', 'invalid_request_error', 'totp_already_enabled');
const changedMeanwhile = () =>
  new HttpError(409, 'Two-factor sign-in was changed meanwhile (in another window?); reload and start again.', 'invalid_request_error', 'totp_changed');
const wrongCode = () => new BadRequestError('That code is not right; try the current one.', 'invalid_totp', 'code');

interface Deps {
  totp: Totp;
  redis: Redis;
  pools: Pools;
  store: SecondFactorStore;
  recoveryCodes: RecoveryCodes;
  /** The accounts' password check (argon2), so that enrolment asks for what sign-in asks for. */
  verifyPassword: (hash: string | null | undefined, plain: string) => Promise<boolean>;
}

/**
 * The second factor of sign-ins: enrolment (the password, then a secret to scan, enabled by
 * a first right code, which hands out ten one-time recovery codes), and checking a TOTP code
 * or a recovery code at sign-in, each once, cluster-wide.
 */
export function createSecondFactor({ totp, redis, pools, store, recoveryCodes, verifyPassword }: Deps) {
  const confirmations = new RateLimiterRedis({ storeClient: redis, keyPrefix: 'cg:2fa-confirm', points: CONFIRMATIONS, duration: CONFIRM_WINDOW_S });

  async function checkOnce(account: AccountRow, sealed: string, code: string): Promise<boolean> {
    if (!totp.check(sealed, code)) return false;
    const fresh = await redis.set(`cg:totp-used:${account.id}:${code}`, '1', 'EX', USED_TTL_S, 'NX');
    return fresh === 'OK';
  }

  /**
   * The person at the keyboard knows the password (and, when given, a current code), not
   * only the session cookie. Each try is counted before it is checked, so a burst of guesses
   * cannot outrun the count; a successful one gives its try back.
   */
  async function confirm(account: AccountRow, password: string, code?: { sealed: string; value: string }): Promise<void> {
    const key = String(account.id);
    await confirmations.consume(key).catch((res: unknown) => {
      // A Redis that does not answer blocks no one; the password is still checked.
      if (res instanceof RateLimiterRes) {
        throw new HttpError(429, 'Too many tries; wait a while and try again.', 'rate_limit_error', 'too_many_attempts', {
          'retry-after': String(Math.max(1, Math.ceil(res.msBeforeNext / 1000))),
        });
      }
    });
    if (!(await verifyPassword(account.password_hash, password))) throw new BadRequestError('The password is not right.', 'invalid_password', 'password');
    if (code && !(await checkOnce(account, code.sealed, code.value))) throw wrongCode();
    await confirmations.reward(key).catch(() => undefined);
  }

  /** Fresh codes for the person to keep; only their hashes are stored, in the caller's transaction. */
  async function issueRecoveryCodes(tx: Queryable, userId: number): Promise<string[]> {
    const codes = recoveryCodes.generate();
    await store.replaceRecoveryCodes(
      tx,
      userId,
      codes.map((c) => recoveryCodes.hash(userId, recoveryCodes.normalise(c)!)),
    );
    return codes;
  }

  return {
    /** Whether this account must give a code at sign-in. */
    required: (account: AccountRow) => account.totp_enabled_at !== null,

    /** A current TOTP code, or an unused recovery code (used up by this call); each works once. */
    async verify(account: AccountRow, code: string): Promise<boolean> {
      if (!account.totp_secret) return false;
      if (/^[0-9]{6}$/.test(code)) return checkOnce(account, account.totp_secret, code);
      const recovery = recoveryCodes.normalise(code);
      return recovery !== undefined && store.useRecoveryCode(account.id, recoveryCodes.hash(account.id, recovery));
    },

    async status(account: AccountRow): Promise<{ enabled: boolean; recovery_codes_left: number }> {
      const enabled = account.totp_enabled_at !== null;
      return { enabled, recovery_codes_left: enabled ? await store.recoveryCodesLeft(account.id) : 0 };
    },

    /** A new secret for the account (replacing an unconfirmed one), given its password; not in force until `enable`. */
    async setup(account: AccountRow, password: string): Promise<{ secret: string; otpauth_url: string }> {
      if (account.totp_enabled_at) throw alreadyOn();
      await confirm(account, password);
      const { secret, url, sealed } = totp.newSecret(account.email);
      // Turned on meanwhile (another window): the secret in force stays.
      if (!(await store.setTotp(account.id, sealed))) throw alreadyOn();
      return { secret, otpauth_url: url };
    },

    /** Turns the set-up secret on, given a right code from it; answers the ten recovery codes, shown this once. */
    async enable(account: AccountRow, code: string): Promise<{ recovery_codes: string[] }> {
      if (account.totp_enabled_at) throw alreadyOn();
      const sealed = account.totp_secret;
      if (!sealed) throw new HttpError(409, 'Set up two-factor sign-in first.', 'invalid_request_error', 'totp_not_set_up');
      if (!(await checkOnce(account, sealed, code))) throw wrongCode();
      const codes = await withTransaction(pools.primary, async (tx) => {
        // A setup since this request read the account put another secret in place: enabling
        // the one checked here would be enabling a secret the person no longer has.
        if (!(await store.enableTotp(tx, account.id, sealed))) throw changedMeanwhile();
        return issueRecoveryCodes(tx, account.id);
      });
      return { recovery_codes: codes };
    },

    /** New recovery codes for the password and a current code; the old ones stop working. */
    async regenerateRecoveryCodes(account: AccountRow, password: string, code: string): Promise<{ recovery_codes: string[] }> {
      const sealed = account.totp_secret;
      if (!account.totp_enabled_at || !sealed) {
        throw new HttpError(409, 'Turn on two-factor sign-in first.', 'invalid_request_error', 'totp_not_enabled');
      }
      await confirm(account, password, { sealed, value: code });
      const codes = await withTransaction(pools.primary, async (tx) => {
        if (!(await store.lockEnabled(tx, account.id, sealed))) throw changedMeanwhile();
        return issueRecoveryCodes(tx, account.id);
      });
      return { recovery_codes: codes };
    },
  };
}

export type SecondFactor = ReturnType<typeof createSecondFactor>;

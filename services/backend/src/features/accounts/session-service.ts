import { createHash } from 'node:crypto';
import type { Redis } from '../../infra/redis.js';
import { newToken } from '../../infra/tokens.js';

export interface Session {
  userId: number;
  /** The CSRF token bound to this session: state-changing calls must echo it. */
  csrf: string;
  createdAt: number;
  /** Signed in with a second factor (TOTP): staff owners and admins need it for the admin API. */
  mfa: boolean;
}

// Redis holds a digest of the session id, never the id itself (the cookie's value).
const sessionKey = (id: string) => `cg:session:${createHash('sha256').update(id).digest('hex')}`;
/** Each user's sessions: a sorted set of session keys scored by when each expires (ms). */
const indexKey = (userId: number) => `cg:session-index:${userId}`;
/** The index as a plain set, before it kept expiries: read until its last sessions have run out. */
const legacyIndexKey = (userId: number) => `cg:user-sessions:${userId}`;

/**
 * Console sessions, in Redis so that every worker of every replica knows them and a
 * sign-out (or a suspension) ends them everywhere at once. A session lives `ttlSeconds`
 * after its last use. Each user's sessions are indexed so that all of them can be ended:
 * every use that renews a session renews its entry in the index too, and the index lives
 * at least as long as its longest-lived session, so "end them all" always finds them.
 */
export function createSessionService({ redis, ttlSeconds }: { redis: Redis; ttlSeconds: number }) {
  /** Records that `key` lives until `ttlSeconds` from now; entries that ran out are dropped. */
  function index(multi: ReturnType<Redis['multi']>, userId: number, key: string) {
    const now = Date.now();
    const idx = indexKey(userId);
    // NX gives a new index its first expiry; GT only ever pushes it later (another
    // instance may run with a longer SESSION_TTL_HOURS).
    return multi
      .zadd(idx, now + ttlSeconds * 1000, key)
      .zremrangebyscore(idx, '-inf', now)
      .expire(idx, ttlSeconds, 'NX')
      .expire(idx, ttlSeconds, 'GT');
  }

  return {
    ttlSeconds,

    async create(userId: number, mfa = false): Promise<{ id: string; session: Session }> {
      const id = newToken();
      const session: Session = { userId, csrf: newToken(), createdAt: Date.now(), mfa };
      const key = sessionKey(id);
      await index(redis.multi().set(key, JSON.stringify(session), 'EX', ttlSeconds), userId, key).exec();
      return { id, session };
    },

    /** Marks a live session as second-factor checked (TOTP just enrolled in it). */
    async markMfa(id: string, session: Session): Promise<void> {
      const key = sessionKey(id);
      await index(redis.multi().set(key, JSON.stringify({ ...session, mfa: true }), 'EX', ttlSeconds, 'XX'), session.userId, key).exec();
    },

    /** The session, its lifetime (and its entry in the user's index) renewed; undefined when it ended or never was. */
    async get(id: string): Promise<Session | undefined> {
      if (!id || id.length > 100) return undefined;
      const key = sessionKey(id);
      const [got] = (await redis.multi().get(key).expire(key, ttlSeconds).exec()) ?? [];
      const raw = got?.[1];
      if (typeof raw !== 'string') return undefined;
      const session = JSON.parse(raw) as Session;
      await index(redis.multi(), session.userId, key).exec();
      return session;
    },

    async destroy(id: string, userId: number): Promise<void> {
      const key = sessionKey(id);
      await redis.multi().del(key).zrem(indexKey(userId), key).srem(legacyIndexKey(userId), key).exec();
    },

    /** Ends every session of the user (sign out everywhere, a new password, a suspension, a new role), but `keep`. */
    async destroyAllForUser(userId: number, keep?: string): Promise<void> {
      const keepKey = keep ? sessionKey(keep) : undefined;
      const [indexed, legacy] = await Promise.all([redis.zrange(indexKey(userId), 0, -1), redis.smembers(legacyIndexKey(userId))]);
      const keys = [...new Set([...indexed, ...legacy])].filter((k) => k !== keepKey);
      if (keys.length === 0) return;
      await redis
        .multi()
        .del(...keys)
        .zrem(indexKey(userId), ...keys)
        .srem(legacyIndexKey(userId), ...keys)
        .exec();
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;

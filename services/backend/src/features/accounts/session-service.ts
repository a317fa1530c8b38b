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
const userSessionsKey = (userId: number) => `cg:user-sessions:${userId}`;

/**
 * Console sessions, in Redis so that every worker of every replica knows them and a
 * sign-out (or a suspension) ends them everywhere at once. A session lives `ttlSeconds`
 * after its last use. Each user's sessions are listed, so that all of them can be ended.
 */
export function createSessionService({ redis, ttlSeconds }: { redis: Redis; ttlSeconds: number }) {
  return {
    ttlSeconds,

    async create(userId: number, mfa = false): Promise<{ id: string; session: Session }> {
      const id = newToken();
      const session: Session = { userId, csrf: newToken(), createdAt: Date.now(), mfa };
      const key = sessionKey(id);
      await redis
        .multi()
        .set(key, JSON.stringify(session), 'EX', ttlSeconds)
        .sadd(userSessionsKey(userId), key)
        .expire(userSessionsKey(userId), ttlSeconds)
        .exec();
      return { id, session };
    },

    /** Marks a live session as second-factor checked (TOTP just enrolled in it). */
    async markMfa(id: string, session: Session): Promise<void> {
      await redis.set(sessionKey(id), JSON.stringify({ ...session, mfa: true }), 'EX', ttlSeconds, 'XX');
    },

    /** The session, its lifetime renewed; undefined when it ended or never was. */
    async get(id: string): Promise<Session | undefined> {
      if (!id || id.length > 100) return undefined;
      const key = sessionKey(id);
      const [got] = (await redis.multi().get(key).expire(key, ttlSeconds).exec()) ?? [];
      const raw = got?.[1];
      return typeof raw === 'string' ? (JSON.parse(raw) as Session) : undefined;
    },

    async destroy(id: string, userId: number): Promise<void> {
      const key = sessionKey(id);
      await redis.multi().del(key).srem(userSessionsKey(userId), key).exec();
    },

    /** Ends every session of the user (sign out everywhere, a new password, a suspension), but `keep`. */
    async destroyAllForUser(userId: number, keep?: string): Promise<void> {
      const keepKey = keep ? sessionKey(keep) : undefined;
      const keys = (await redis.smembers(userSessionsKey(userId))).filter((k) => k !== keepKey);
      if (keys.length === 0) return;
      await redis
        .multi()
        .del(...keys)
        .srem(userSessionsKey(userId), ...keys)
        .exec();
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;

import { createHash } from 'node:crypto';
import type { Logger } from '../../infra/logger.js';
import type { Redis } from '../../infra/redis.js';

/** A response id is remembered this long: its channel holds it, and only its owner may continue from it. */
const RESPONSE_TTL_S = 24 * 3600;

export interface Affinity {
  /** The channel to try first. */
  channelKey?: string;
  /** The request continues an earlier response: only its channel holds that response. */
  pinned: boolean;
  /** The conversation's Redis key, to stick it to the channel that serves it. */
  sessionKey?: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 32);

/**
 * Keeps a conversation on one channel so that the upstream's prompt cache is hit: requests
 * carrying the same `session_id` header (Codex) or `prompt_cache_key` stick to the channel
 * that served the conversation last; a request with `previous_response_id` goes to the
 * channel that produced that response. Scoped per user: one customer can neither steer nor
 * continue another's conversation.
 */
export function createSessionAffinity({ redis, ttlSeconds, logger }: { redis: Redis; ttlSeconds: number; logger: Logger }) {
  const sessionKey = (userId: number, session: string) => `cg:affinity:${userId}:${digest(session)}`;
  const responseKey = (responseId: string) => `cg:response:${digest(responseId)}`;
  const quietly = (err: unknown) => logger.debug({ err: (err as Error).message }, 'session affinity unavailable');

  return {
    /**
     * Where this request should go first. Throws nothing: without Redis there is no
     * affinity. `foreign` is true when the previous response belongs to another user.
     */
    async lookup(userId: number, session: string | undefined, previousResponseId: string | undefined): Promise<Affinity & { foreign: boolean }> {
      try {
        if (previousResponseId) {
          const owner = await redis.get(responseKey(previousResponseId));
          if (owner) {
            const bar = owner.indexOf('|');
            const [user, channelKey] = [owner.slice(0, bar), owner.slice(bar + 1)];
            if (user !== String(userId)) return { pinned: false, foreign: true };
            return { channelKey, pinned: true, foreign: false, sessionKey: session ? sessionKey(userId, session) : undefined };
          }
        }
        if (!session) return { pinned: false, foreign: false };
        const key = sessionKey(userId, session);
        const channelKey = (await redis.getex(key, 'EX', ttlSeconds)) ?? undefined;
        return { channelKey, pinned: false, foreign: false, sessionKey: key };
      } catch (err) {
        quietly(err);
        return { pinned: false, foreign: false };
      }
    },

    /** The conversation was served by `channelKey`: stick it there (a write only when it moved). */
    remember(affinity: Affinity, channelKey: string): void {
      if (!affinity.sessionKey || affinity.channelKey === channelKey) return;
      redis.set(affinity.sessionKey, channelKey, 'EX', ttlSeconds).catch(quietly);
    },

    /** A response `responseId` was produced by `channelKey` for `userId`. */
    rememberResponse(userId: number, responseId: string, channelKey: string): void {
      redis.set(responseKey(responseId), `${userId}|${channelKey}`, 'EX', RESPONSE_TTL_S).catch(quietly);
    },
  };
}

export type SessionAffinity = ReturnType<typeof createSessionAffinity>;

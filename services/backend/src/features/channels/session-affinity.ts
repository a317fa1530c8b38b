import { createHash } from 'node:crypto';
import { HttpError } from '../../infra/errors.js';
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

export interface AffinityLookup extends Affinity {
  /** The previous response belongs to another user. */
  foreign: boolean;
  /**
   * Tokens of the conversation the request continues (the previous response's prompt and
   * output, as billed): the upstream reads them again as prompt, so the request reserves them.
   */
  contextTokens: number;
}

/** Who owns a response cannot be checked: refusing is the only safe answer, and a retry may pass. */
export class OwnershipUnverifiableError extends HttpError {
  constructor() {
    super(
      503,
      'The gateway cannot check the previous response right now; retry in a moment.',
      'server_error',
      'service_unavailable',
      { 'retry-after': '2' },
      'previous_response_id',
    );
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 32);

/** `user|channel|context tokens` (records written before the context was kept have no third part). */
function parseOwner(record: string): { user: string; channelKey: string; contextTokens: number } {
  const [user = '', channelKey = '', tokens] = record.split('|');
  const contextTokens = Number(tokens);
  return { user, channelKey, contextTokens: Number.isSafeInteger(contextTokens) && contextTokens > 0 ? contextTokens : 0 };
}

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
     * Where this request should go first. Without Redis a session has no affinity, but a
     * `previous_response_id` is refused (OwnershipUnverifiableError, a 503): its owner cannot
     * be checked, and another customer's conversation must not be continued.
     */
    async lookup(userId: number, session: string | undefined, previousResponseId: string | undefined): Promise<AffinityLookup> {
      if (previousResponseId) {
        let record: string | null;
        try {
          record = await redis.get(responseKey(previousResponseId));
        } catch (err) {
          logger.warn({ err: (err as Error).message }, 'previous_response_id refused: its owner cannot be checked without Redis');
          throw new OwnershipUnverifiableError();
        }
        if (record) {
          const owner = parseOwner(record);
          if (owner.user !== String(userId)) return { pinned: false, foreign: true, contextTokens: 0 };
          return {
            channelKey: owner.channelKey,
            pinned: true,
            foreign: false,
            contextTokens: owner.contextTokens,
            sessionKey: session ? sessionKey(userId, session) : undefined,
          };
        }
      }
      if (!session) return { pinned: false, foreign: false, contextTokens: 0 };
      const key = sessionKey(userId, session);
      try {
        const channelKey = (await redis.getex(key, 'EX', ttlSeconds)) ?? undefined;
        return { channelKey, pinned: false, foreign: false, contextTokens: 0, sessionKey: key };
      } catch (err) {
        quietly(err);
        return { pinned: false, foreign: false, contextTokens: 0 };
      }
    },

    /** The conversation was served by `channelKey`: stick it there (a write only when it moved). */
    remember(affinity: Affinity, channelKey: string): void {
      if (!affinity.sessionKey || affinity.channelKey === channelKey) return;
      redis.set(affinity.sessionKey, channelKey, 'EX', ttlSeconds).catch(quietly);
    },

    /** A response `responseId` was produced by `channelKey` for `userId`; its conversation is now `contextTokens` long. */
    rememberResponse(userId: number, responseId: string, channelKey: string, contextTokens: number): void {
      redis.set(responseKey(responseId), `${userId}|${channelKey}|${contextTokens}`, 'EX', RESPONSE_TTL_S).catch(quietly);
    },
  };
}

export type SessionAffinity = ReturnType<typeof createSessionAffinity>;

import type { Redis } from '../../infra/redis.js';
import { USAGE_STREAM } from './usage-record.js';

/**
 * Usage records Postgres refused (or entries that are not usage records at all), set
 * aside so that one bad record never stalls a flusher. They wait in a Redis stream of
 * their own, with the reason, for an operator to inspect and replay (after fixing the
 * cause) or drop: see docs/operations.md, "Usage dead letters".
 */
export const DEAD_LETTER_STREAM = 'cg:usage:dead';
/** Kept at about this many; an operator is alerted long before (GatewayUsageDeadLetters). */
const MAX_DEAD_LETTERS = 100_000;

export interface DeadLetter {
  id: string;
  /** The stream entry as the recorder wrote it. */
  fields: string[];
  reason: string;
  sourceId: string;
  at: string;
}

export function createDeadLetters(redis: Redis) {
  return {
    /** Sets an entry of the usage stream aside with the reason it could not be written. */
    async add(sourceId: string, fields: string[], reason: string): Promise<void> {
      await redis.xadd(
        DEAD_LETTER_STREAM,
        'MAXLEN',
        '~',
        MAX_DEAD_LETTERS,
        '*',
        'reason',
        reason.slice(0, 500),
        'source',
        sourceId,
        'at',
        new Date().toISOString(),
        'fields',
        JSON.stringify(fields),
      );
    },

    async count(): Promise<number> {
      return redis.xlen(DEAD_LETTER_STREAM);
    },

    async list(limit = 100): Promise<DeadLetter[]> {
      const entries = (await redis.xrange(DEAD_LETTER_STREAM, '-', '+', 'COUNT', limit)) as Array<[string, string[]]>;
      return entries.map(([id, raw]) => {
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < raw.length; i += 2) f[raw[i]!] = raw[i + 1]!;
        return { id, fields: JSON.parse(f.fields ?? '[]') as string[], reason: f.reason ?? '', sourceId: f.source ?? '', at: f.at ?? '' };
      });
    },

    /** Puts dead letters back on the usage stream (all, or the ids given); returns how many. */
    async replay(ids?: string[]): Promise<number> {
      let moved = 0;
      for (const letter of await this.list(MAX_DEAD_LETTERS)) {
        // An entry without fields was never a record: nothing to replay, only to drop.
        if ((ids && !ids.includes(letter.id)) || letter.fields.length < 2) continue;
        await redis
          .multi()
          .xadd(USAGE_STREAM, '*', ...letter.fields)
          .xdel(DEAD_LETTER_STREAM, letter.id)
          .exec();
        moved += 1;
      }
      return moved;
    },

    /** Drops dead letters for good (all, or the ids given); returns how many. */
    async drop(ids?: string[]): Promise<number> {
      const targets = ids ?? (await this.list(MAX_DEAD_LETTERS)).map((l) => l.id);
      return targets.length === 0 ? 0 : redis.xdel(DEAD_LETTER_STREAM, ...targets);
    },
  };
}

export type DeadLetters = ReturnType<typeof createDeadLetters>;

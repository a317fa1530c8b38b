import type { Config } from '../../infra/config.js';
import { HttpError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import { createRedis, type Redis } from '../../infra/redis.js';
import type { Locale } from '../../contract/console-api.js';

/**
 * A mail to send about an address: what kind, to whom, in which language when the address
 * has no account language. No token and no link: the worker that sends it makes those.
 */
export interface AccountMailJob {
  kind: 'verify' | 'reset' | 'signup-taken';
  email: string;
  locale: Locale | null;
  /** When it was asked for (ms since the epoch). */
  at: number;
}

/**
 * A notice to a customer (features/notices): what it is about (`notice`, sent at most once
 * per user) and what the mail says; the worker that sends it reads the rest.
 */
export interface NoticeJob {
  kind: 'receipt' | 'limit-warning' | 'package-ending';
  userId: number;
  notice: string;
  data: Record<string, string | number>;
  at: number;
}

export type MailJob = AccountMailJob | NoticeJob;
export type NewJob = Omit<AccountMailJob, 'at'> | Omit<NoticeJob, 'at'>;

const QUEUE = 'cg:account-mail-queue';
/** A flood of requests cannot grow the list without end: the oldest jobs give way. */
const MAX_QUEUED = 10_000;
/** Asked for this long ago and not sent yet: the person has moved on (and may have asked again). */
const MAX_AGE_MS = 15 * 60_000;
const POLL_S = 1;
/**
 * A job waits this long after it was asked for: the work of a mail to an address with an
 * account (a link, SMTP) must not run while the answer that queued it is still leaving,
 * or that answer would be slower than one for an unknown address.
 */
const SETTLE_MS = 200;
/** At shutdown, the mail being sent gets this long to leave. */
const STOP_WAIT_MS = 10_000;

export class MailQueueUnavailableError extends HttpError {
  constructor() {
    super(503, 'Mail cannot be sent right now; try again in a moment.', 'server_error', 'mail_unavailable', { 'retry-after': '5' });
  }
}

/** Adds a job to the queue (any process may: the workers send); 503 when Redis does not take it. */
export async function enqueueMail(redis: Redis, job: NewJob): Promise<void> {
  const entry = JSON.stringify({ ...job, at: Date.now() } as MailJob);
  const results = await redis
    .multi()
    .lpush(QUEUE, entry)
    .ltrim(QUEUE, 0, MAX_QUEUED - 1)
    .exec()
    .catch(() => null);
  if (!results || results.some(([err]) => err)) throw new MailQueueUnavailableError();
}

/**
 * The mails of sign-up, verification and reset, off the request path: a request only adds
 * a job to a Redis list (the same work whether or not the address has an account, so the
 * answer takes as long either way), and every worker takes jobs from it and sends them.
 * A worker that dies holding a job loses that one mail, as a request would have; the
 * person asks again.
 */
export function createMailQueue({
  redis,
  redisConfig,
  logger,
  handle,
  onExpired,
}: {
  redis: Redis;
  redisConfig: Config['redis'];
  logger: Logger;
  handle: (job: MailJob) => Promise<void>;
  onExpired: (job: MailJob) => void;
}) {
  let stopped = false;
  let blocking: Redis | undefined;
  let loop: Promise<void> | undefined;

  async function takeNext(client: Redis): Promise<MailJob | undefined> {
    const popped = await client.brpop(QUEUE, POLL_S);
    if (!popped) return undefined;
    let job: MailJob;
    try {
      job = JSON.parse(popped[1]) as MailJob;
    } catch {
      logger.warn('a mail job that is not JSON was dropped');
      return undefined;
    }
    if (Date.now() - job.at <= MAX_AGE_MS) return job;
    onExpired(job);
    return undefined;
  }

  async function run(client: Redis): Promise<void> {
    while (!stopped) {
      let job: MailJob | undefined;
      try {
        job = await takeNext(client);
      } catch (err) {
        if (stopped) break;
        logger.warn({ err: (err as Error).message }, 'mail queue unavailable');
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      if (!job) continue;
      const early = job.at + SETTLE_MS - Date.now();
      if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
      await handle(job).catch((err) => logger.error({ err: (err as Error).message, kind: job.kind }, 'could not handle a mail job'));
    }
  }

  return {
    /** Adds a job; 503 when Redis does not take it (for any address alike). */
    enqueue: (job: NewJob) => enqueueMail(redis, job),

    /** Starts taking jobs, on a connection of its own (a blocking read holds it). */
    start(): void {
      // The blocking read waits POLL_S; the command timeout must leave it that long.
      blocking = createRedis({ ...redisConfig, commandTimeoutMs: POLL_S * 1000 + 5000 }, logger, 'mail-queue');
      loop = run(blocking);
    },

    /** Stops taking jobs and waits (a while) for the one being sent. */
    async stop(): Promise<void> {
      stopped = true;
      blocking?.disconnect();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([loop, new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
      clearTimeout(timer);
    },
  };
}

export type MailQueue = ReturnType<typeof createMailQueue>;

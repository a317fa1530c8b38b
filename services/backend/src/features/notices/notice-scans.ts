import type { Pool } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { Redis } from '../../infra/redis.js';
import { enqueueMail } from '../accounts/mail-queue.js';
import { businessDay } from '../../domain/business-day.js';
import { createNoticeStore } from './notice-store.js';

/** The advisory lock one scanner of the cluster holds while it scans. */
const SCAN_LOCK = 7_423_900_901;
/** A receipt not sent this long after its payment is given up (the person has the order page). */
const RECEIPT_RETRY_MINUTES = 60;
/** Warnings are remembered this long after they were sent (a window lasts a week at most). */
const WARNING_ROWS_DAYS = 35;

interface Deps {
  pool: Pool;
  redis: Redis;
  /** How often to look (NOTICE_SCAN_INTERVAL_MS). */
  intervalMs: number;
  /** The reminder goes this many days before a package's last day (PACKAGE_ENDING_NOTICE_DAYS). */
  leadDays: number;
  timeZone: string;
  logger: Logger;
}

/**
 * The periodic side of customer notices, run by every backend's cluster primary and done
 * by one of them at a time (a Postgres advisory lock): queue the reminder for each current
 * package that ends within `leadDays` with nothing after it, and the receipts of recent
 * payments whose mail was lost on its way. What it finds is read from dates in Postgres, so
 * a short interval makes it as prompt as one wants, and sending each notice once is the
 * worker's claim (notice-jobs.ts), not the scanner's.
 */
export function startNoticeScans({ pool, redis, intervalMs, leadDays, timeZone, logger }: Deps) {
  let running: Promise<void> | undefined;

  async function scan(): Promise<void> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ mine: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS mine', [SCAN_LOCK]);
      if (!rows[0]?.mine) return;
      const store = createNoticeStore({ db: client });
      for (const p of await store.endingSoon(businessDay(timeZone), leadDays)) {
        await enqueueMail(redis, { kind: 'package-ending', userId: p.user_id, notice: `ending:${p.period_id}`, data: { periodId: p.period_id } });
      }
      for (const o of await store.unsentReceipts(RECEIPT_RETRY_MINUTES)) {
        await enqueueMail(redis, { kind: 'receipt', userId: o.user_id, notice: `receipt:${o.order_no}`, data: { orderNo: o.order_no } });
      }
      await store.pruneWarnings(WARNING_ROWS_DAYS);
    } finally {
      await client.query('COMMIT').catch(() => undefined);
      client.release();
    }
  }

  const timer = setInterval(() => {
    running ??= scan()
      .catch((err) => logger.error({ err: (err as Error).message }, 'customer notice scan failed'))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();

  return {
    async stop(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}

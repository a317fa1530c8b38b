import type { Logger } from '../../infra/logger.js';
import type { Mailer, Mail } from '../accounts/mailer.js';
import type { NoticeJob } from '../accounts/mail-queue.js';
import { businessDay } from '../../domain/business-day.js';
import { type LimitWarningMail, limitWarningMail, type MailContext, packageEndingMail, receiptMail } from './notice-mails.js';
import type { NoticePreferences, NoticeStore, Recipient } from './notice-store.js';

export type NoticeOutcome = 'sent' | 'failed' | 'skipped' | 'duplicate';

const WANTED: Record<NoticeJob['kind'], Exclude<keyof NoticePreferences, 'locale'>> = {
  receipt: 'receipts',
  'limit-warning': 'limit_warnings',
  'package-ending': 'package_ending',
};

/** The notice a 100 % warning stands for as well: once the limit is reached, "80 %" is old news. */
export const lowerWarning = (notice: string) => (notice.endsWith(':100') ? `${notice.slice(0, -4)}:80` : undefined);

interface Deps {
  store: NoticeStore;
  mailer: Mailer;
  ctx: MailContext;
  logger: Logger;
  onMail: (kind: NoticeJob['kind'], outcome: NoticeOutcome) => void;
}

/**
 * What a worker does with a customer notice taken from the mail queue: checks that the
 * person still wants it and that it is still true, claims it (each notice is sent once,
 * whichever worker or backend holds a copy of the job), and sends it in the person's
 * language. A mail that cannot leave gives its claim back, so the next scan tries again.
 */
export function createNoticeJobs({ store, mailer, ctx, logger, onMail }: Deps) {
  async function compose(job: NoticeJob, who: Recipient): Promise<Mail | undefined> {
    if (job.kind === 'receipt') {
      const r = await store.receipt(String(job.data.orderNo));
      if (!r || r.user_id !== job.userId) return undefined;
      return receiptMail(
        who.email,
        {
          orderNo: r.order_no,
          packageName: r.package_name,
          amountCents: r.amount_cents,
          currency: r.currency,
          startDate: r.start_date,
          endDate: r.end_date,
          paidAt: r.paid_at ? r.paid_at.getTime() : null,
        },
        who.preferences.locale,
        ctx,
      );
    }
    if (job.kind === 'package-ending') {
      const period = await store.stillEnding(Number(job.data.periodId), businessDay(ctx.timeZone));
      if (!period || period.user_id !== job.userId) return undefined;
      return packageEndingMail(who.email, { packageName: period.package_name, endDate: period.end_date }, who.preferences.locale, ctx);
    }
    return limitWarningMail(who.email, job.data as unknown as LimitWarningMail, who.preferences.locale, ctx);
  }

  return {
    async handle(job: NoticeJob): Promise<void> {
      const who = await store.recipient(job.userId);
      if (who?.status !== 'active' || !who.preferences[WANTED[job.kind]]) return onMail(job.kind, 'skipped');
      const mail = await compose(job, who);
      if (!mail) return onMail(job.kind, 'skipped');
      if (!(await store.claim(job.userId, job.notice))) return onMail(job.kind, 'duplicate');
      const lower = job.kind === 'limit-warning' ? lowerWarning(job.notice) : undefined;
      if (lower) await store.claim(job.userId, lower);
      try {
        await mailer.send(mail);
        onMail(job.kind, 'sent');
      } catch {
        // The mailer logged it (without the content). Whoever scans next may send it again.
        await store.release(job.userId, job.notice).catch((err) => logger.warn({ err: (err as Error).message }, 'could not release a notice'));
        onMail(job.kind, 'failed');
      }
    },
  };
}

export type NoticeJobs = ReturnType<typeof createNoticeJobs>;

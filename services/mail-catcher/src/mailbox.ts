/** One mail as the HTTP API shows it. */
export interface CaughtMail {
  /** Unique while the catcher runs (a counter: restarts begin again at 1). */
  id: string;
  /** The From header, e.g. `"Codex Gateway" <no-reply@codex-gateway.local>`. */
  from: string;
  /** The envelope recipients (RCPT TO): Bcc included, as the server delivered them. */
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  /** When the catcher received it (ISO 8601). */
  date: string;
}

export type NewMail = Omit<CaughtMail, 'id' | 'date'>;

/**
 * The last `capacity` mails in memory, oldest dropped first. Enough for a test run or a
 * day of local development; nothing survives a restart, by design.
 */
export function createMailbox(capacity = 1000) {
  let mails: CaughtMail[] = [];
  let seq = 0;
  const addressedTo = (mail: CaughtMail, address: string) => mail.to.some((to) => to.toLowerCase() === address.trim().toLowerCase());

  return {
    add(mail: NewMail): CaughtMail {
      seq += 1;
      const caught = { id: String(seq), ...mail, date: new Date().toISOString() };
      mails.push(caught);
      if (mails.length > capacity) mails = mails.slice(mails.length - capacity);
      return caught;
    },
    /** Newest first; only those addressed to `to` (case-insensitive) when given. */
    list(to?: string): CaughtMail[] {
      const chosen = to ? mails.filter((m) => addressedTo(m, to)) : mails;
      return chosen.slice().reverse();
    },
    get(id: string): CaughtMail | undefined {
      return mails.find((m) => m.id === id);
    },
    /** Forgets every mail, or only those addressed to `to`. */
    clear(to?: string): void {
      mails = to ? mails.filter((m) => !addressedTo(m, to)) : [];
    },
  };
}

export type Mailbox = ReturnType<typeof createMailbox>;

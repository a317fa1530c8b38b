/**
 * What the gateway does when a client hangs up before its answer is complete.
 *
 * The rule: the upstream's answer is read on after the client left, so that the request
 * is billed the usage the upstream itself reports (its prompt with the whole conversation
 * it continues, its reasoning, everything it wrote): the upstream charges the operator
 * for all of that, whether or not anyone reads it. The reading is bounded in time
 * (HANGUP_READ_TIMEOUT_MS after the client left) and in tokens (the output the request
 * reserved). Past either bound the gateway stops the upstream and bills a conservative
 * figure instead: the prompt as reserved (the request's own estimate plus the known size
 * of the conversation it continues) and the output as reserved (which covers reasoning),
 * or what was read when that is more. Either way the bill is not below what the upstream
 * charges, and it was reserved before the request was admitted, so that concurrent
 * hang-ups cannot pass a credit limit.
 */
export class HangUp {
  /** The client has gone; the answer is still read, for the books only. */
  left = false;
  /** The gateway stopped the upstream at a bound: bill as reserved. */
  cut = false;
  /** Resolves once the request is billed. */
  readonly billed: Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  private resolveBilled: () => void = () => undefined;

  constructor(
    private readonly abort: AbortController,
    private readonly readTimeoutMs: number,
    /** The worker's answers read for clients that left (stopped at shutdown). */
    private readonly reading: Set<HangUp>,
  ) {
    this.billed = new Promise((resolve) => {
      this.resolveBilled = resolve;
    });
  }

  /** The client closed the connection: read on for the time bound at most. */
  clientLeft(): void {
    if (this.left) return;
    this.left = true;
    this.reading.add(this);
    this.timer = setTimeout(() => this.cutShort(), this.readTimeoutMs);
    this.timer.unref();
  }

  /** Stops the upstream: nobody reads the answer, and it would cost more than was reserved (or take too long). */
  cutShort(): void {
    this.cut = true;
    clearTimeout(this.timer);
    this.abort.abort();
  }

  /** The request is being billed: no bound to watch any more. */
  settling(): void {
    clearTimeout(this.timer);
  }

  /** The request is billed. */
  done(): void {
    this.reading.delete(this);
    this.resolveBilled();
  }
}

/**
 * The answers a worker reads for clients that left. At shutdown they are stopped and
 * billed as reserved, so that the worker neither waits out HANGUP_READ_TIMEOUT_MS nor
 * closes its pools with a request unbilled.
 */
export function createAbandonedAnswers() {
  const reading = new Set<HangUp>();
  return {
    reading,
    async stop(timeoutMs: number): Promise<void> {
      const pending = [...reading];
      for (const answer of pending) answer.cutShort();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.all(pending.map((answer) => answer.billed)), late]);
      clearTimeout(timer);
    },
  };
}

export type AbandonedAnswers = ReturnType<typeof createAbandonedAnswers>;

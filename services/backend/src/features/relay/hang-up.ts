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
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly abort: AbortController,
    private readonly readTimeoutMs: number,
  ) {}

  /** The client closed the connection: read on for the time bound at most. */
  clientLeft(): void {
    if (this.left) return;
    this.left = true;
    this.timer = setTimeout(() => this.cutShort(), this.readTimeoutMs);
    this.timer.unref();
  }

  /** Stops the upstream: nobody reads the answer, and it would cost more than was reserved (or take too long). */
  cutShort(): void {
    this.cut = true;
    this.settled();
    this.abort.abort();
  }

  /** The request is billed: no bound to watch any more. */
  settled(): void {
    clearTimeout(this.timer);
  }
}

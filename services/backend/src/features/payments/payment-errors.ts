import { HttpError, NO_RETRY } from '../../infra/errors.js';

/** The payment provider answered and would not create the checkout (its reason is logged, not shown). */
export class PaymentProviderRefusedError extends HttpError {
  constructor(provider: string, retryable: boolean) {
    super(
      502,
      `The payment provider (${provider}) refused to create the checkout for this order${retryable ? '; try again in a moment' : '; try another payment provider or contact support'}.`,
      'upstream_error',
      'payment_provider_refused',
      retryable ? {} : NO_RETRY,
    );
  }
}

/** The payment provider could not be reached (connection refused, timed out, no answer). */
export class PaymentProviderUnreachableError extends HttpError {
  constructor(provider: string) {
    super(502, `The payment provider (${provider}) could not be reached; try again.`, 'upstream_error', 'payment_provider_unreachable');
  }
}

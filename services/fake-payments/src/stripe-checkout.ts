/**
 * Checkout Session objects: validation of the create parameters and the state
 * changes a real session goes through (open → complete | expired). Only the
 * fields a merchant backend typically reads are modelled; the rest of Stripe's
 * object is filled with the values a plain hosted card session has.
 */

import { type FormObject, type FormValue, asList, asObject, asString } from './stripe-form.js';
import { newId } from './http-util.js';

/** Rendered in Stripe's error shape `{ error: { type, message, param, code } }`. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type: string = 'invalid_request_error',
  ) {
    super(message);
  }

  body(): { error: Record<string, string> } {
    const error: Record<string, string> = { type: this.type, message: this.message };
    if (this.param !== null) error.param = this.param;
    if (this.code !== null) error.code = this.code;
    return { error };
  }
}

export interface CheckoutSession {
  id: string;
  object: 'checkout.session';
  amount_subtotal: number | null;
  amount_total: number | null;
  cancel_url: string | null;
  client_reference_id: string | null;
  created: number;
  currency: string | null;
  customer: string | null;
  customer_details: { email: string | null; name: string | null } | null;
  customer_email: string | null;
  expires_at: number;
  livemode: false;
  metadata: Record<string, string>;
  mode: string;
  payment_intent: string | null;
  payment_method_types: string[];
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  status: 'open' | 'complete' | 'expired';
  success_url: string | null;
  total_details: { amount_discount: number; amount_shipping: number; amount_tax: number };
  ui_mode: string;
  url: string | null;
  [extra: string]: unknown;
}

// Parameters of SessionCreateParams in stripe-node's types. Anything else gets Stripe's
// "unknown parameter" error, which catches typos in the merchant code early.
const KNOWN_PARAMS = new Set(
  (
    'adaptive_pricing after_expiration allow_promotion_codes allowed_payment_method_types automatic_tax ' +
    'billing_address_collection branding_settings cancel_url client_reference_id consent_collection currency ' +
    'custom_fields custom_text customer customer_account customer_creation customer_email customer_update discounts ' +
    'excluded_payment_method_types expand expires_at integration_identifier invoice_creation line_items locale ' +
    'managed_payments metadata mode name_collection optional_items origin_context payment_intent_data ' +
    'payment_method_collection payment_method_configuration payment_method_data payment_method_options ' +
    'payment_method_types permissions phone_number_collection redirect_on_completion return_url ' +
    'saved_payment_method_options setup_intent_data shipping_address_collection shipping_options submit_type ' +
    'subscription_data success_url tax_id_collection ui_mode wallet_options'
  ).split(' '),
);
const MODES = ['payment', 'setup', 'subscription'];
const DAY_SECONDS = 24 * 60 * 60;

const missing = (param: string): StripeApiError => new StripeApiError(400, `Missing required param: ${param}.`, param);
const invalid = (param: string, what: string): StripeApiError => new StripeApiError(400, `Invalid ${what}`, param);

function integerParam(value: FormValue | undefined, param: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = asString(value);
  if (text === undefined || !/^-?\d+$/.test(text)) throw invalid(param, `integer: ${String(text ?? '<object>')}`);
  const n = Number(text);
  if (n < min || n > max) {
    throw new StripeApiError(400, `This value must be between ${min} and ${max} (got ${n}).`, param);
  }
  return n;
}

function urlParam(value: FormValue | undefined, param: string): string | null {
  if (value === undefined || value === '') return null;
  const text = asString(value);
  try {
    if (text === undefined || !/^https?:$/.test(new URL(text).protocol)) throw new Error();
  } catch {
    throw new StripeApiError(400, 'Not a valid URL', param, 'url_invalid');
  }
  return text;
}

function metadataParam(value: FormValue | undefined): Record<string, string> {
  // `metadata=` (empty) is how clients clear the map.
  if (value === undefined || value === '') return {};
  const map = asObject(value);
  if (map === undefined) throw invalid('metadata', 'object');
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(map)) {
    if (typeof v !== 'string') throw invalid(`metadata[${key}]`, 'string');
    if (key.length > 40) throw new StripeApiError(400, 'Metadata keys can have a maximum length of 40 characters.', `metadata[${key}]`);
    if (v.length > 500) throw new StripeApiError(400, 'Metadata values can have a maximum length of 500 characters.', `metadata[${key}]`);
    if (v !== '') out[key] = v;
  }
  return out;
}

/** Sums the line items; returns the single currency they share and the total in minor units. */
function priceLineItems(value: FormValue | undefined): { currency: string; total: number } | undefined {
  if (value === undefined) return undefined;
  const items = asList(value);
  if (items === undefined || items.length === 0) throw invalid('line_items', 'array');
  let currency: string | undefined;
  let total = 0;
  items.forEach((raw, i) => {
    const p = `line_items[${i}]`;
    const item = asObject(raw);
    if (item === undefined) throw invalid(p, 'object');
    const price = asString(item.price);
    if (price !== undefined) {
      // The fake keeps no Price catalogue, so any price id is unknown, as it would be on a fresh account.
      throw new StripeApiError(400, `No such price: '${price}'`, `${p}[price]`, 'resource_missing');
    }
    const data = asObject(item.price_data);
    if (data === undefined) throw new StripeApiError(400, `You must specify either \`price\` or \`price_data\` in ${p}.`, p);
    const itemCurrency = asString(data.currency)?.toLowerCase();
    if (itemCurrency === undefined) throw missing(`${p}[price_data][currency]`);
    if (!/^[a-z]{3}$/.test(itemCurrency)) throw invalid(`${p}[price_data][currency]`, `currency: ${itemCurrency}`);
    if (currency !== undefined && currency !== itemCurrency) {
      throw new StripeApiError(400, 'All line items must have the same currency.', `${p}[price_data][currency]`);
    }
    currency = itemCurrency;
    const unitAmount = integerParam(data.unit_amount, `${p}[price_data][unit_amount]`, 0, 99_999_999);
    if (unitAmount === undefined) throw missing(`${p}[price_data][unit_amount]`);
    if (data.product === undefined && asString(asObject(data.product_data)?.name) === undefined) {
      throw missing(`${p}[price_data][product_data][name]`);
    }
    const quantity = integerParam(item.quantity, `${p}[quantity]`, 1, 999_999);
    if (quantity === undefined) throw new StripeApiError(400, `Quantity is required. Add \`quantity\` to \`${p}\``, `${p}[quantity]`);
    total += unitAmount * quantity;
  });
  return { currency: currency as string, total };
}

export function createSession(params: FormObject, baseUrl: string, now: number): CheckoutSession {
  for (const key of Object.keys(params)) {
    if (!KNOWN_PARAMS.has(key)) throw new StripeApiError(400, `Received unknown parameter: ${key}`, key);
  }
  const mode = asString(params.mode);
  if (mode === undefined || mode === '') throw missing('mode');
  if (!MODES.includes(mode)) throw new StripeApiError(400, `Invalid mode: must be one of ${MODES.join(', ')}`, 'mode');
  const uiMode = asString(params.ui_mode) ?? 'hosted_page';
  if (uiMode !== 'hosted' && uiMode !== 'hosted_page') {
    throw new StripeApiError(400, `The fake Stripe only supports hosted Checkout, not ui_mode=${uiMode}.`, 'ui_mode');
  }
  const successUrl = urlParam(params.success_url, 'success_url');
  if (successUrl === null) throw missing('success_url');
  const priced = priceLineItems(params.line_items);
  if (priced === undefined && mode !== 'setup') throw new StripeApiError(400, `\`line_items\` is required in \`${mode}\` mode.`, 'line_items');
  const expiresAt = integerParam(params.expires_at, 'expires_at', now + 30 * 60, now + DAY_SECONDS) ?? now + DAY_SECONDS;
  const clientReferenceId = asString(params.client_reference_id) || null;
  if (clientReferenceId !== null && clientReferenceId.length > 200) {
    throw new StripeApiError(400, 'client_reference_id can be at most 200 characters.', 'client_reference_id');
  }
  const methodTypes = asList(params.payment_method_types)?.filter((t): t is string => typeof t === 'string');
  const id = newId('cs_test_', 58);
  return {
    id,
    object: 'checkout.session',
    amount_subtotal: priced?.total ?? null,
    amount_total: priced?.total ?? null,
    cancel_url: urlParam(params.cancel_url, 'cancel_url'),
    client_reference_id: clientReferenceId,
    created: now,
    currency: priced?.currency ?? (asString(params.currency)?.toLowerCase() || null),
    customer: asString(params.customer) || null,
    customer_details: null,
    customer_email: asString(params.customer_email) || null,
    expires_at: expiresAt,
    livemode: false,
    locale: asString(params.locale) || null,
    metadata: metadataParam(params.metadata),
    mode,
    payment_intent: null,
    payment_method_types: methodTypes && methodTypes.length > 0 ? methodTypes : ['card'],
    payment_status: 'unpaid',
    status: 'open',
    success_url: successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: uiMode,
    url: `${baseUrl}/checkout/${id}`,
  };
}

/** Sessions past expires_at flip to expired on first look, as Stripe does (it sweeps them). */
export function refreshExpiry(session: CheckoutSession, now: number): void {
  if (session.status === 'open' && now >= session.expires_at) expireSession(session);
}

export function expireSession(session: CheckoutSession): void {
  session.status = 'expired';
  session.url = null;
}

/**
 * The buyer paid: the state Stripe reports in checkout.session.completed. With a delayed
 * payment method (bank debit…) the session completes while the money is still on its way:
 * payment_status stays "unpaid" until checkout.session.async_payment_succeeded.
 */
export function completeSession(session: CheckoutSession, amountTotal?: number, delayed = false): void {
  if (amountTotal !== undefined) session.amount_total = amountTotal;
  session.status = 'complete';
  session.payment_status = (session.amount_total ?? 0) === 0 ? 'no_payment_required' : delayed ? 'unpaid' : 'paid';
  if (session.mode === 'payment') session.payment_intent = newId('pi_', 24);
  session.customer_details = { email: session.customer_email ?? 'buyer@example.com', name: 'Fake Buyer' };
  session.url = null;
}

/**
 * The console API (/api/console/*) as the backend answers it and the web console reads it.
 * The backend parses request bodies with these schemas; the console imports the types
 * (type-only), so the two cannot drift apart. Only zod here: this file is read by the
 * browser build too.
 *
 * Conventions: JSON both ways; errors use the gateway's shape
 * `{"error":{"message","type","param","code","request_id"}}`; every state-changing call
 * (POST, PATCH, DELETE) sends the header `x-csrf-token` with the token from
 * `GET /api/console/session` (or from the sign-in answer).
 */
import { z } from 'zod';

export const SIGNUP_MODES = ['open', 'invite', 'closed'] as const;
export const LOCALES = ['en', 'zh'] as const;
/** The language a person reads the console and their mails in. */
export type Locale = (typeof LOCALES)[number];

const password = z.string().min(10, 'at least 10 characters').max(256, 'at most 256 characters');
const email = z.string().trim().toLowerCase().email('a valid e-mail address').max(254);
const token = z.string().min(16).max(200);

// ── Requests ────────────────────────────────────────────────────────────────

export const signUpRequest = z.object({
  email,
  password,
  /** Required when the sign-up mode is "invite". */
  invite_code: z.string().trim().max(64).optional(),
  /** The language of the mails sent to this person. */
  locale: z.enum(LOCALES).optional(),
});
export const signInRequest = z.object({
  email,
  password: z.string().min(1).max(256),
  /** With a second factor: the 6-digit code of the authenticator app, or one of the recovery codes (xxxxx-xxxxx). */
  totp_code: z.string().trim().max(32).optional(),
});
const currentPassword = z.string().min(1).max(256);
const totpCode = z.string().trim().min(6).max(10);
/** Setting up a second factor takes the current password: a session alone cannot put a phone of its own on the account. */
export const totpSetupRequest = z.object({ password: currentPassword });
export const totpCodeRequest = z.object({ code: totpCode });
/** New recovery codes (the old ones stop working) take the password and a current code. */
export const recoveryCodesRequest = z.object({ password: currentPassword, code: totpCode });
export const emailRequest = z.object({ email });
export const verifyEmailRequest = z.object({ token });
export const resetPasswordRequest = z.object({ token, password });
export const changePasswordRequest = z.object({ current_password: z.string().min(1).max(256), new_password: password });
export const signOutRequest = z.object({ everywhere: z.boolean().optional() });
export const createKeyRequest = z.object({
  name: z.string().trim().min(1).max(100),
  /** ISO 8601 instant in the future; absent or null = never expires. */
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
});
export const renameKeyRequest = z.object({ name: z.string().trim().min(1).max(100) });
export const placeOrderRequest = z.object({ package_id: z.number().int().positive(), provider: z.string().min(1).max(32) });
/** The signature of the order's return link (its `sig`): the permission to cancel it. */
export const cancelOrderRequest = z.object({ sig: z.string().min(1).max(200) });
export const redeemRequest = z.object({ code: z.string().trim().toUpperCase().min(4).max(64) });
/** PATCH /api/console/me/notifications: the mails to turn on (true) or off (false); a switch not named stays as it is. */
export const noticePreferencesRequest = z.object({
  receipts: z.boolean().optional(),
  limit_warnings: z.boolean().optional(),
  package_ending: z.boolean().optional(),
  /** The language of these mails (the console sends the one the person uses). */
  locale: z.enum(LOCALES).optional(),
});

export type SignUpRequest = z.input<typeof signUpRequest>;
export type SignInRequest = z.input<typeof signInRequest>;
export type CreateKeyRequest = z.input<typeof createKeyRequest>;
export type PlaceOrderRequest = z.input<typeof placeOrderRequest>;

// ── Answers ─────────────────────────────────────────────────────────────────
// Instants are ISO 8601 strings, calendar days YYYY-MM-DD (the gateway's business day).

export interface Account {
  id: number;
  email: string;
  email_verified: boolean;
  status: 'active' | 'suspended';
  locale: (typeof LOCALES)[number] | null;
  created_at: string;
  /** Staff only (owner, admin, support); null for customers. */
  role: 'owner' | 'admin' | 'support' | null;
  totp_enabled: boolean;
}

/**
 * POST /api/console/auth/sign-up: 202 and nothing more, for a new address and a taken one
 * alike. The verification mail (or, for a taken address, a mail to its owner) says which.
 */
export type SignUpAnswer = Record<string, never>;

/** POST /api/console/me/totp/setup {password}: a new secret to scan; POST /me/totp/enable {code} turns it on. */
export interface TotpSetupAnswer {
  secret: string;
  /** otpauth://totp/…: what the console shows as a QR code. */
  otpauth_url: string;
}

/**
 * POST /me/totp/enable and POST /me/totp/recovery-codes: ten one-time codes (xxxxx-xxxxx),
 * shown this once (only their hashes are kept); each signs in once in place of a TOTP code.
 */
export interface RecoveryCodesAnswer {
  recovery_codes: string[];
}

/** GET /api/console/me/totp. */
export interface TotpStatus {
  enabled: boolean;
  /** Unused recovery codes (0 while two-factor sign-in is off). */
  recovery_codes_left: number;
}

/**
 * GET and PATCH /api/console/me/notifications: which mails the person gets (each on until
 * turned off): a receipt after each payment, warnings at 80 % and 100 % of a weekly or
 * credit limit, a reminder a few days before the current package ends.
 */
export interface NoticePreferences {
  receipts: boolean;
  limit_warnings: boolean;
  package_ending: boolean;
  /** The language of the mails (chosen at sign-up, then the console's); null: English. */
  locale: (typeof LOCALES)[number] | null;
}

/** GET /api/console/session: who is signed in (or null) and the CSRF token to send. */
export interface SessionAnswer {
  user: Account | null;
  csrf_token: string;
  signup_mode: (typeof SIGNUP_MODES)[number];
  /** Where API clients point their base URL, e.g. http://127.0.0.1:12322/v1. */
  api_base_url: string;
}

/** POST /api/console/auth/sign-in → 200 (and sets the session cookie). */
export interface SignInAnswer {
  user: Account;
  csrf_token: string;
}

export interface ApiKeyView {
  id: number;
  name: string;
  key_prefix: string;
  status: 'active' | 'revoked';
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  /** Up to a few seconds behind (written with the usage records). */
  last_used_at: string | null;
}
/** POST /api/console/keys → 201: the only time the plain key is shown. */
export interface CreatedApiKey extends ApiKeyView {
  key: string;
}

/**
 * A plan's terms beyond its daily request and token limits (null = no limit). Credits are
 * US dollars, spent at the model catalogue's prices; the 5-hour and weekly windows begin
 * with the first request after the previous window ended.
 */
export interface PlanLimits {
  daily_credit_limit: number | null;
  five_hour_request_limit: number | null;
  five_hour_token_limit: number | null;
  five_hour_credit_limit: number | null;
  weekly_request_limit: number | null;
  weekly_token_limit: number | null;
  weekly_credit_limit: number | null;
  /** Streams one API key may hold open at once. */
  max_concurrent_streams: number | null;
  /** Models the plan may use; empty = every model the catalogue offers. */
  models: string[];
}

export interface PackageView extends PlanLimits {
  id: number;
  name: string;
  description: string;
  daily_request_limit: number | null;
  daily_token_limit: number | null;
  rpm_limit: number | null;
  duration_days: number;
  price_cents: number;
  currency: string;
}

export interface PaymentProviderView {
  name: string;
  /** Currencies it takes; null = any. */
  currencies: string[] | null;
}

/** GET /api/console/catalog: packages on sale and the providers that can take payment. */
export interface CatalogAnswer {
  packages: PackageView[];
  providers: PaymentProviderView[];
  /** The day a package bought now would start: today, or the day after the caller's last current or queued period ends. */
  starts_on: string;
  /** False while the caller has a package: one bought now is queued after it. */
  starts_today: boolean;
}

/**
 * A period's status: `active` in effect today, `queued` starting on a later day (bought or
 * granted while another one runs), `ended` past its last day; `cancelled` and `refunded`
 * count no more.
 */
export type PeriodStatus = 'active' | 'queued' | 'ended' | 'cancelled' | 'refunded';

export interface PeriodView extends PlanLimits {
  id: number;
  package_id: number;
  package_name: string;
  status: PeriodStatus;
  start_date: string;
  end_date: string;
  daily_request_limit: number | null;
  daily_token_limit: number | null;
  rpm_limit: number | null;
  /** How it was obtained: an order number, a redemption, or granted by staff. */
  source: 'order' | 'redemption' | 'grant';
  order_no: string | null;
}

/** GET /api/console/packages: the period in effect today, those queued after it, and past ones. */
export interface MyPackagesAnswer {
  current: PeriodView | null;
  queued: PeriodView[];
  history: PeriodView[];
}

/** One limit window of the current plan: what it holds now, its limits, and when it resets. */
export interface UsageWindow {
  window: 'day' | 'five_hour' | 'week';
  /** null: no request in this window yet (it begins with the next one). */
  started_at: string | null;
  resets_at: string | null;
  request_count: number;
  total_tokens: number;
  /** US dollars. */
  cost: number;
  request_limit: number | null;
  token_limit: number | null;
  credit_limit: number | null;
}

/** The tokens of one request, or of all requests of a time. */
export interface TokenCounts {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
}

/** GET /api/console/usage/today (and /v1/usage): today's counts against every limit of the current package. */
export interface TodayUsage extends TokenCounts {
  date: string;
  time_zone: string;
  resets_at: string;
  request_count: number;
  /** Today's spend in US dollars at the catalogue's prices. */
  cost: number;
  limits: {
    daily_request_limit: number | null;
    daily_token_limit: number | null;
    daily_credit_limit: number | null;
    rpm_limit: number | null;
    max_concurrent_streams: number | null;
  } | null;
  /** Every window the plan limits (the day always), with its reset time. */
  windows: UsageWindow[];
  /** The period in effect: its business days (inclusive), the instant it ends, and whole days of use left. */
  package: { id: number; name: string; start_date: string; end_date: string; ends_at: string; days_left: number } | null;
}

export interface DailyUsageRow {
  date: string;
  request_count: number;
  prompt_tokens: number;
  completion_tokens: number;
}
/** GET /api/console/usage/daily?from&to: one row per day of the range, zeros included. */
export interface DailyUsageAnswer {
  from: string;
  to: string;
  daily: DailyUsageRow[];
}

export interface ModelUsageRow {
  date: string;
  model: string;
  request_count: number;
  prompt_tokens: number;
  completion_tokens: number;
}
/** GET /api/console/usage/models?from&to: per day and model (days without use left out), and totals per model. */
export interface ModelUsageAnswer {
  from: string;
  to: string;
  rows: ModelUsageRow[];
  totals: Array<Omit<ModelUsageRow, 'date'>>;
}

/** One request as both the customer's ledger and the operators' search show it. */
export interface MeteredRequestView extends TokenCounts {
  request_id: string;
  created_at: string;
  api_key_id: number | null;
  model: string;
  stream: boolean;
  /** US dollars, at the price in force when the request was served. */
  cost: number;
  status_code: number;
  latency_ms: number;
  /** Refused before the upstream (401, 403, 429): the error code the refusal was recorded under; null for a request relayed. */
  refusal: string | null;
  /** What the request was billed by: tokens, or images, seconds of audio, characters of speech (with their tokens when the upstream counted them). */
  unit: 'tokens' | 'images' | 'seconds' | 'characters';
  /** How many of that unit (for tokens, total_tokens). */
  units: number;
}

export interface LedgerEntry extends MeteredRequestView {
  key_name: string | null;
}
/**
 * GET /api/console/ledger?limit=50&cursor=…&key_id=…&model=…&date=YYYY-MM-DD&outcome=served|refused|failed&status=429 —
 * newest first; pass `next_cursor` back as `cursor` for the next page (null: no more).
 * GET /api/console/ledger.csv with the same filters downloads every matching row.
 */
export interface LedgerPage {
  data: LedgerEntry[];
  next_cursor: string | null;
}

/**
 * What became of a request: served (answered below 400), refused by the gateway before the
 * upstream (401, 403, 429: a refusal code is recorded), or failed (any other error).
 */
export const OUTCOMES = ['served', 'refused', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const ORDER_STATUSES = ['pending', 'paid', 'fulfilled', 'expired', 'refunded', 'failed', 'cancelled'] as const;

export interface OrderView {
  order_no: string;
  status: (typeof ORDER_STATUSES)[number];
  package_id: number;
  package_name: string;
  provider: string;
  amount_cents: number;
  currency: string;
  /** Where to pay (the provider's page) while the order is pending. */
  checkout_url: string | null;
  created_at: string;
  expires_at: string;
  paid_at: string | null;
  fulfilled_at: string | null;
  refunded_at: string | null;
  cancelled_at: string | null;
}
export interface OrderList {
  data: OrderView[];
}

/**
 * GET /api/console/order-status/:order_no?sig=… — no session needed: the provider sends
 * the buyer back to /orders/:order_no/return?sig=… (or, on Stripe's Cancel, to
 * /orders/:order_no/cancelled?sig=…) and the signature is the permission.
 * POST /api/console/order-status/:order_no/cancel {sig} → the same answer: a pending order
 * is now `cancelled`; an order in another state (paid a moment before) as it is.
 */
export interface OrderStatusAnswer {
  order_no: string;
  status: OrderView['status'];
  package_id: number;
  package_name: string;
  provider: string;
  amount_cents: number;
  currency: string;
  fulfilled_at: string | null;
}

/** POST /api/console/redeem → 201: the period the code added. */
export type RedeemAnswer = PeriodView;

/** The error shape of every answer that is not 2xx. */
export interface ApiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null; request_id?: string };
}

/**
 * GET /api/console/models: the models my package may use today (what /v1/models lists for my
 * keys), by name; empty without a package in effect. The Quick start's snippets use one of them.
 */
export interface ConsoleModelsAnswer {
  models: string[];
}

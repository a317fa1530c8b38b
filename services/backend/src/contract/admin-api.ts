/**
 * The admin API (/api/admin/*) as the backend answers it and the operator pages of the
 * console read it. Staff call it with their console session (cookie, `x-csrf-token` on
 * changes); automation with `Authorization: Bearer ADMIN_TOKEN`. Each route declares the
 * permission it needs; roles map to permissions in one table, src/domain/staff-roles.ts.
 *
 * The answers' shapes, types only; the request schemas live with their features and reach
 * the console through src/admin-contract.ts. Nothing here imports a feature.
 */

import type { ApiKeyView, MeteredRequestView, OrderView, PackageView, PeriodStatus, PeriodView, TodayUsage } from './console-api.js';

export type { StaffRole } from '../domain/staff-roles.js';
import type { StaffRole } from '../domain/staff-roles.js';

export interface UsageCountsView {
  request_count: number;
  prompt_tokens: number;
  completion_tokens: number;
  /** Requests answered with an error, refusals included. */
  error_count: number;
  /** Of those, the gateway's refusals before the upstream (401, 403, 429 of a known key). */
  refusal_count: number;
  user_count: number;
}

export interface TopUserView {
  user_id: number;
  email: string | null;
  request_count: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface TopModelView {
  model: string;
  request_count: number;
  error_count: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface OverviewDay extends UsageCountsView {
  date: string;
  new_customers: number;
  /** Fulfilled (and not refunded) orders that day, per currency, in minor units. */
  revenue: Record<string, number>;
}

export interface InstanceView {
  instance: string;
  workers: number;
  draining: boolean;
  started_at: string;
  seen_at: string;
  /** up: heard from in the last 15 s; stale: not since. */
  state: 'up' | 'draining' | 'stale';
}

/** GET /api/admin/overview */
export interface AdminOverview {
  date: string;
  time_zone: string;
  today: OverviewDay;
  /** The last 30 days, oldest first. */
  daily: OverviewDay[];
  top_users: TopUserView[];
  top_models: TopModelView[];
  cluster: {
    instances: InstanceView[];
    postgres: {
      primary: { ok: boolean; ms: number | null };
      replica: { ok: boolean; ms: number | null; lag_seconds: number | null };
    };
    redis: { ok: boolean; ms: number | null; used_memory_bytes: number | null };
  };
}

/** GET /api/admin/staff → {data: StaffView[]}; POST /staff and PATCH /staff/:id answer one (role null once removed). */
export interface StaffView {
  id: number;
  email: string;
  role: StaffRole;
  status: 'active' | 'suspended';
  totp_enabled: boolean;
  created_at: string;
}
export interface StaffList {
  data: StaffView[];
}
export type ChangedStaffView = Omit<StaffView, 'role'> & { role: StaffRole | null };

// ── Users (features/users/user-routes.ts) ───────────────────────────────────

export interface UserView {
  id: number;
  email: string;
  status: 'active' | 'suspended';
  created_at: string;
}

/** GET /api/admin/users?q&status&before&limit: newest first; pass next_before as before (null: no more). */
export interface UserPage {
  data: UserView[];
  next_before: number | null;
}

/** A user's counts today: the customer's own view, plus the tokens reserved by requests in flight. */
export interface UserTodayUsage extends TodayUsage {
  reserved_tokens: number;
}

/** GET /api/admin/users/:id: the whole picture (the latest 20 orders). */
export interface UserDetail extends UserView {
  packages: PeriodView[];
  api_keys: ApiKeyView[];
  today: UserTodayUsage;
  orders: OrderView[];
}

// ── Keys (features/keys/key-admin-routes.ts) ────────────────────────────────

/** GET /api/admin/users/:id/api-keys */
export interface ApiKeyList {
  data: ApiKeyView[];
}

/** → 201: the only time the plain key is shown. */
export interface IssuedApiKey {
  id: number;
  name: string;
  key: string;
  key_prefix: string;
  expires_at: string | null;
  created_at: string;
}

// ── Packages (features/packages/package-admin-routes.ts) ────────────────────

/**
 * A package as staff see it: `archived` is off sale (taken off, or retired). A package
 * priced 0 is never sold, whatever its status: `grant_only`, it is granted by staff or
 * redeemed with a code.
 */
export interface AdminPackageView extends PackageView {
  status: 'active' | 'archived';
  grant_only: boolean;
  created_at: string;
}

/** GET /api/admin/packages → AdminPackageView[] (a plain array, by id). */
export type AdminPackageList = AdminPackageView[];

/**
 * PATCH /api/admin/packages/:id → AdminPackageView: any of the terms, and on_sale. Only what
 * is sold from now on changes: periods already sold keep the terms they copied.
 * POST /api/admin/packages/:id/retire → AdminPackageView (off sale for good).
 */

export interface GrantedPeriod {
  id: number;
  package_id: number;
  /** `queued` when it starts after the user's current period. */
  status: PeriodStatus;
  start_date: string;
  end_date: string;
  order_id: number | null;
}

// ── Orders (features/payments/admin-payment-routes.ts) ──────────────────────

export type OrderStatus = OrderView['status'];

/** An order as the admin API answers it (no package name: see the package list). */
export interface AdminOrderView extends Omit<OrderView, 'package_name'> {
  object: 'order';
  user_id: number;
  /** The customer's e-mail address (null: the account is gone). */
  user_email: string | null;
}

/**
 * GET /api/admin/orders?status&user_id&provider&before&limit: by order number, newest first.
 * No cursor in the answer: a full page means there may be more (pass the last order_no as before).
 */
export interface AdminOrderList {
  data: AdminOrderView[];
}

/** What a payment provider told the gateway about an order (webhooks, returns). */
export interface PaymentEventView {
  id: number;
  provider: string;
  event_id: string;
  order_no: string | null;
  event_type: string;
  outcome: string;
  received_at: string;
}

/** GET /api/admin/orders/:orderNo: the order and its events in the order they arrived. */
export interface AdminOrderDetail extends AdminOrderView {
  events: PaymentEventView[];
}

/** POST /api/admin/orders/:orderNo/refund → the order (without user_id); 409 order_not_fulfilled. */
export type RefundedOrder = Omit<AdminOrderView, 'user_id'>;

// ── Redemption codes (features/redemption/redemption-routes.ts) ─────────────

export interface CodeView {
  id: number;
  /** null: an unused code, to a role without codes.reveal (support). */
  code: string | null;
  package_id: number;
  batch_name: string;
  status: 'unused' | 'redeemed' | 'void';
  created_at: string;
  redeemed_by: number | null;
  redeemed_by_email: string | null;
  redeemed_at: string | null;
}

/**
 * GET /api/admin/redemption-codes?batch&status&package_id&before&limit: newest first.
 * GET /api/admin/redemption-codes.csv?batch&status&package_id: every matching code.
 */
export interface CodePage {
  data: CodeView[];
  next_before: number | null;
}

export interface CreatedCodes {
  package_id: number;
  batch_name: string;
  codes: string[];
}

export interface VoidedCodes {
  voided: number;
  codes: string[];
}

// ── Sign-up invites (features/accounts/account-routes.ts) ───────────────────

// ── Audit log (features/audit/audit-routes.ts) ──────────────────────────────

export interface AuditEntryView {
  id: number;
  at: string;
  /** The staff member's e-mail address, or "token" for the admin token. */
  actor: string;
  actor_user_id: number | null;
  role: StaffRole;
  action: string;
  target_type: string;
  target_id: string;
  /** The target's state before and after the change (JSON), where the change has one. */
  before: unknown;
  after: unknown;
  address: string | null;
}

/** GET /api/admin/audit-log?actor&action&target_type&target_id&from&to&before&limit: newest first. */
export interface AuditPage {
  data: AuditEntryView[];
  next_before: number | null;
}

// ── Usage (features/usage/admin-usage-routes.ts, admin-usage-store.ts) ──────

/** One relayed request as the admin search answers it. */
export interface UsageRequestView extends MeteredRequestView {
  user_id: number;
  /** The upstream channel that served it (null: none did). */
  channel: string | null;
}

/**
 * GET /api/admin/usage/requests?user_id&key_id&model&status&status_class&outcome&from&to&limit&cursor:
 * newest first; pass next_cursor back as cursor with the same filters (null: no more).
 * Without from/to, the last 24 hours; without a user or key, at most 31 days.
 */
export interface UsageRequestPage {
  data: UsageRequestView[];
  next_cursor: string | null;
}

/** GET /api/admin/usage/summary?from&to&top (business days, at most 92). */
export interface UsageSummaryView {
  from: string;
  to: string;
  time_zone: string;
  totals: UsageCountsView;
  daily: Array<UsageCountsView & { date: string }>;
  top_users: { by_requests: TopUserView[]; by_tokens: TopUserView[] };
  top_models: { by_requests: TopModelView[]; by_tokens: TopModelView[] };
}

// ── Channels (features/channels/channel-admin-routes.ts) ────────────────────

export type ChannelKind = 'openai' | 'azure' | 'anthropic';
export type ChannelState = 'closed' | 'open' | 'half_open';

/** A channel's health as every replica sees it (Redis), and its last 5 minutes of traffic. */
export interface ChannelHealthView {
  /** closed: in use; open: cooling down until open_until; half_open: cooled down, its next request is a probe. */
  state: ChannelState;
  open_until: string | null;
  /** Why it was opened (e.g. "3 failures in 30 s", "429 Retry-After 20 s"). */
  reason: string | null;
  recent: { requests: number; errors: number; error_rate: number; avg_latency_ms: number | null };
  last_probe: (ChannelProbeResult & { at: string }) | null;
}

/**
 * A channel as staff see it: the upstream key never leaves the gateway, only its last four
 * characters. Channels from the environment (UPSTREAM_BASE_URL / UPSTREAM_CHANNELS) are
 * listed too, read-only: they have no id, and their `key` addresses them in the paths.
 */
/** What staff set on a channel, as its view and its row both hold it (the key only as its hint). */
export interface ChannelSettings {
  name: string;
  kind: ChannelKind;
  base_url: string;
  api_version: string | null;
  /** "…a1b2", or null when the channel has no key: enough for staff to tell keys apart. */
  api_key_hint: string | null;
  priority: number;
  weight: number;
  models: string[];
  model_map: Record<string, string>;
  enabled: boolean;
  /** Set when the gateway disabled it (the upstream refused its key). */
  disabled_reason: string | null;
  notes: string;
}

export interface ChannelView extends ChannelSettings {
  /** The Postgres id; null for a channel from the environment. */
  id: number | null;
  /**
   * Names the channel everywhere (health, paths): `db:<id>`, or `env:<16 hex digits>` for a
   * channel from the environment. `/channels/:ref` takes an id or a key.
   */
  key: string;
  /**
   * Models the channel lists that the model catalogue does not price: the gateway refuses
   * them (404 model_not_found) until staff add them to the catalogue.
   */
  unpriced_models: string[];
  /** From the environment: it follows UPSTREAM_CHANNELS (or UPSTREAM_BASE_URL) and cannot be changed here. */
  managed_by_env: boolean;
  /** null for a channel from the environment. */
  created_at: string | null;
  updated_at: string | null;
  health: ChannelHealthView;
}

/** GET /api/admin/channels → ChannelView[] (by priority, highest first, then name). */
export type ChannelList = ChannelView[];

/**
 * PATCH /api/admin/channels/:ref → ChannelView; `api_key` replaces the key (null removes it);
 * a change of `base_url` or `kind` must carry `api_key` (or null), else 400
 * `channel_key_required`: the sealed key never follows a channel to a new destination.
 * A `base_url` off CHANNEL_ALLOWED_HOSTS is a 400 `channel_host_not_allowed` (on POST too).
 * `enabled: true` also clears the gateway's disabled_reason and the channel's cool-down.
 * DELETE → 204. A channel from the environment answers 409 channel_managed_by_env.
 */

/**
 * Why a call to a channel failed, as a category (never the network stack's own text):
 * `refused` (connection refused), `timeout`, `dns` (host name not found), `tls` (handshake
 * or certificate), `reset` (connection closed), `unreachable` (network), `key_refused` (a
 * 401/403 refusing the channel's key), `http_status` (any other answer that is not 2xx),
 * `host_not_allowed` (off CHANNEL_ALLOWED_HOSTS: nothing was sent), `error` (anything else).
 */
export type ChannelProblem = 'refused' | 'timeout' | 'dns' | 'tls' | 'reset' | 'unreachable' | 'key_refused' | 'http_status' | 'host_not_allowed' | 'error';

/** POST /api/admin/channels/:ref/probe → the probe's result (also recorded in the channel's health); environment channels too. */
export interface ChannelProbeResult {
  ok: boolean;
  /** The upstream's HTTP status; null when it gave none. */
  status: number | null;
  latency_ms: number;
  /** null when ok. */
  category: ChannelProblem | null;
  /** The category in a few English words ("connection refused", "HTTP 503"); null when ok. */
  error: string | null;
}

// ── Models (features/models/model-admin-routes.ts) ──────────────────────────

/** A catalogue entry; prices are US dollars per million tokens. A name ending in '*' prices a family. */
export interface ModelView {
  name: string;
  input_price: number;
  /** null: cached input costs the input price. */
  cached_input_price: number | null;
  /** A prompt-cache write (Anthropic), per million tokens; null: the input price. */
  cache_write_price: number | null;
  /** US dollars per image by "<size>/<quality>", "<size>", "*\/<quality>" or "*" ({}: not sold by the image). */
  image_prices: Record<string, number>;
  /** US dollars per second of audio (transcriptions, translations); null: not sold by the second. */
  audio_second_price: number | null;
  /** US dollars per million characters (speech); null: not sold by the character. */
  character_price: number | null;
  output_price: number;
  /**
   * The most one answer of the model writes, reasoning included: a request that names no
   * lower maximum reserves this much output against its plan's limits. null: the gateway's
   * COMPLETION_TOKEN_ESTIMATE.
   */
  max_output_tokens: number | null;
  enabled: boolean;
  notes: string;
  created_at: string;
  updated_at: string;
}

/** GET /api/admin/models → ModelView[] (by name). */
export type ModelList = ModelView[];

/**
 * PATCH /api/admin/models/:name → ModelView (the price applies to requests served from now on). DELETE → 204.
 * Encode the name in the path (encodeURIComponent): names may hold '/', ':' and '*'.
 */

// ── Setup checklist (features/overview/setup-checklist.ts) ──────────────────

/** What a new operator must still do, in the order the Operations overview lists it. */
export type SetupTaskId = 'paid_package' | 'catalogue_models' | 'channel_keys' | 'payments' | 'mail';

/**
 * One task of the checklist. `reason` says what is wrong while it is not done:
 * paid_package `none_on_sale` | `no_provider` (items: packages on sale that no provider can take);
 * catalogue_models `no_channel` (items: catalogue entries no enabled channel serves);
 * channel_keys `no_key` (items: enabled channels without an upstream key);
 * payments `not_configured` | `not_live` (items: providers against a local fake or in test mode);
 * mail `not_configured` | `local_catcher`.
 */
export interface SetupTaskView {
  id: SetupTaskId;
  done: boolean;
  reason: string | null;
  items: string[];
}

/** GET /api/admin/setup-checklist: computed from the gateway's state on every call. */
export interface SetupChecklist {
  done: boolean;
  tasks: SetupTaskView[];
}

import { hkdfSync } from 'node:crypto';
import { isIP } from 'node:net';
import os from 'node:os';
import { z } from 'zod';
import { type AllowedHost, hostOf, isHostAllowed, parseAllowedHosts } from './allowed-hosts.js';
import { hasPassword, readEnvFiles, userOf, withPassword } from './env-files.js';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

/**
 * Every environment variable the backend reads, in one place. The README's
 * configuration table is written from the descriptions below.
 */
const envShape = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'])
    .default('development')
    .describe(
      'Runtime mode; production lowers the default log level to warn, requires ADMIN_TOKEN and refuses placeholder secrets ("change-me", the development compose values).',
    ),
  HOST: z.string().default('127.0.0.1').describe('Address the API listens on (0.0.0.0 in containers).'),
  PORT: port.default(12401).describe('API port of this backend instance.'),
  METRICS_HOST: z.string().optional().describe('Address of the metrics server; defaults to HOST.'),
  METRICS_PORT: port.default(12501).describe('Port of the instance-wide Prometheus endpoint (/metrics), served by the cluster primary.'),
  INSTANCE_ID: z.string().min(1).optional().describe('Name of this instance in /healthz and logs; defaults to hostname:PORT.'),
  WORKERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(256)
    .default(os.availableParallelism())
    .describe('Worker processes forked by the cluster primary; defaults to the number of CPUs.'),
  WORKER_NODE_FLAGS: z
    .string()
    .default('--max-semi-space-size=4 --heap-growing-percent=50')
    .transform((s) => s.split(/\s+/).filter(Boolean))
    .refine((flags) => flags.every((f) => f.startsWith('--')), 'each flag starts with --')
    .describe(
      "Node/V8 flags for the workers, beside the primary's own. The default keeps the heap near what it holds: a smaller young generation (4 MB semi-spaces, not 16) and an old generation that grows by half of what survived a collection, not up to four times.",
    ),
  BACKEND_REPLICAS: z.coerce
    .number()
    .int()
    .min(1)
    .default(1)
    .describe('How many backend instances share the database; used only for the connection budget check.'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .optional()
    .describe('pino log level; defaults to warn in production, info otherwise.'),

  DATABASE_URL: z.string().url().describe('Postgres primary: all writes and read-your-writes reads.'),
  DATABASE_REPLICA_URL: z.string().url().optional().describe('Postgres streaming replica for history reads; defaults to DATABASE_URL.'),
  DATABASE_PASSWORD: z
    .string()
    .optional()
    .describe(
      'Password of the role DATABASE_URL and DATABASE_REPLICA_URL name, for URLs that carry none (then only this is a secret; compose gives it as DATABASE_PASSWORD_FILE).',
    ),
  DB_POOL_MAX: z.coerce.number().int().min(1).default(100).describe('Open connections per pool per worker (the original guide: 100).'),
  DB_POOL_MIN: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Idle connections each pool keeps open; defaults to 10 (the original guide), or DB_POOL_MAX when smaller.'),
  DB_REPLICA_POOL_MAX: z.coerce.number().int().min(1).optional().describe('Replica pool size per worker; defaults to DB_POOL_MAX.'),
  DB_POOL_IDLE_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000).describe('An idle connection above DB_POOL_MIN is closed after this long.'),
  DB_POOL_MAX_LIFETIME_S: z.coerce.number().int().min(0).default(3600).describe('A connection is retired after this many seconds (the original guide: 1 h).'),
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000).describe('Timeout for opening a database connection.'),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000).describe('Server-side statement timeout for the pools (0 = none).'),
  DB_REPLICA_MAX_LAG_S: z.coerce
    .number()
    .min(0)
    .default(10)
    .describe('A replica further behind than this (or not answering) is skipped: reads go to the primary until it recovers.'),
  DB_RESERVED_CONNECTIONS: z.coerce.number().int().min(0).default(10).describe('Connections left free for admins and migrations in the startup budget check.'),
  MIGRATE_ON_START: bool
    .default(true)
    .describe('Run pending migrations (under an advisory lock) before the workers start, as DATABASE_OWNER_URL when it is set, else as DATABASE_URL.'),
  DATABASE_OWNER_URL: z
    .string()
    .url()
    .optional()
    .describe(
      "Postgres primary as the role that owns the schema and runs the migrations; DATABASE_URL then names the application role, which the migration step creates (with DATABASE_URL's password) and grants only what the backends need. Unset: one role does both, as DATABASE_URL. Production compose gives it only to its one-shot migrate service.",
    ),
  DATABASE_OWNER_PASSWORD: z.string().optional().describe("Password of DATABASE_OWNER_URL's role, for a URL that carries none."),
  REPLICATION_PASSWORD: z
    .string()
    .optional()
    .describe(
      'With DATABASE_OWNER_URL: the migration step also makes (or updates) the login role replicator, the one role the shipped pg_hba.conf lets stream from the primary, with this password.',
    ),
  SEED_PRICE_LIST: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A JSON file of packages (each what POST /api/admin/packages takes) that the migration step puts on sale once per database, e.g. deploy/seed/price-list.json (the local stack and the development compose file set it). Unset: nothing is seeded.',
    ),

  REDIS_URL: z.string().url().default('redis://127.0.0.1:16379').describe('Redis: key cache, quota counters, rate limits, usage stream, pub/sub.'),
  REDIS_PASSWORD: z.string().optional().describe("Redis' password (requirepass, or that of the ACL user REDIS_URL names), for a REDIS_URL that carries none."),
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(50).default(2000).describe('A Redis command that takes longer fails instead of hanging.'),
  REDIS_SENTINELS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .refine(
      (list) => list.length > 0 && list.every((entry) => parseHostPort(entry) !== undefined),
      'a comma-separated list of host:port (e.g. sentinel-1:26379,sentinel-2:26379)',
    )
    .optional()
    .describe(
      'Redis through Sentinel: the sentinels, as host:port[,host:port…]. With REDIS_MASTER_NAME, the backends ask them for the master (REDIS_URL is then not used) and follow every failover; a master switch counts as a Redis loss (every worker hands over to Postgres, the quota counters are rebuilt from it). Unset: REDIS_URL, one Redis.',
    ),
  REDIS_MASTER_NAME: z.string().min(1).optional().describe('The master set the sentinels watch (their `sentinel monitor NAME …`); set with REDIS_SENTINELS.'),
  REDIS_SENTINEL_PASSWORD: z
    .string()
    .optional()
    .describe("The sentinels' own password (their requirepass), when they have one; REDIS_PASSWORD stays the master's and replicas'."),

  ADMIN_TOKEN: z.string().min(16).optional().describe('Bearer token of the admin API (at least 16 characters).'),
  KEY_PEPPER: z.string().min(32).describe('Server secret for HMAC-SHA256 of API keys (at least 32 characters); changing it invalidates every key.'),
  CHANNEL_ENCRYPTION_KEY: z
    .string()
    .refine((v) => parseChannelKey(v) !== undefined, 'must be 32 bytes: 64 hexadecimal characters, or base64 (openssl rand -base64 32)')
    .optional()
    .describe(
      'Key (32 bytes: 64 hex characters or base64) sealing the upstream keys of channels in Postgres with AES-256-GCM. Unset: derived from KEY_PEPPER (HKDF-SHA256, info "codex-gateway channel keys"), so changing KEY_PEPPER then makes the stored channel keys unreadable.',
    ),
  CHANNEL_ALLOWED_HOSTS: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      const hosts = v === undefined ? [] : parseAllowedHosts(v);
      if (typeof hosts === 'string') ctx.addIssue({ code: 'custom', message: hosts });
    })
    .describe(
      'Comma-separated upstream hosts a channel may send its key to: `api.openai.com` (that host, any port), `*.openai.azure.com` (any host below that domain), `host:port` (that port only; a URL without a port has 443 or 80). A channel created or changed to another host is refused (400), one from the environment stops the startup, one already in Postgres is not used. Unset: any host.',
    ),
  UPSTREAM_BASE_URL: z
    .string()
    .url()
    .default('http://127.0.0.1:12399/v1')
    .describe('OpenAI-compatible base URL the gateway relays to (the single channel when UPSTREAM_CHANNELS is unset).'),
  UPSTREAM_API_KEY: z.string().optional().describe('Bearer key sent to the upstream.'),
  UPSTREAM_CHANNELS: z
    .string()
    .optional()
    .describe(
      'JSON array of upstream channels [{name, kind?, baseUrl, apiKey?, models?, weight?, priority?, modelMap?}] (kind openai or anthropic); overrides UPSTREAM_BASE_URL and ANTHROPIC_UPSTREAM_BASE_URL.',
    ),
  ANTHROPIC_UPSTREAM_BASE_URL: z
    .string()
    .url()
    .optional()
    .describe("Anthropic's API (https://api.anthropic.com) for the Messages API and Claude Code: a second channel beside UPSTREAM_BASE_URL's."),
  ANTHROPIC_UPSTREAM_API_KEY: z.string().optional().describe('Key sent to ANTHROPIC_UPSTREAM_BASE_URL as x-api-key.'),
  UPSTREAM_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(600_000)
    .describe('Longest an upstream request may wait for headers, or between two chunks of a stream.'),
  UPSTREAM_MAX_CONNECTIONS: z.coerce
    .number()
    .int()
    .min(1)
    .default(2048)
    .describe('Keep-alive connections per upstream channel per worker; every open stream holds one.'),
  UPSTREAM_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000).describe('Connecting to an upstream channel; past it the next channel is tried.'),
  CHANNEL_FAILURE_THRESHOLD: z.coerce
    .number()
    .int()
    .min(1)
    .default(3)
    .describe('Failures (connection errors, timeouts, 5xx, 429) of one channel within CHANNEL_FAILURE_WINDOW_MS that cool it down on every replica.'),
  CHANNEL_FAILURE_WINDOW_MS: z.coerce.number().int().min(1000).default(30_000).describe("The window in which a channel's failures are counted."),
  CHANNEL_COOLDOWN_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(30_000)
    .describe('How long a failing channel is skipped before one request probes it (half-open); a failed probe cools it down again.'),
  CHANNEL_PROBE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(30_000)
    .describe('Health probes of every channel (GET /models with its key), by one replica at a time; 0 = none.'),
  SESSION_AFFINITY_TTL_S: z.coerce
    .number()
    .int()
    .min(1)
    .default(3600)
    .describe('How long a conversation (session_id, prompt_cache_key) stays on the channel that served it, and previous_response_id is remembered.'),

  BUSINESS_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(isTimeZone, 'must be an IANA time zone name such as UTC, Europe/Berlin or Asia/Shanghai (not an offset such as +08:00)')
    .transform(canonicalTimeZone)
    .describe(
      "Time zone of the business day (IANA name): daily limits reset at its midnight, daily usage is dated in it, and packages' periods start and end on its days. QUOTA_TIME_ZONE, its former name, is read when it is unset.",
    ),
  COMPLETION_TOKEN_ESTIMATE: z.coerce
    .number()
    .int()
    .min(1)
    .default(1024)
    .describe(
      'Completion tokens reserved for a request that sets no max_tokens, to a model whose catalogue entry has no max_output_tokens, until its real usage is known.',
    ),
  HANGUP_READ_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(300_000)
    .describe(
      'After a client hangs up, how long the gateway keeps reading the upstream answer to bill the usage the upstream reports; past it (or past the output the request reserved) the answer is stopped and billed as reserved. 0: stop at once and bill as reserved.',
    ),
  KEY_CACHE_TTL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(60_000)
    .describe('How long a worker trusts its in-process copy of a key or package (revocations still reach it within a second over pub/sub).'),
  USAGE_LOG_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('Monthly usage_logs partitions older than this many days are dropped (0 keeps them all); daily_usage is kept.'),
  USAGE_FLUSH_BATCH: z.coerce.number().int().min(1).max(10_000).default(500).describe('Usage records written to Postgres per batch.'),
  USAGE_FLUSH_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(2000)
    .default(250)
    .describe(
      'After a batch smaller than USAGE_FLUSH_BATCH, a flusher waits this long for records to gather before it reads again: fewer, larger Postgres writes, and usage_logs a moment later. 0 writes each batch as soon as it is read.',
    ),
  AUTH_FAILURES_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .default(30)
    .describe('Failed authentications (API keys, admin token) one client address may make per minute, cluster-wide, before it is blocked (0 = no limit).'),
  AUTH_FAILURE_BLOCK_S: z.coerce.number().int().min(1).default(300).describe('How long an address past AUTH_FAILURES_PER_MINUTE gets 429s.'),
  USAGE_CLAIM_IDLE_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(15_000)
    .describe('A usage record left unacknowledged this long by a flusher (one that died) is taken over by another.'),
  REFUSALS_PER_KEY_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(20)
    .describe(
      "Refusals (401/403/429) of one API key's metered requests that each backend worker records per minute in the ledger and request search; past it (and past 50 times it for all keys together) they are only counted in gateway_refusals_total, so a client hammering a refused key writes a bounded number of rows. 0 records none.",
    ),

  PUBLIC_BASE_URL: z
    .string()
    .url()
    .default('http://127.0.0.1:12322')
    .describe(
      'The gateway as customers and payment providers reach it (return and notify URLs, links in mails). An https:// address makes the console cookies Secure.',
    ),
  TRUSTED_PROXIES: z
    .string()
    .default('loopback')
    .transform((s) => s.split(',').map((p) => p.trim()))
    .refine((list) => list.every(isProxyEntry), 'each entry is an IP address, a range (10.0.0.0/8), loopback, linklocal or uniquelocal; or none alone')
    .refine((list) => !list.includes('none') || list.length === 1, 'none stands alone')
    .describe(
      'Comma-separated reverse proxies whose X-Forwarded-For is believed: IP addresses, CIDR ranges (172.16.0.0/12) and the keywords loopback, linklocal, uniquelocal; none believes no one. The client address (per-address limits, the audit log) is the right-most address of X-Forwarded-For that is not a trusted proxy; a connection from anyone else is its own address, whatever it sends. The default fits nginx on the same host.',
    ),
  ORDER_EXPIRY_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe('A pending order expires after this long (a payment that still arrives is honoured).'),
  STRIPE_SECRET_KEY: z
    .string()
    .optional()
    .describe('Stripe secret key (sk_live_… / sk_test_…); Stripe Checkout is offered when it and STRIPE_WEBHOOK_SECRET are set.'),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .optional()
    .describe('Signing secret (whsec_…) of the webhook endpoint registered at PUBLIC_BASE_URL/api/payments/webhook/stripe.'),
  STRIPE_API_BASE_URL: z.string().url().optional().describe('Another Stripe API address (the local fake); unset for the real one.'),
  STRIPE_WEBHOOK_TOLERANCE_S: z.coerce.number().int().min(1).default(300).describe('Oldest webhook signature timestamp accepted (replay protection).'),
  EPAY_GATEWAY_URL: z
    .string()
    .url()
    .optional()
    .describe('EPay (易支付) site of the reseller, e.g. https://pay.example.com/; EPay is offered when it, EPAY_PID and EPAY_KEY are set.'),
  EPAY_PID: z.string().optional().describe('EPay merchant id.'),
  EPAY_KEY: z.string().optional().describe('EPay merchant key (signs payment URLs, verifies notifies).'),
  EPAY_PAY_TYPE: z.string().default('alipay').describe('EPay payment type sent with orders (alipay, wxpay, qqpay…).'),
  EPAY_CURRENCY: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'must be a three-letter currency code such as CNY')
    .default('CNY')
    .transform((c) => c.toUpperCase())
    .describe('Currency of the EPay merchant account (ISO code, any case): EPay is offered only for packages priced in it.'),
  SIGNUP_MODE: z
    .enum(['open', 'invite', 'closed'])
    .default('open')
    .describe('Who may create a console account: anyone (open), holders of an invite code (invite), or no one (closed; staff create users).'),
  SMTP_URL: z
    .string()
    .url()
    .optional()
    .describe(
      "SMTP server for verification and password-reset mails and the customers' receipts, limit warnings and package-ending reminders, e.g. smtps://user:pass@mail.example.com:465; without it sign-up is refused.",
    ),
  MAIL_FROM: z.string().default('Codex Gateway <no-reply@localhost>').describe('Sender of the console mails.'),
  NOTICE_SCAN_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(24 * 3600_000)
    .default(300_000)
    .describe(
      'How often a backend looks for customer notices due by date (one backend at a time): the reminder before a package ends, and receipts whose mail was lost on its way. The dates are read in Postgres, so a short interval only makes them prompter.',
    ),
  PACKAGE_ENDING_NOTICE_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60)
    .default(3)
    .describe("The reminder mail goes this many days before the last day of a customer's current package (when nothing is queued after it)."),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7)
    .describe('A console session ends after this long without use.'),
  SIGN_IN_FAILURES_PER_ACCOUNT: z.coerce
    .number()
    .int()
    .min(1)
    .default(5)
    .describe('Failed sign-ins to one account per 15 minutes, cluster-wide, before it is refused for 15 minutes.'),
  SIGN_IN_FAILURES_PER_ADDRESS: z.coerce
    .number()
    .int()
    .min(1)
    .default(20)
    .describe('Failed sign-ins from one client address per 15 minutes, cluster-wide, before it is refused for 15 minutes.'),
  PASSWORD_HASH_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(2)
    .describe(
      'Password hashes and checks (argon2id, 19 MiB each) one worker runs at once; the rest wait. Keep it below the libuv thread pool (4 threads) that DNS and file reads share.',
    ),
  PASSWORD_HASH_QUEUE: z.coerce
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(16)
    .describe('Password hashes and checks that may wait per worker; past it, sign-in, sign-up and password changes answer 503 server_busy with Retry-After.'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024)
    .describe('Largest accepted request body (default 10 MB).'),
  UPLOAD_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(25 * 1024 * 1024)
    .describe("Largest upload to the audio and image-edit APIs (multipart; default 25 MB, OpenAI's own audio limit); nginx's UPLOAD_LIMIT must allow it."),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(65_000)
    .describe("HTTP keep-alive timeout; must exceed nginx's upstream keepalive_timeout (60 s)."),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000).describe('How long a worker drains in-flight requests and streams on SIGTERM.'),
  DRAIN_DELAY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(0)
    .describe(
      'On SIGTERM, keep serving this long (answering /healthz with 503 "draining" and closing each connection after its response) before refusing connections, so a load balancer that follows /healthz stops sending first. Compose sets 3000.',
    ),
});

const envSchema = envShape.superRefine((env, ctx) => {
  if (env.DB_POOL_MIN !== undefined && env.DB_POOL_MIN > env.DB_POOL_MAX) {
    ctx.addIssue({ code: 'custom', path: ['DB_POOL_MIN'], message: `must not exceed DB_POOL_MAX (${env.DB_POOL_MAX})` });
  }
  if (!!env.STRIPE_SECRET_KEY !== !!env.STRIPE_WEBHOOK_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['STRIPE_WEBHOOK_SECRET'], message: 'STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set together or not at all' });
  }
  const epay = [env.EPAY_GATEWAY_URL, env.EPAY_PID, env.EPAY_KEY].filter(Boolean).length;
  if (epay !== 0 && epay !== 3) {
    ctx.addIssue({ code: 'custom', path: ['EPAY_KEY'], message: 'EPAY_GATEWAY_URL, EPAY_PID and EPAY_KEY are set together or not at all' });
  }
  checkCredentials(env, ctx);
  checkSentinels(env, ctx);
  if (env.NODE_ENV === 'production') {
    if (!env.ADMIN_TOKEN) ctx.addIssue({ code: 'custom', path: ['ADMIN_TOKEN'], message: 'is required in production' });
    for (const [name, value] of Object.entries(env)) {
      if (typeof value === 'string' && isPlaceholder(value)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'still holds a placeholder or development value: set a secret of your own' });
      }
    }
  }
});

/** A password given beside a URL must not compete with one in it; the owner and the application are two roles. */
function checkCredentials(env: Partial<Env>, ctx: z.RefinementCtx): void {
  for (const [password, urls] of [
    ['DATABASE_PASSWORD', ['DATABASE_URL', 'DATABASE_REPLICA_URL']],
    ['DATABASE_OWNER_PASSWORD', ['DATABASE_OWNER_URL']],
    ['REDIS_PASSWORD', ['REDIS_URL']],
  ] as const) {
    if (env[password] === undefined) continue;
    for (const url of urls) {
      if (hasPassword(env[url])) ctx.addIssue({ code: 'custom', path: [password], message: `${url} carries a password too: give it in one place` });
    }
  }
  const owner = env.DATABASE_OWNER_URL && userOf(env.DATABASE_OWNER_URL);
  if (owner !== undefined && env.DATABASE_URL && owner === userOf(env.DATABASE_URL)) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: "must name the application role, not DATABASE_OWNER_URL's owner role" });
  }
  if (env.REPLICATION_PASSWORD && !env.DATABASE_OWNER_URL) {
    ctx.addIssue({ code: 'custom', path: ['REPLICATION_PASSWORD'], message: 'needs DATABASE_OWNER_URL (the owner makes the replication role)' });
  }
}

/** Sentinel mode takes the sentinels and the master's name together; its passwords are given beside them. */
function checkSentinels(env: Partial<Env>, ctx: z.RefinementCtx): void {
  if (!!env.REDIS_SENTINELS !== !!env.REDIS_MASTER_NAME) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_MASTER_NAME'], message: 'REDIS_SENTINELS and REDIS_MASTER_NAME are set together or not at all' });
  }
  if (env.REDIS_SENTINEL_PASSWORD !== undefined && !env.REDIS_SENTINELS) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINEL_PASSWORD'], message: 'needs REDIS_SENTINELS' });
  }
}

/** `host:port` or `[v6 address]:port`; undefined when it is neither. */
export function parseHostPort(entry: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(entry);
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2])!, port };
}

/** The "change-me" placeholders of compose/.env.example and the development compose file's secrets. */
function isPlaceholder(value: string): boolean {
  return /change[-_ ]?me/i.test(value) || /not-for-production/i.test(value);
}

export type Env = z.infer<typeof envSchema>;

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly instanceId: string;
  readonly http: {
    host: string;
    port: number;
    keepAliveTimeoutMs: number;
    bodyLimitBytes: number;
    uploadLimitBytes: number;
    shutdownTimeoutMs: number;
    drainDelayMs: number;
    /** Express's `trust proxy`: the addresses whose X-Forwarded-For counts (empty: none). */
    trustedProxies: readonly string[];
  };
  readonly metrics: { host: string; port: number };
  readonly cluster: { workers: number; backendReplicas: number; workerNodeFlags: readonly string[] };
  readonly logLevel: NonNullable<Env['LOG_LEVEL']>;
  readonly db: {
    primaryUrl: string;
    replicaUrl: string;
    poolMax: number;
    replicaPoolMax: number;
    poolMin: number;
    idleTimeoutMs: number;
    maxLifetimeSeconds: number;
    connectTimeoutMs: number;
    statementTimeoutMs: number;
    reservedConnections: number;
    replicaMaxLagSeconds: number;
    migrateOnStart: boolean;
    /** A price list file put on sale once per database by the migration step. */
    seedPriceList: string | undefined;
    /** The schema's owner, who migrates; undefined when DATABASE_URL's role does. */
    ownerUrl: string | undefined;
    /** The password the migration step gives the replication role (REPLICATION_PASSWORD). */
    replicationPassword: string | undefined;
  };
  readonly redis: RedisConfig;
  readonly auth: { adminToken: string | undefined; keyPepper: string };
  /** The AES-256-GCM key of the channels' upstream keys in Postgres (CHANNEL_ENCRYPTION_KEY, or derived from KEY_PEPPER). */
  readonly channels: {
    encryptionKey: Buffer;
    /** CHANNEL_ALLOWED_HOSTS; undefined: any host. */
    allowedHosts: readonly AllowedHost[] | undefined;
  };
  readonly upstream: { channels: UpstreamChannel[]; timeoutMs: number; connectTimeoutMs: number; maxConnections: number };
  readonly routing: { failureThreshold: number; failureWindowMs: number; cooldownMs: number; probeIntervalMs: number; affinityTtlSeconds: number };
  readonly quota: { timeZone: string; completionTokenEstimate: number; hangupReadTimeoutMs: number };
  readonly cache: { keyTtlMs: number };
  readonly authFailures: { perMinute: number; blockSeconds: number };
  readonly usage: { flushBatch: number; flushIntervalMs: number; claimIdleMs: number; retentionDays: number; refusalsPerKeyMinute: number };
  readonly accounts: {
    signupMode: Env['SIGNUP_MODE'];
    smtpUrl: string | undefined;
    mailFrom: string;
    sessionTtlSeconds: number;
    signInFailuresPerAccount: number;
    signInFailuresPerAddress: number;
    /** Where people open the console (links in mails). */
    publicBaseUrl: string;
    /** PUBLIC_BASE_URL is https: the browser is told to send the cookies over TLS only. */
    secureCookies: boolean;
    /** Bounds of the argon2 work of one worker. */
    passwordWork: { concurrency: number; queue: number };
  };
  /** Customer mails by date: the reminder before a package ends, lost receipts. */
  readonly notices: { scanIntervalMs: number; endingLeadDays: number };
  readonly payments: {
    publicBaseUrl: string;
    orderExpiryMinutes: number;
    stripe: { secretKey: string; webhookSecret: string; apiBaseUrl: string | undefined; toleranceSeconds: number } | undefined;
    epay: { gatewayUrl: string; pid: string; key: string; payType: string; currency: string } | undefined;
  };
}

/** Where Redis is: one server (url), or the master the sentinels name. */
export interface RedisConfig {
  /** REDIS_URL with its password (one Redis; unused with sentinel). */
  url: string;
  sentinel: RedisSentinelConfig | undefined;
  commandTimeoutMs: number;
}

export interface RedisSentinelConfig {
  sentinels: ReadonlyArray<{ host: string; port: number }>;
  masterName: string;
  /** The master's and replicas' password (REDIS_PASSWORD). */
  password: string | undefined;
  sentinelPassword: string | undefined;
}

const channelSchema = z.object({
  name: z.string().min(1),
  /** openai: OpenAI's APIs (chat, responses, embeddings); anthropic: the Messages API. */
  kind: z.enum(['openai', 'anthropic']).default('openai'),
  baseUrl: z
    .string()
    .url()
    .transform((u) => u.replace(/\/+$/, '')),
  apiKey: z.string().optional(),
  /** Models this channel serves; empty or absent means every model. */
  models: z.array(z.string().min(1)).default([]),
  weight: z.number().positive().default(1),
  /** Higher first, as for channels in Postgres. */
  priority: z.number().int().min(-1000).max(1000).default(0),
  /** Model names rewritten for this channel, e.g. {"gpt-4o": "gpt-4o-2024-08-06"}. */
  modelMap: z.record(z.string(), z.string()).default({}),
});

export type UpstreamChannel = z.infer<typeof channelSchema>;

const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal', 'none']);

/** An entry Express's `trust proxy` (proxy-addr) understands: a keyword, an address, address/bits or an IPv4 address/netmask. */
function isProxyEntry(entry: string): boolean {
  if (PROXY_KEYWORDS.has(entry)) return true;
  const [address = '', range, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(range) === 4;
}

/** An IANA zone name the runtime knows; offsets (+08:00) are refused: Postgres reads POSIX offsets the other way round. */
function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone's canonical spelling (asia/shanghai → Asia/Shanghai), as Postgres and the console name it. */
function canonicalTimeZone(zone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

function parseChannels(e: Env): UpstreamChannel[] | string {
  if (!e.UPSTREAM_CHANNELS) {
    const one = { models: [], weight: 1, priority: 0, modelMap: {} };
    const channels: UpstreamChannel[] = [
      { name: 'default', kind: 'openai', baseUrl: e.UPSTREAM_BASE_URL.replace(/\/+$/, ''), apiKey: e.UPSTREAM_API_KEY, ...one },
    ];
    if (e.ANTHROPIC_UPSTREAM_BASE_URL) {
      channels.push({
        name: 'anthropic',
        kind: 'anthropic',
        baseUrl: e.ANTHROPIC_UPSTREAM_BASE_URL.replace(/\/+$/, ''),
        apiKey: e.ANTHROPIC_UPSTREAM_API_KEY,
        ...one,
      });
    }
    return channels;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(e.UPSTREAM_CHANNELS);
  } catch {
    return 'UPSTREAM_CHANNELS: is not valid JSON';
  }
  const parsed = z.array(channelSchema).min(1).safeParse(raw);
  if (!parsed.success) return `UPSTREAM_CHANNELS: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
  return parsed.data;
}

/** CHANNEL_ENCRYPTION_KEY's text as 32 bytes: 64 hex characters, or base64 (standard or URL-safe); undefined when neither. */
export function parseChannelKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return bytes;
  }
  return undefined;
}

/** The channel key when CHANNEL_ENCRYPTION_KEY is unset: HKDF-SHA256 of KEY_PEPPER, no salt, info "codex-gateway channel keys". */
export function deriveChannelKey(pepper: string): Buffer {
  return Buffer.from(hkdfSync('sha256', pepper, Buffer.alloc(0), 'codex-gateway channel keys', 32));
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Variables renamed since a release: the former name still counts when the new one is unset. */
const FORMER_NAMES: Record<string, string> = { QUOTA_TIME_ZONE: 'BUSINESS_TIMEZONE' };

function withFormerNames(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...source };
  for (const [former, name] of Object.entries(FORMER_NAMES)) {
    if (env[name] === undefined && env[former] !== undefined) env[name] = env[former];
  }
  return env;
}

/** Reads the environment once, listing every problem at once; the result is frozen. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(envSchema, withFormerNames(source));
  const channels = parseChannels(e);
  if (typeof channels === 'string') throw new ConfigError([channels]);
  const allowedHosts = e.CHANNEL_ALLOWED_HOSTS === undefined ? undefined : (parseAllowedHosts(e.CHANNEL_ALLOWED_HOSTS) as AllowedHost[]);
  const strays = channels.filter((c) => !isHostAllowed(allowedHosts, c.baseUrl));
  if (strays.length > 0) {
    throw new ConfigError(
      strays.map(
        (c) =>
          `${e.UPSTREAM_CHANNELS ? 'UPSTREAM_CHANNELS' : 'UPSTREAM_BASE_URL'}: channel ${c.name} points at ${hostOf(c.baseUrl)}, which CHANNEL_ALLOWED_HOSTS does not list`,
      ),
    );
  }
  return deepFreeze({
    env: e.NODE_ENV,
    instanceId: e.INSTANCE_ID ?? `${os.hostname()}:${e.PORT}`,
    http: {
      host: e.HOST,
      port: e.PORT,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      uploadLimitBytes: e.UPLOAD_LIMIT_BYTES,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      drainDelayMs: e.DRAIN_DELAY_MS,
      trustedProxies: e.TRUSTED_PROXIES.filter((p) => p !== 'none'),
    },
    metrics: { host: e.METRICS_HOST ?? e.HOST, port: e.METRICS_PORT },
    cluster: { workers: e.WORKERS, backendReplicas: e.BACKEND_REPLICAS, workerNodeFlags: e.WORKER_NODE_FLAGS },
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'production' ? 'warn' : 'info'),
    db: {
      ...databaseUrls(e),
      poolMax: e.DB_POOL_MAX,
      replicaPoolMax: e.DB_REPLICA_POOL_MAX ?? e.DB_POOL_MAX,
      poolMin: e.DB_POOL_MIN ?? Math.min(10, e.DB_POOL_MAX),
      idleTimeoutMs: e.DB_POOL_IDLE_TIMEOUT_MS,
      maxLifetimeSeconds: e.DB_POOL_MAX_LIFETIME_S,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      reservedConnections: e.DB_RESERVED_CONNECTIONS,
      replicaMaxLagSeconds: e.DB_REPLICA_MAX_LAG_S,
      migrateOnStart: e.MIGRATE_ON_START,
      replicationPassword: e.REPLICATION_PASSWORD,
      seedPriceList: e.SEED_PRICE_LIST,
    },
    redis: redisConfig(e),
    auth: { adminToken: e.ADMIN_TOKEN, keyPepper: e.KEY_PEPPER },
    channels: { encryptionKey: e.CHANNEL_ENCRYPTION_KEY ? parseChannelKey(e.CHANNEL_ENCRYPTION_KEY)! : deriveChannelKey(e.KEY_PEPPER), allowedHosts },
    upstream: { channels, timeoutMs: e.UPSTREAM_TIMEOUT_MS, connectTimeoutMs: e.UPSTREAM_CONNECT_TIMEOUT_MS, maxConnections: e.UPSTREAM_MAX_CONNECTIONS },
    routing: {
      failureThreshold: e.CHANNEL_FAILURE_THRESHOLD,
      failureWindowMs: e.CHANNEL_FAILURE_WINDOW_MS,
      cooldownMs: e.CHANNEL_COOLDOWN_MS,
      probeIntervalMs: e.CHANNEL_PROBE_INTERVAL_MS,
      affinityTtlSeconds: e.SESSION_AFFINITY_TTL_S,
    },
    quota: { timeZone: e.BUSINESS_TIMEZONE, completionTokenEstimate: e.COMPLETION_TOKEN_ESTIMATE, hangupReadTimeoutMs: e.HANGUP_READ_TIMEOUT_MS },
    cache: { keyTtlMs: e.KEY_CACHE_TTL_MS },
    authFailures: { perMinute: e.AUTH_FAILURES_PER_MINUTE, blockSeconds: e.AUTH_FAILURE_BLOCK_S },
    usage: {
      flushBatch: e.USAGE_FLUSH_BATCH,
      flushIntervalMs: e.USAGE_FLUSH_INTERVAL_MS,
      claimIdleMs: e.USAGE_CLAIM_IDLE_MS,
      retentionDays: e.USAGE_LOG_RETENTION_DAYS,
      refusalsPerKeyMinute: e.REFUSALS_PER_KEY_MINUTE,
    },
    accounts: {
      signupMode: e.SIGNUP_MODE,
      smtpUrl: e.SMTP_URL,
      mailFrom: e.MAIL_FROM,
      sessionTtlSeconds: e.SESSION_TTL_HOURS * 3600,
      signInFailuresPerAccount: e.SIGN_IN_FAILURES_PER_ACCOUNT,
      signInFailuresPerAddress: e.SIGN_IN_FAILURES_PER_ADDRESS,
      publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
      secureCookies: new URL(e.PUBLIC_BASE_URL).protocol === 'https:',
      passwordWork: { concurrency: e.PASSWORD_HASH_CONCURRENCY, queue: e.PASSWORD_HASH_QUEUE },
    },
    notices: { scanIntervalMs: e.NOTICE_SCAN_INTERVAL_MS, endingLeadDays: e.PACKAGE_ENDING_NOTICE_DAYS },
    payments: {
      publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
      orderExpiryMinutes: e.ORDER_EXPIRY_MINUTES,
      stripe:
        e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
          ? {
              secretKey: e.STRIPE_SECRET_KEY,
              webhookSecret: e.STRIPE_WEBHOOK_SECRET,
              apiBaseUrl: e.STRIPE_API_BASE_URL,
              toleranceSeconds: e.STRIPE_WEBHOOK_TOLERANCE_S,
            }
          : undefined,
      epay:
        e.EPAY_GATEWAY_URL && e.EPAY_PID && e.EPAY_KEY
          ? { gatewayUrl: e.EPAY_GATEWAY_URL.replace(/\/+$/, ''), pid: e.EPAY_PID, key: e.EPAY_KEY, payType: e.EPAY_PAY_TYPE, currency: e.EPAY_CURRENCY }
          : undefined,
    },
  });
}

/**
 * Reads the environment through a schema: X_FILE for any variable X (Docker secrets), empty
 * values as unset, every problem listed at once.
 */
function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv): z.infer<S> {
  const { env, problems } = readEnvFiles(source, Object.keys(envShape.shape));
  const parsed = schema.safeParse(env);
  if (parsed.success && !problems.length) return parsed.data;
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError([...problems, ...issues]);
}

/** The database URLs with their passwords in them. */
function databaseUrls(e: Pick<Env, 'DATABASE_URL' | 'DATABASE_REPLICA_URL' | 'DATABASE_PASSWORD' | 'DATABASE_OWNER_URL' | 'DATABASE_OWNER_PASSWORD'>) {
  const primaryUrl = withPassword(e.DATABASE_URL, e.DATABASE_PASSWORD);
  return {
    primaryUrl,
    replicaUrl: e.DATABASE_REPLICA_URL ? withPassword(e.DATABASE_REPLICA_URL, e.DATABASE_PASSWORD) : primaryUrl,
    ownerUrl: e.DATABASE_OWNER_URL ? withPassword(e.DATABASE_OWNER_URL, e.DATABASE_OWNER_PASSWORD) : undefined,
  };
}

const migrationSchema = envShape
  .pick({
    NODE_ENV: true,
    DATABASE_URL: true,
    DATABASE_PASSWORD: true,
    DATABASE_OWNER_URL: true,
    DATABASE_OWNER_PASSWORD: true,
    REPLICATION_PASSWORD: true,
    USAGE_LOG_RETENTION_DAYS: true,
    SEED_PRICE_LIST: true,
  })
  .superRefine((env, ctx) => checkCredentials(env, ctx));

/** What the migrate command needs, read as loadConfig reads it (X_FILE included), and nothing else. */
export function loadMigrationConfig(source: NodeJS.ProcessEnv = process.env): {
  db: Pick<Config['db'], 'primaryUrl' | 'ownerUrl' | 'replicationPassword' | 'seedPriceList'>;
  usage: Pick<Config['usage'], 'retentionDays'>;
} {
  const e = parseEnv(migrationSchema, source);
  const { primaryUrl, ownerUrl } = databaseUrls(e);
  return deepFreeze({
    db: { primaryUrl, ownerUrl, replicationPassword: e.REPLICATION_PASSWORD, seedPriceList: e.SEED_PRICE_LIST },
    usage: { retentionDays: e.USAGE_LOG_RETENTION_DAYS },
  });
}

const redisSchema = envShape
  .pick({
    REDIS_URL: true,
    REDIS_PASSWORD: true,
    REDIS_COMMAND_TIMEOUT_MS: true,
    REDIS_SENTINELS: true,
    REDIS_MASTER_NAME: true,
    REDIS_SENTINEL_PASSWORD: true,
  })
  .superRefine((env, ctx) => {
    checkCredentials(env, ctx);
    checkSentinels(env, ctx);
  });

type RedisEnv = Pick<Env, 'REDIS_URL' | 'REDIS_PASSWORD' | 'REDIS_COMMAND_TIMEOUT_MS' | 'REDIS_SENTINELS' | 'REDIS_MASTER_NAME' | 'REDIS_SENTINEL_PASSWORD'>;

function redisConfig(e: RedisEnv): RedisConfig {
  return {
    url: withPassword(e.REDIS_URL, e.REDIS_PASSWORD),
    sentinel:
      e.REDIS_SENTINELS && e.REDIS_MASTER_NAME
        ? {
            sentinels: e.REDIS_SENTINELS.map((entry) => parseHostPort(entry)!),
            masterName: e.REDIS_MASTER_NAME,
            password: e.REDIS_PASSWORD,
            sentinelPassword: e.REDIS_SENTINEL_PASSWORD,
          }
        : undefined,
    commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
  };
}

/** Where Redis is, read as loadConfig reads it (X_FILE included), for commands that need only Redis. */
export function loadRedisConfig(source: NodeJS.ProcessEnv = process.env): RedisConfig {
  return deepFreeze(redisConfig(parseEnv(redisSchema, source)));
}

/** Name, default and description of every variable, for documentation. */
export function describeEnv(): Array<{ name: string; default: string; description: string }> {
  return Object.entries(envShape.shape).map(([name, schema]: [string, z.ZodType]) => {
    const parsed = schema.safeParse(undefined);
    return {
      name,
      default: parsed.success && parsed.data !== undefined ? String(parsed.data) : '',
      description: schema.description ?? '',
    };
  });
}

function deepFreeze<T>(value: T): T {
  // A Buffer (the channel key) cannot be frozen.
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

import type { ChannelHealthView, ChannelProbeResult, ChannelState } from '../../contract/admin-api.js';
import type { Config } from '../../infra/config.js';
import type { InvalidationBus } from '../../infra/invalidation.js';
import type { Logger } from '../../infra/logger.js';
import type { Redis } from '../../infra/redis.js';
import { describeProblem, problemOf, refusalOf } from './channel-problems.js';
import type { ChannelTransport } from './channel-transport.js';
import type { ChannelHealthReader, RuntimeChannel } from './channel-types.js';

/** channel key → JSON OpenState: the channels cooling down, for every replica. */
const OPEN_KEY = 'cg:channel-open';
/** channel key → JSON of its last probe. */
const PROBES_KEY = 'cg:channel-probes';
/** Held by the replica that runs this round of scheduled probes. */
const PROBE_ROUND_KEY = 'cg:channel-probe-round';
const failuresKey = (key: string) => `cg:channel-failures:${key}`;
const trialKey = (key: string) => `cg:channel-trial:${key}`;
const confirmKey = (key: string) => `cg:channel-confirm:${key}`;
const statsKey = (key: string, minute: number) => `cg:channel-stats:${key}:${minute}`;
const STATS_FLUSH_MS = 2000;
const STATS_MINUTES = 5;
/** A channel from the environment cannot be disabled in Postgres: an upstream that refuses its key cools it this long. */
const REFUSED_ENV_COOLDOWN_MS = 10 * 60_000;
/** A request's refusal of a channel's key is checked by a probe at most this often per channel, cluster-wide. */
const CONFIRM_INTERVAL_MS = 10_000;

/** A probe as Redis keeps it: its words are derived when read, so no stored text reaches an answer. */
type StoredProbe = Omit<ChannelProbeResult, 'error'> & { at: string };

/** A stored probe as the admin API shows it (one written before categories had none: its category is derived from its status). */
function probeView(p: StoredProbe): ChannelProbeResult & { at: string } {
  const category = p.ok ? null : (p.category ?? (p.status === null ? 'error' : 'http_status'));
  return { at: p.at, ok: p.ok, status: p.status, latency_ms: p.latency_ms, category, error: category && describeProblem(category, p.status) };
}

interface OpenState {
  until: number;
  reason: string;
}

interface Deps {
  redis: Redis;
  bus: InvalidationBus;
  routing: Config['routing'];
  transport: Pick<ChannelTransport, 'probe'>;
  logger: Logger;
  /** Channels to probe on schedule. */
  channels: () => Promise<readonly RuntimeChannel[]>;
  /** The upstream refused a Postgres channel's key: disable it (and audit it). */
  disable: (channel: RuntimeChannel, reason: string) => Promise<void>;
  onEvent?: (channel: string, event: 'opened' | 'closed' | 'disabled') => void;
}

/**
 * Each channel's health, shared by every replica through Redis: a circuit breaker per
 * channel. Failures (connection errors, timeouts, 5xx, 429) are counted in a window; at
 * the threshold the channel is opened (cooled down) for every worker of every replica at
 * once (pub/sub). When the cool-down ends the channel is half-open: one request, won
 * through a Redis lock, tries it; success closes it, failure opens it again. A 429 with
 * Retry-After opens it for that long at once. Successes cost no Redis round trip unless
 * they close a channel; counts for the console are flushed every two seconds.
 */
export function createChannelHealth({ redis, bus, routing, transport, logger, channels, disable, onEvent }: Deps) {
  let open = new Map<string, OpenState>();
  const stats = new Map<string, { n: number; e: number; lat: number }>();

  /** A JSON value this module wrote to Redis; undefined when absent or unreadable. */
  const parse = <T = OpenState>(raw: string | null | undefined): T | undefined => {
    try {
      return raw ? (JSON.parse(raw) as T) : undefined;
    } catch {
      return undefined;
    }
  };
  async function load(): Promise<void> {
    const all = await redis.hgetall(OPEN_KEY);
    open = new Map(
      Object.entries(all).flatMap(([key, raw]) => {
        const state = parse(raw);
        return state ? [[key, state] as const] : [];
      }),
    );
  }
  async function reloadOne(key: string): Promise<void> {
    const state = parse(await redis.hget(OPEN_KEY, key));
    if (state) open.set(key, state);
    else open.delete(key);
  }
  const quietly = (what: string) => (err: unknown) => logger.warn({ err: (err as Error).message }, `channel health: ${what} failed`);
  load().catch(quietly('loading'));
  bus.on('channel-health', (key) => void reloadOne(key).catch(quietly('reloading')));
  bus.onResync(() => void load().catch(quietly('loading')));

  function count(key: string, error: boolean, latencyMs: number) {
    const s = stats.get(key) ?? { n: 0, e: 0, lat: 0 };
    s.n += 1;
    if (error) s.e += 1;
    else s.lat += latencyMs;
    stats.set(key, s);
  }
  const flusher = setInterval(() => {
    if (stats.size === 0) return;
    const minute = Math.floor(Date.now() / 60_000);
    const batch = redis.multi();
    for (const [key, s] of stats) {
      const k = statsKey(key, minute);
      batch
        .hincrby(k, 'n', s.n)
        .hincrby(k, 'e', s.e)
        .hincrby(k, 'lat', Math.round(s.lat))
        .expire(k, (STATS_MINUTES + 5) * 60);
    }
    stats.clear();
    batch.exec().catch(quietly('counting'));
  }, STATS_FLUSH_MS);
  flusher.unref();

  async function openChannel(channel: RuntimeChannel, forMs: number, reason: string): Promise<void> {
    const state: OpenState = { until: Date.now() + forMs, reason };
    open.set(channel.key, state);
    await redis.multi().hset(OPEN_KEY, channel.key, JSON.stringify(state)).del(failuresKey(channel.key)).exec();
    await bus.publish('channel-health', channel.key);
    onEvent?.(channel.name, 'opened');
    logger.warn({ channel: channel.name, forMs, reason }, 'upstream channel cooling down');
  }

  async function close(channel: RuntimeChannel): Promise<void> {
    open.delete(channel.key);
    await redis.multi().hdel(OPEN_KEY, channel.key).del(failuresKey(channel.key), trialKey(channel.key)).exec();
    await bus.publish('channel-health', channel.key);
    onEvent?.(channel.name, 'closed');
    logger.info({ channel: channel.name }, 'upstream channel back in use');
  }

  const health = {
    /** closed: use it; open: skip it; half_open: cooled down, the next request that wins `claimTrial` tries it. */
    state(channel: RuntimeChannel, now = Date.now()): ChannelState {
      const o = open.get(channel.key);
      if (!o) return 'closed';
      return o.until > now ? 'open' : 'half_open';
    },

    /** When a cooling channel may be tried again (for a channel that is not cooling: now). */
    openUntil: (channel: RuntimeChannel) => open.get(channel.key)?.until ?? Date.now(),

    /** One request cluster-wide tries a half-open channel (the lock lasts a cool-down). */
    async claimTrial(channel: RuntimeChannel): Promise<boolean> {
      return (await redis.set(trialKey(channel.key), '1', 'PX', routing.cooldownMs, 'NX').catch(() => null)) === 'OK';
    },

    /** An answer came back (any status but the failures below). */
    succeeded(channel: RuntimeChannel, latencyMs: number): void {
      count(channel.key, false, latencyMs);
      if (open.has(channel.key)) close(channel).catch(quietly('closing'));
    },

    /** A connection error, timeout, 5xx or 429 (with Retry-After in ms when the upstream gave one). */
    async failed(channel: RuntimeChannel, reason: string, retryAfterMs?: number): Promise<void> {
      count(channel.key, true, 0);
      try {
        if (retryAfterMs !== undefined) return await openChannel(channel, retryAfterMs, `${reason}, Retry-After ${Math.ceil(retryAfterMs / 1000)} s`);
        if (health.state(channel) === 'half_open') return await openChannel(channel, routing.cooldownMs, `trial failed: ${reason}`);
        const [[, failures]] = (await redis.multi().incr(failuresKey(channel.key)).pexpire(failuresKey(channel.key), routing.failureWindowMs, 'NX').exec()) as [
          [null, number],
        ];
        if (failures >= routing.failureThreshold && health.state(channel) === 'closed') {
          await openChannel(channel, routing.cooldownMs, `${failures} failures in ${routing.failureWindowMs / 1000} s, last: ${reason}`);
        }
      } catch (err) {
        quietly('recording a failure')(err);
      }
    },

    /**
     * A request met a 401/403 that refuses the channel's key. One request cannot tell a bad
     * key from a refusal of itself, so the channel's own probe decides (at most once per
     * CONFIRM_INTERVAL_MS cluster-wide, off the request's path): refused too, the channel is
     * disabled; accepted, nothing happens.
     */
    suspect(channel: RuntimeChannel, status: number): void {
      count(channel.key, true, 0);
      void (async () => {
        if ((await redis.set(confirmKey(channel.key), '1', 'PX', CONFIRM_INTERVAL_MS, 'NX')) !== 'OK') return;
        const result = await probe(channel);
        if (result.category !== 'key_refused') {
          logger.warn(
            { channel: channel.name, status, probe: result.error ?? 'ok' },
            "upstream refused a request with the channel's key, but its probe did not: nothing disabled",
          );
        }
      })().catch(quietly('confirming a refusal'));
    },
  };

  /** The channel's own probe was refused for its key: a Postgres channel is disabled (env: cooled), and an alert raised. */
  async function refused(channel: RuntimeChannel, status: number): Promise<void> {
    const reason = `the upstream refused the channel's key (HTTP ${status} to its probe)`;
    logger.error({ channel: channel.name, status }, "ALERT: upstream refused the channel's key; channel disabled");
    onEvent?.(channel.name, 'disabled');
    try {
      if (channel.id === null) await openChannel(channel, REFUSED_ENV_COOLDOWN_MS, reason);
      else {
        await disable(channel, reason);
        await close(channel);
      }
    } catch (err) {
      quietly('disabling')(err);
    }
  }

  /**
   * GET /models with the channel's key, recorded for the console. A key refused disables the
   * channel; a 403 for the call alone counts nothing; another failure counts as one.
   */
  async function probe(channel: RuntimeChannel): Promise<ChannelProbeResult> {
    const started = Date.now();
    let stored: StoredProbe;
    let refusal: 'key' | 'request' | undefined;
    try {
      const { status, body } = await transport.probe(channel);
      refusal = refusalOf(status, body);
      const category = status < 300 ? null : refusal === 'key' ? 'key_refused' : 'http_status';
      stored = { at: new Date().toISOString(), ok: status < 300, status, latency_ms: Date.now() - started, category };
    } catch (err) {
      stored = { at: new Date().toISOString(), ok: false, status: null, latency_ms: Date.now() - started, category: problemOf(err) };
    }
    await redis.hset(PROBES_KEY, channel.key, JSON.stringify(stored)).catch(quietly('saving a probe'));
    const result = probeView(stored);
    if (refusal === 'key') await refused(channel, stored.status!);
    else if (stored.ok) {
      if (health.state(channel) === 'half_open') await close(channel).catch(quietly('closing'));
    } else if (refusal === undefined && stored.category !== 'host_not_allowed') await health.failed(channel, `probe: ${result.error}`);
    const { at: _at, ...answer } = result;
    return answer;
  }

  // Scheduled probes: every replica's timer fires, the one that takes the round probes every channel.
  const prober =
    routing.probeIntervalMs > 0
      ? setInterval(async () => {
          try {
            if ((await redis.set(PROBE_ROUND_KEY, '1', 'PX', Math.round(routing.probeIntervalMs * 0.9), 'NX')) !== 'OK') return;
            await Promise.allSettled((await channels()).map(probe));
          } catch (err) {
            quietly('probing')(err);
          }
        }, routing.probeIntervalMs)
      : undefined;
  prober?.unref();

  const reader: ChannelHealthReader = {
    async views(list) {
      const minute = Math.floor(Date.now() / 60_000);
      const batch = redis.multi().hgetall(OPEN_KEY).hgetall(PROBES_KEY);
      for (const c of list) for (let m = 0; m < STATS_MINUTES; m += 1) batch.hgetall(statsKey(c.key, minute - m));
      const replies = ((await batch.exec()) ?? []).map(([, value]) => value as Record<string, string>);
      const [opened = {}, probes = {}] = replies;
      const views = new Map<string, ChannelHealthView>();
      list.forEach((c, i) => {
        const o = parse(opened[c.key]);
        const minutes = replies.slice(2 + i * STATS_MINUTES, 2 + (i + 1) * STATS_MINUTES);
        const sum = (field: string) => minutes.reduce((total, h) => total + Number(h?.[field] ?? 0), 0);
        const [n, e, lat] = [sum('n'), sum('e'), sum('lat')];
        const stored = parse<StoredProbe>(probes[c.key]);
        views.set(c.key, {
          state: !o ? 'closed' : o.until > Date.now() ? 'open' : 'half_open',
          open_until: o ? new Date(o.until).toISOString() : null,
          reason: o?.reason ?? null,
          recent: { requests: n, errors: e, error_rate: n > 0 ? e / n : 0, avg_latency_ms: n - e > 0 ? Math.round(lat / (n - e)) : null },
          last_probe: stored ? probeView(stored) : null,
        });
      });
      return views;
    },
    probe,
    async reset(channel) {
      await close(channel);
    },
  };

  return {
    ...health,
    reader,
    stop() {
      clearInterval(flusher);
      clearInterval(prober);
    },
  };
}

export type ChannelHealth = ReturnType<typeof createChannelHealth>;

import { createHash } from 'node:crypto';
import { isHostAllowed } from '../../infra/allowed-hosts.js';
import { createBusSnapshot } from '../../infra/bus-snapshot.js';
import type { Config, UpstreamChannel } from '../../infra/config.js';
import type { InvalidationBus } from '../../infra/invalidation.js';
import type { Logger } from '../../infra/logger.js';
import type { ChannelSealer } from './channel-crypto.js';
import type { ChannelRow, ChannelStore, SealedChannelRow } from './channel-store.js';
import type { RuntimeChannel } from './channel-types.js';

/** A channel from the environment is named by its name and URL: a changed URL is another channel to the health records. */
export const envChannelKey = (c: Pick<UpstreamChannel, 'name' | 'baseUrl'>) =>
  `env:${createHash('sha256')
    .update(c.name + c.baseUrl)
    .digest('hex')
    .slice(0, 16)}`;
export const dbChannelKey = (id: number) => `db:${id}`;

/** A row as the relay uses it; `apiKey` is the opened key (undefined: none, or not opened for this use). */
export function runtimeOf(row: ChannelRow, apiKey: string | undefined): RuntimeChannel {
  return {
    key: dbChannelKey(row.id),
    id: row.id,
    name: row.name,
    kind: row.kind,
    baseUrl: row.base_url,
    apiKey,
    apiVersion: row.api_version ?? undefined,
    priority: row.priority,
    weight: row.weight,
    models: row.models,
    modelMap: row.model_map,
  };
}

function envRuntime(c: UpstreamChannel): RuntimeChannel {
  return {
    key: envChannelKey(c),
    id: null,
    name: c.name,
    kind: c.kind,
    baseUrl: c.baseUrl,
    apiKey: c.apiKey,
    apiVersion: undefined,
    priority: c.priority,
    weight: c.weight,
    models: c.models,
    modelMap: c.modelMap,
  };
}

const byPriority = (a: RuntimeChannel, b: RuntimeChannel) => b.priority - a.priority || a.name.localeCompare(b.name);

interface Deps {
  store: Pick<ChannelStore, 'listEnabledSealed' | 'getSealed'>;
  sealer: Pick<ChannelSealer, 'open'>;
  bus: InvalidationBus;
  /** UPSTREAM_BASE_URL / UPSTREAM_CHANNELS: in memory only, never written to Postgres. */
  envChannels: readonly UpstreamChannel[];
  /** CHANNEL_ALLOWED_HOSTS (the environment's channels were checked at startup). */
  allowedHosts: Config['channels']['allowedHosts'];
  logger: Logger;
}

/**
 * The channels a worker routes with: every enabled channel in Postgres (its key opened) and
 * the environment's channels, highest priority first. Held whole in memory, so `current()`
 * costs no query; reloaded when a change is announced on the invalidation bus (every worker
 * of every replica, within a second), on a resync, and now and then. While Postgres does
 * not answer, a worker keeps the channels it had; the environment's always work. A row
 * whose host CHANNEL_ALLOWED_HOSTS does not list is not routed to.
 */
export function createChannelDirectory({ store, sealer, bus, envChannels, allowedHosts, logger }: Deps) {
  const env = Object.freeze(envChannels.map(envRuntime).sort(byPriority));
  const strays = new Set<number>();

  function open(row: SealedChannelRow): RuntimeChannel | undefined {
    if (!isHostAllowed(allowedHosts, row.base_url)) {
      // Written before the list was set (or by a gateway without it): staff must move or delete it.
      if (!strays.has(row.id)) logger.error({ channel: row.name }, 'channel skipped: its host is not in CHANNEL_ALLOWED_HOSTS');
      strays.add(row.id);
      return undefined;
    }
    try {
      return runtimeOf(row, row.api_key_sealed ? sealer.open(row.api_key_sealed) : undefined);
    } catch (err) {
      // Another CHANNEL_ENCRYPTION_KEY (or KEY_PEPPER) than the one that sealed it: routing without its key would only earn 401s.
      logger.error({ channel: row.name, err: (err as Error).message }, 'channel skipped: its upstream key cannot be opened with this CHANNEL_ENCRYPTION_KEY');
      return undefined;
    }
  }

  async function load(): Promise<readonly RuntimeChannel[]> {
    const stored = (await store.listEnabledSealed()).flatMap((row) => open(row) ?? []);
    return Object.freeze([...env, ...stored].sort(byPriority));
  }

  const snapshot = createBusSnapshot<readonly RuntimeChannel[]>({ bus, kind: 'channel', load, initial: env, logger, what: 'the channels' });

  return {
    /** The channels to route with, highest priority first (at once once loaded: the relay awaits it on every request). */
    current: (): Promise<readonly RuntimeChannel[]> => snapshot.get(),

    /** The environment's channels (read-only for staff). */
    environment: (): readonly RuntimeChannel[] => env,

    /** A channel of the environment by its key. */
    envChannel: (key: string): RuntimeChannel | undefined => env.find((c) => c.key === key),

    /**
     * One channel from Postgres, enabled or not, its key opened (a probe); undefined when
     * there is none. Throws SealedValueError when its key cannot be opened.
     */
    async stored(id: number): Promise<RuntimeChannel | undefined> {
      const row = await store.getSealed(id);
      return row && runtimeOf(row, row.api_key_sealed ? sealer.open(row.api_key_sealed) : undefined);
    },

    /** Reloads now (after a change in this worker, tests). */
    refresh: () => snapshot.reload(),
    close: () => snapshot.close(),
  };
}

export type ChannelDirectory = ReturnType<typeof createChannelDirectory>;

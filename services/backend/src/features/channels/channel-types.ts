import type { ChannelHealthView, ChannelKind, ChannelProbeResult } from '../../contract/admin-api.js';

/**
 * A channel as the relay uses it: its upstream key opened, its model map ready. Channels
 * come from Postgres (managed by staff) and from the environment (UPSTREAM_BASE_URL /
 * UPSTREAM_CHANNELS: a bootstrap, in memory only, read-only in the console).
 */
export interface RuntimeChannel {
  /** Names its health in Redis: `db:<id>`, or `env:<digest of name and URL>`. */
  key: string;
  /** The row's id; null for a channel from the environment. */
  id: number | null;
  name: string;
  kind: ChannelKind;
  baseUrl: string;
  apiKey: string | undefined;
  apiVersion: string | undefined;
  /** Higher first. */
  priority: number;
  weight: number;
  /** Models served; empty = every model. */
  models: readonly string[];
  modelMap: Readonly<Record<string, string>>;
}

/** What the admin routes need of the channels' shared health (features/channels/channel-health.ts). */
export interface ChannelHealthReader {
  views(channels: readonly RuntimeChannel[]): Promise<Map<string, ChannelHealthView>>;
  /** Probes the channel now; the result counts towards its health. */
  probe(channel: RuntimeChannel): Promise<ChannelProbeResult>;
  /** Clears a cool-down (staff enabled the channel again). */
  reset(channel: RuntimeChannel): Promise<void>;
}

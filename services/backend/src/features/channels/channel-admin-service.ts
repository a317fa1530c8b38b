import type { ChannelKind } from '../../contract/admin-api.js';
import { hostOf, isHostAllowed } from '../../infra/allowed-hosts.js';
import type { Config } from '../../infra/config.js';
import { BadRequestError, HttpError, NotFoundError } from '../../infra/errors.js';
import type { InvalidationBus } from '../../infra/invalidation.js';
import type { Logger } from '../../infra/logger.js';
import { type Actor, GATEWAY_ACTOR } from '../../domain/staff-roles.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import type { ChannelSealer } from './channel-crypto.js';
import { type ChannelDirectory, runtimeOf } from './channel-directory.js';
import { type ChannelFields, type ChannelRow, type ChannelStore, isNameTaken } from './channel-store.js';
import type { ChannelHealthReader } from './channel-types.js';

/** A channel in the admin API's path: a Postgres id, or the key of a channel from the environment. */
export type ChannelRef = number | `env:${string}`;

/** A channel as staff describe it; `api_key` in the clear, sealed here. */
export interface ChannelInput {
  name: string;
  kind: ChannelKind;
  base_url: string;
  api_key: string | null;
  api_version: string | null;
  priority: number;
  weight: number;
  models: string[];
  model_map: Record<string, string>;
  enabled: boolean;
  notes: string;
}

/** A change: `api_key` undefined keeps the key, null removes it. */
export type ChannelChange = Partial<ChannelInput>;

const notFound = () => new NotFoundError('No such channel.', 'channel_not_found');
const nameTaken = (name: string) => new HttpError(409, `A channel named ${name} exists.`, 'invalid_request_error', 'channel_name_taken', {}, 'name');
const envReadOnly = (name: string) =>
  new HttpError(
    409,
    `The channel ${name} comes from the environment (UPSTREAM_BASE_URL / UPSTREAM_CHANNELS): change it there and restart, or add a channel here instead.`,
    'invalid_request_error',
    'channel_managed_by_env',
  );
const keyRequired = () =>
  new BadRequestError(
    "Changing base_url or kind sends the channel's key to a new destination: send api_key again with the change (or null to remove the key).",
    'channel_key_required',
    'api_key',
  );
/** Refused before it is written, so nothing ends in the audit log. */
class Unchanged extends Error {}

/** The last four characters tell keys apart; a short key shows none of itself. */
export const keyHint = (key: string) => (key.length >= 12 ? `…${key.slice(-4)}` : '…');

/** Azure needs its api-version; an OpenAI-compatible channel has none. */
function checkKind(kind: ChannelKind, apiVersion: string | null): void {
  if (kind === 'azure' && !apiVersion) throw new BadRequestError('An azure channel needs api_version (e.g. 2024-10-21).', 'invalid_request', 'api_version');
  if (kind === 'openai' && apiVersion) throw new BadRequestError('api_version applies to azure channels only.', 'invalid_request', 'api_version');
}

interface Deps {
  store: Pick<ChannelStore, 'create' | 'lock' | 'update' | 'delete'>;
  /** CHANNEL_ALLOWED_HOSTS; undefined: any host. */
  allowedHosts: Config['channels']['allowedHosts'];
  sealer: Pick<ChannelSealer, 'seal'>;
  directory: Pick<ChannelDirectory, 'environment' | 'envChannel'>;
  change: AuditedChange;
  bus: Pick<InvalidationBus, 'publish'>;
  /** Enabling a channel clears its cool-down too. */
  health: Pick<ChannelHealthReader, 'reset'>;
  logger: Logger;
}

/**
 * Staff's changes to channels (and the gateway's own: disabling a channel whose key the
 * upstream refuses), each audited in its transaction without the key (its hint only); once
 * committed, every worker of every replica reloads its channels.
 */
export function createChannelAdminService({ store, allowedHosts, sealer, directory, change, bus, health, logger }: Deps) {
  async function announce(id: number): Promise<void> {
    // Committed already: a lost message is healed by the directory's next reload, not worth failing the answer.
    await bus.publish('channel', String(id)).catch((err) => logger.warn({ err: (err as Error).message }, 'could not announce a channel change'));
  }

  function dbId(ref: ChannelRef): number {
    if (typeof ref === 'number') return ref;
    throw envReadOnly(directory.envChannel(ref)?.name ?? ref);
  }

  function checkName(name: string): void {
    if (directory.environment().some((c) => c.name === name)) throw nameTaken(name);
  }

  function checkHost(baseUrl: string): void {
    if (isHostAllowed(allowedHosts, baseUrl)) return;
    throw new BadRequestError(`The host ${hostOf(baseUrl)} is not in the gateway's CHANNEL_ALLOWED_HOSTS.`, 'channel_host_not_allowed', 'base_url');
  }

  const sealedKey = (key: string | null) =>
    key === null ? { api_key_sealed: null, api_key_hint: null } : { api_key_sealed: sealer.seal(key), api_key_hint: keyHint(key) };

  const service = {
    async create(actor: Actor, input: ChannelInput): Promise<ChannelRow> {
      checkKind(input.kind, input.api_version);
      checkName(input.name);
      checkHost(input.base_url);
      const { api_key, ...fields } = input;
      const created = await change(actor, async (tx) => {
        const row = await store.create(tx, { ...fields, ...sealedKey(api_key), disabled_reason: null });
        if (!row) throw nameTaken(input.name);
        return { entry: { action: 'channel.create', targetType: 'channel', targetId: row.id, after: row }, result: row };
      });
      await announce(created.id);
      return created;
    },

    async update(actor: Actor, ref: ChannelRef, input: ChannelChange): Promise<ChannelRow> {
      const id = dbId(ref);
      if (input.name !== undefined) checkName(input.name);
      if (input.base_url !== undefined) checkHost(input.base_url);
      const { api_key, ...rest } = input;
      const fields: Partial<ChannelFields> = { ...rest, ...(api_key === undefined ? {} : sealedKey(api_key)) };
      // Staff turning a channel on or off: the gateway's reason for disabling it no longer holds.
      if (input.enabled !== undefined) fields.disabled_reason = null;
      const updated = await change(actor, async (tx) => {
        const before = await store.lock(tx, id);
        if (!before) throw notFound();
        // The sealed key must not follow the channel to another host or protocol unless staff send it again.
        const moves = (input.base_url !== undefined && input.base_url !== before.base_url) || (input.kind !== undefined && input.kind !== before.kind);
        if (moves && api_key === undefined) throw keyRequired();
        const kind = input.kind ?? before.kind;
        // Back to OpenAI-compatible: the Azure api-version goes unless one is sent.
        if (kind === 'openai' && input.api_version === undefined) fields.api_version = null;
        checkKind(kind, fields.api_version === undefined ? before.api_version : fields.api_version);
        const after = await store.update(tx, id, fields).catch((err) => {
          throw isNameTaken(err) ? nameTaken(input.name ?? before.name) : err;
        });
        const entry = {
          action: 'channel.update',
          targetType: 'channel',
          targetId: id,
          before,
          after: { ...after, ...(api_key === undefined ? {} : { api_key_changed: true }) },
        };
        return { entry, result: after! };
      });
      await announce(id);
      if (input.enabled === true) {
        await health
          .reset(runtimeOf(updated, undefined))
          .catch((err) => logger.warn({ err: (err as Error).message }, 'could not reset the health of a channel'));
      }
      return updated;
    },

    enable(actor: Actor, ref: ChannelRef): Promise<ChannelRow> {
      return service.update(actor, ref, { enabled: true });
    },

    /** Requests already served keep the channel's name in their usage records. */
    async delete(actor: Actor, ref: ChannelRef): Promise<void> {
      const id = dbId(ref);
      await change(actor, async (tx) => {
        const before = await store.lock(tx, id);
        if (!before) throw notFound();
        await store.delete(tx, id);
        return { entry: { action: 'channel.delete', targetType: 'channel', targetId: id, before }, result: undefined };
      });
      await announce(id);
    },

    /**
     * The upstream refused the channel's key, its probe confirming it: the gateway turns it off, audited as
     * the "gateway", until staff enable it again. Undefined when it was not enabled (another
     * worker was first).
     */
    async disableByGateway(id: number, reason: string): Promise<ChannelRow | undefined> {
      let disabled: ChannelRow | undefined;
      try {
        disabled = await change(GATEWAY_ACTOR, async (tx) => {
          const before = await store.lock(tx, id);
          if (!before?.enabled) throw new Unchanged();
          const after = (await store.update(tx, id, { enabled: false, disabled_reason: reason.slice(0, 500) }))!;
          const entry = {
            action: 'channel.disable',
            targetType: 'channel',
            targetId: id,
            before: { enabled: true },
            after: { enabled: false, disabled_reason: after.disabled_reason },
          };
          return { entry, result: after };
        });
      } catch (err) {
        if (err instanceof Unchanged) return undefined;
        throw err;
      }
      await announce(id);
      return disabled;
    },
  };
  return service;
}

export type ChannelAdminService = ReturnType<typeof createChannelAdminService>;

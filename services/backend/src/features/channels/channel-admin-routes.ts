import type { Router } from 'express';
import { z } from 'zod';
import type { ChannelHealthView, ChannelView } from '../../contract/admin-api.js';
import { BadRequestError, HttpError, NotFoundError } from '../../infra/errors.js';
import { createRouter, route } from '../../infra/routes.js';
import { PG_INTEGER_MAX, text } from '../../infra/validation.js';
import { actorOf, requires } from '../../infra/staff-access.js';
import type { ModelCatalogue } from '../models/model-catalogue.js';
import type { ChannelAdminService, ChannelRef } from './channel-admin-service.js';
import { SealedValueError } from './channel-crypto.js';
import { channelChange, newChannel } from './channel-schemas.js';
import { type ChannelDirectory, runtimeOf } from './channel-directory.js';
import { type BaseView, envView, rowView } from './channel-views.js';
import type { ChannelRow, ChannelStore } from './channel-store.js';
import type { ChannelHealthReader, RuntimeChannel } from './channel-types.js';

/** `:ref` is a Postgres id (`12` or `db:12`) or an environment channel's key (`env:<16 hex>`). */
function refParam(value: unknown): ChannelRef {
  const text = typeof value === 'string' ? value : '';
  const id = /^(?:db:)?([1-9][0-9]{0,9})$/.exec(text)?.[1];
  if (id && Number(id) <= PG_INTEGER_MAX) return Number(id);
  if (/^env:[0-9a-f]{16}$/.test(text)) return text as ChannelRef;
  throw new BadRequestError('Invalid channel: an id, or a key such as db:12 or env:0123456789abcdef.', 'invalid_id');
}

const notFound = () => new NotFoundError('No such channel.', 'channel_not_found');

/** When Redis does not answer, the list still shows the channels. */
const UNKNOWN_HEALTH: ChannelHealthView = {
  state: 'closed',
  open_until: null,
  reason: 'health unknown: Redis did not answer',
  recent: { requests: 0, errors: 0, error_rate: 0, avg_latency_ms: null },
  last_probe: null,
};

interface Deps {
  channels: Pick<ChannelStore, 'list' | 'get'>;
  directory: Pick<ChannelDirectory, 'environment' | 'envChannel' | 'stored'>;
  health: ChannelHealthReader;
  service: ChannelAdminService;
  /** Which of a channel's models nobody prices (a warning on the channel). */
  catalogue: Pick<ModelCatalogue, 'unpriced'>;
}

/** /api/admin/channels: the upstream channels, their health, and staff's changes to them. */
export function createChannelAdminRoutes({ channels, directory, health, service, catalogue }: Deps): Router {
  const router = createRouter();
  const manage = requires('channels.manage');
  const read = requires('channels.read');
  const refParams = z.object({ ref: text().max(100) });

  /** Views with each channel's health (by its key) and the models it serves unpriced, highest priority first. */
  async function views(entries: Array<{ view: BaseView; runtime: RuntimeChannel }>): Promise<ChannelView[]> {
    const states = await health.views(entries.map((e) => e.runtime)).catch(() => new Map<string, ChannelHealthView>());
    const unpriced = await Promise.all(entries.map((e) => catalogue.unpriced(e.view.models)));
    return entries
      .map(({ view, runtime }, i) => ({ ...view, unpriced_models: unpriced[i]!, health: states.get(runtime.key) ?? UNKNOWN_HEALTH }))
      .sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
  }
  const ofRow = (row: ChannelRow) => ({ view: rowView(row), runtime: runtimeOf(row, undefined) });
  const ofEnv = (c: RuntimeChannel) => ({ view: envView(c), runtime: c });

  /** The channel a path names: 404 for an environment key that names none. */
  function knownRef(param: string): ChannelRef {
    const ref = refParam(param);
    if (typeof ref === 'string' && !directory.envChannel(ref)) throw notFound();
    return ref;
  }

  async function one(ref: ChannelRef): Promise<ChannelView> {
    const env = typeof ref === 'string' ? directory.envChannel(ref) : undefined;
    const row = typeof ref === 'number' ? await channels.get(ref) : undefined;
    if (!env && !row) throw notFound();
    return (await views([env ? ofEnv(env) : ofRow(row!)]))[0]!;
  }

  route(router, 'get', '/channels', { access: read, summary: 'Every upstream channel with its health (never its key)' }, async (_in, res) => {
    res.json(await views([...directory.environment().map(ofEnv), ...(await channels.list()).map(ofRow)]));
  });

  route(router, 'get', '/channels/:ref', { access: read, summary: 'A channel with its health', params: refParams }, async ({ params }, res) => {
    res.json(await one(refParam(params.ref)));
  });

  route(router, 'post', '/channels', { access: manage, summary: 'Add a channel (its key is sealed)', body: newChannel, status: 201 }, async ({ body }, res) => {
    const row = await service.create(actorOf(res), body);
    res.status(201).json((await views([ofRow(row)]))[0]);
  });

  route(
    router,
    'patch',
    '/channels/:ref',
    { access: manage, summary: 'Change a channel', params: refParams, body: channelChange },
    async ({ params, body }, res) => {
      const row = await service.update(actorOf(res), knownRef(params.ref), body);
      res.json((await views([ofRow(row)]))[0]);
    },
  );

  route(
    router,
    'delete',
    '/channels/:ref',
    { access: manage, summary: 'Remove a channel', params: refParams, status: 204, produces: 'none' },
    async ({ params }, res) => {
      await service.delete(actorOf(res), knownRef(params.ref));
      res.status(204).end();
    },
  );

  route(
    router,
    'post',
    '/channels/:ref/probe',
    { access: requires('channels.probe'), summary: 'Probe a channel now (GET /models with its key)', params: refParams },
    async ({ params }, res) => {
      const ref = refParam(params.ref);
      let channel: RuntimeChannel | undefined;
      try {
        channel = typeof ref === 'string' ? directory.envChannel(ref) : await directory.stored(ref);
      } catch (err) {
        if (!(err instanceof SealedValueError)) throw err;
        throw new HttpError(
          409,
          'This channel’s key cannot be opened with the gateway’s CHANNEL_ENCRYPTION_KEY: set the key again.',
          'invalid_request_error',
          'channel_key_unreadable',
        );
      }
      if (!channel) throw notFound();
      res.json(await health.probe(channel));
    },
  );

  return router;
}

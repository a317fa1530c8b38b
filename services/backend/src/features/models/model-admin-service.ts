import { HttpError, NotFoundError } from '../../infra/errors.js';
import type { InvalidationBus } from '../../infra/invalidation.js';
import type { Logger } from '../../infra/logger.js';
import type { Actor } from '../../domain/staff-roles.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import type { ModelChange, ModelRow, ModelStore, NewModel } from './model-store.js';

const notFound = () => new NotFoundError('No such model in the catalogue.', 'model_not_found');

interface Deps {
  models: Pick<ModelStore, 'create' | 'lock' | 'update' | 'delete'>;
  change: AuditedChange;
  bus: Pick<InvalidationBus, 'publish'>;
  logger: Logger;
}

/**
 * Staff's changes to the model catalogue, each audited in its transaction; once committed,
 * every worker of every replica reloads its catalogue (a new price applies to requests
 * served from then on).
 */
export function createModelAdminService({ models, change, bus, logger }: Deps) {
  async function announce(name: string): Promise<void> {
    // The change is committed: a lost message is healed by the next resync, not worth failing the answer.
    await bus.publish('model', name).catch((err) => logger.warn({ err: (err as Error).message }, 'could not announce a model catalogue change'));
  }

  return {
    async create(actor: Actor, input: NewModel): Promise<ModelRow> {
      const created = await change(actor, async (tx) => {
        const row = await models.create(tx, input);
        if (!row) throw new HttpError(409, `The catalogue already has a model named ${input.name}.`, 'invalid_request_error', 'model_exists');
        return { entry: { action: 'model.create', targetType: 'model', targetId: row.name, after: row }, result: row };
      });
      await announce(created.name);
      return created;
    },

    async update(actor: Actor, name: string, fields: ModelChange): Promise<ModelRow> {
      const updated = await change(actor, async (tx) => {
        const before = await models.lock(tx, name);
        if (!before) throw notFound();
        const after = (await models.update(tx, name, fields))!;
        return { entry: { action: 'model.update', targetType: 'model', targetId: name, before, after }, result: after };
      });
      await announce(name);
      return updated;
    },

    /** Requests already served keep the cost they were charged. */
    async delete(actor: Actor, name: string): Promise<void> {
      await change(actor, async (tx) => {
        const before = await models.lock(tx, name);
        if (!before) throw notFound();
        await models.delete(tx, name);
        return { entry: { action: 'model.delete', targetType: 'model', targetId: name, before }, result: undefined };
      });
      await announce(name);
    },
  };
}

export type ModelAdminService = ReturnType<typeof createModelAdminService>;

import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context.ts';
import { readRows } from '../db/read-rows.ts';
import { defineLoader, indexByKeys, type MaybePromise } from '../loaders.ts';
import { Consumer } from './consumer.entity.ts';

const consumersById = defineLoader(
  'consumerById',
  async (ids: readonly string[], em: EntityManager) =>
    indexByKeys(ids, await readRows(em, Consumer, { id: ids }), (c) => c.id),
);

/**
 * Loads consumers by id, one query per batch, as plain rows (readRows): only fields read them.
 * The consumer itself, not a promise, once a batch brought it.
 */
export function loadConsumer(ctx: RequestContext, id: string): MaybePromise<Consumer | null> {
  return ctx.loaders.now(consumersById, id);
}

/** Loads these consumers in one batch (those already loaded cost nothing). */
export function loadConsumers(ctx: RequestContext, ids: Iterable<string>) {
  return ctx.loaders.get(consumersById).loadMany([...ids]);
}

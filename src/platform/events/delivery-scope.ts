import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context.ts';
import { Loaders } from '../loaders.ts';
import type { OrderEvent } from '../orders/order.types.ts';

/** The EntityManager and loaders the deliveries of events read together share. */
interface Scope {
  em: EntityManager;
  loaders: Loaders;
}

const batchOf = new WeakMap<OrderEvent, object>();
const scopes = new WeakMap<object, Scope>();

/** Marks events read from the table in one statement (a hub read, a replay page). */
export function readTogether(events: OrderEvent[]): void {
  for (const event of events) batchOf.set(event, events);
}

/**
 * Points a subscription's context, for one event, at the EntityManager and loaders of that
 * event's read: every subscriber of a read shares them, so what the events' fields load (the
 * order, its kind's rows, the actor) is read once for all subscribers, not once each. Loaders
 * are keyed by id, never by caller: what each subscriber may see is still decided by the field
 * resolvers from its own `viewer`. Everything read is read after every event of the read
 * committed, so it is never older than the event it is delivered with; the next read gets a new
 * scope, so nothing is served stale for long and no cache grows without end.
 */
export function enterDeliveryScope(ctx: RequestContext, event: OrderEvent): void {
  const key = batchOf.get(event) ?? event;
  let scope = scopes.get(key);
  if (!scope) {
    const em = ctx.em.fork();
    scope = { em, loaders: new Loaders(em) };
    scopes.set(key, scope);
  }
  ctx.em = scope.em;
  ctx.loaders = scope.loaders;
}

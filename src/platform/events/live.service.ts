import type { RequestContext } from '../../context.ts';
import { isStaff, requireViewer } from '../auth/roles.ts';
import { badInput, forbidden, graphQLError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { Loaders } from '../loaders.ts';
import { Order, OrderKind } from '../orders/order.entity.ts';
import type { OrderEvent } from '../orders/order.types.ts';
import type { LiveContext } from './live.context.ts';
import { parseEventCursor } from './order-event.mapping.ts';
import type { EventFilter } from './order-event.store.ts';

export interface OrderStatusChangedArgs {
  orderId?: string | null;
  kinds?: OrderKind[] | null;
  after?: string | null;
}

/**
 * Live order events for graphql-ws clients (README, Live order status). Decides who sees what; the
 * process's OrderEventHub does the delivery.
 */
export class LiveEventService {
  /**
   * Starts `orderStatusChanged` for the caller: a consumer gets their own orders' events,
   * OPERATOR and ADMIN everyone's. Fails before anything is sent: BAD_USER_INPUT for a
   * malformed cursor, order id or empty `kinds`, or an order that does not exist; FORBIDDEN
   * for another consumer's order; SERVICE_UNAVAILABLE while the server shuts down.
   * Returns the events as graphql-ws pulls them, replayed from `after` first when given.
   */
  async subscribe(
    ctx: LiveContext,
    args: OrderStatusChangedArgs,
  ): Promise<AsyncIterableIterator<OrderEvent>> {
    const viewer = requireViewer(ctx);
    if (!ctx.live) throw badInput(OVER_WS_ONLY);
    const after = args.after ?? null;
    if (after !== null && !parseEventCursor(after)) {
      throw badInput('after is not a cursor this service handed out.', { field: 'after' });
    }
    const kinds = args.kinds ?? null;
    if (kinds !== null && kinds.length === 0) {
      throw badInput('kinds must name at least one kind, or be left out.', { field: 'kinds' });
    }
    const orderId = args.orderId ?? null;
    if (orderId !== null) {
      const order = isUuid(orderId) ? await ctx.em.findOne(Order, orderId) : null;
      if (!order) throw badInput('No such order.', { field: 'orderId' });
      if (!isStaff(viewer) && order.consumer.id !== viewer.id) {
        throw forbidden('This order belongs to another consumer.');
      }
    }
    const filter: EventFilter = {
      consumerId: isStaff(viewer) ? null : viewer.id,
      orderId,
      kinds: kinds && [...new Set(kinds)],
    };
    try {
      return ctx.live.hub.subscribe(filter, after, ctx.live.connection);
    } catch {
      throw graphQLError('SERVICE_UNAVAILABLE', 'The server is shutting down; reconnect.');
    }
  }

  /**
   * Called for each event before its fields resolve. A subscription lives for hours on one
   * context: its identity map and loaders are renewed every SCOPE_EVENTS events or SCOPE_MS,
   * so it neither serves stale rows for long nor grows a cache without end, while a burst of
   * events by the same actor still costs one query.
   */
  prepareDelivery(ctx: RequestContext, event: OrderEvent | undefined): OrderEvent {
    // Over HTTP the operation is executed, not subscribed: there is no event.
    if (!event) throw badInput(OVER_WS_ONLY);
    const now = Date.now();
    const scope = scopes.get(ctx);
    if (!scope || scope.events >= SCOPE_EVENTS || now - scope.since > SCOPE_MS) {
      ctx.em.clear();
      ctx.loaders = new Loaders(ctx.em);
      scopes.set(ctx, { events: 1, since: now });
    } else {
      scope.events++;
    }
    return event;
  }
}

const OVER_WS_ONLY =
  'Subscriptions are served over graphql-ws (graphql-transport-ws) on /graphql, not over HTTP.';
const SCOPE_EVENTS = 100;
const SCOPE_MS = 2000;
const scopes = new WeakMap<RequestContext, { events: number; since: number }>();

export const liveEvents = new LiveEventService();

import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { RequestContext } from '../../context.ts';
import { isStaff, requireOwnerOrStaff, requireViewer } from '../auth/roles.ts';
import { badInput, graphQLError } from '../errors.ts';
import { operationCost } from '../graphql/query-limits.ts';
import { isUuid } from '../ids.ts';
import { Order, OrderKind } from '../orders/order.entity.ts';
import type { OrderEvent } from '../orders/order.types.ts';
import { enterDeliveryScope } from './delivery-scope.ts';
import type { LiveContext } from './live.context.ts';
import { parseEventCursor } from './order-event.mapping.ts';
import type { EventFilter } from './order-event.store.ts';

export interface OrderStatusChangedArgs {
  orderId?: string | null;
  kinds?: OrderKind[] | null;
  after?: string | null;
}

/**
 * Live order events for graphql-ws clients (docs/live-status.md). Decides who sees what; the
 * process's OrderEventHub does the delivery.
 */
export class LiveEventService {
  /**
   * Starts `orderStatusChanged` for the caller: a consumer gets their own orders' events,
   * OPERATOR and ADMIN everyone's. Fails before anything is sent: BAD_USER_INPUT for a
   * malformed cursor, order id or empty `kinds`, or an order that does not exist; FORBIDDEN
   * for another consumer's order; RATE_LIMITED when the socket or the caller has no room for
   * one more (./live-quotas.ts: `info` gives the cost of the selection); SERVICE_UNAVAILABLE
   * while the server shuts down.
   * Returns the events as graphql-ws pulls them, replayed from `after` first when given.
   */
  async subscribe(
    ctx: LiveContext,
    args: OrderStatusChangedArgs,
    info: GraphQLResolveInfo,
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
      requireOwnerOrStaff(viewer, order.consumer.id, 'order');
    }
    const filter: EventFilter = {
      consumerId: isStaff(viewer) ? null : viewer.id,
      orderId,
      kinds: kinds && [...new Set(kinds)],
    };
    const cost = operationCost(
      info.schema,
      info.operation,
      new Map(Object.entries(info.fragments)),
      info.variableValues,
    );
    const claim = { owner: viewer.id, connection: ctx.live.connection, cost };
    try {
      return ctx.live.hub.subscribe(filter, after, claim);
    } catch (err) {
      if (err instanceof GraphQLError) throw err;
      throw graphQLError('SERVICE_UNAVAILABLE', 'The server is shutting down; reconnect.');
    }
  }

  /** Called for each event before its fields resolve: see `enterDeliveryScope`. */
  prepareDelivery(ctx: RequestContext, event: OrderEvent | undefined): OrderEvent {
    // Over HTTP the operation is executed, not subscribed: there is no event.
    if (!event) throw badInput(OVER_WS_ONLY);
    enterDeliveryScope(ctx, event);
    return event;
  }
}

const OVER_WS_ONLY =
  'Subscriptions are served over graphql-ws (graphql-transport-ws) on /graphql, not over HTTP.';

export const liveEvents = new LiveEventService();

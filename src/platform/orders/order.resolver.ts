import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Consumer } from '../accounts/consumer.entity';
import { LoggedIn, Staff } from '../auth/roles';
import { loadEventsOfOrders } from '../events/order-event.mapping';
import { readRows } from '../db/read-rows';
import { indexByKeys } from '../loaders';
import { Order, OrderKind, OrderStatus } from './order.entity';
import { PayType } from './order-kinds';
import { orders, type OrderPage } from './order.service';
import {
  DeletePayload,
  OrderConnection,
  OrderEvent,
  OrderInterface,
  OrderPayload,
  PaymentPayload,
} from './order.types';

export function toConnection(page: OrderPage): OrderConnection {
  return Object.assign(new OrderConnection(), {
    edges: page.edges,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    countTotal: page.countTotal,
  });
}

/** Loads consumers by id, one query per batch, as plain rows (readRows): only fields read them. */
export function loadConsumer(ctx: RequestContext, id: string): Promise<Consumer | null> {
  return ctx.loaders
    .get<string, Consumer | null>('consumerById', async (ids, em) =>
      indexByKeys(ids, await readRows(em, Consumer, { id: ids }), (c) => c.id),
    )
    .load(id);
}

@Resolver(() => OrderInterface)
export class OrderResolver {
  @LoggedIn()
  @Query(() => OrderInterface, {
    nullable: true,
    description: 'One order of any kind: its owner, OPERATOR or ADMIN.',
  })
  order(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Order | null> {
    return orders.findVisible(ctx, id);
  }

  @LoggedIn()
  @Query(() => OrderConnection, {
    description:
      "The caller's orders; OPERATOR and ADMIN see everyone's and may filter by consumerId. Most recently updated first.",
  })
  async orders(
    @Arg('consumerId', () => ID, { nullable: true }) consumerId: string | null,
    @Arg('kind', () => OrderKind, { nullable: true }) kind: OrderKind | null,
    @Arg('status', () => OrderStatus, { nullable: true }) status: OrderStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<OrderConnection> {
    return toConnection(await orders.list(ctx, { consumerId, kind, status, first, after }));
  }

  @LoggedIn()
  @Mutation(() => PaymentPayload, {
    description:
      "Pay a PENDING_PAYMENT order of kind SHOP, PLAN, DRIVER or SALE from the consumer's bank account. Idempotent per key.",
  })
  payOrder(
    @Arg('orderId', () => ID) orderId: string,
    @Arg('payType', () => PayType) payType: PayType,
    @Arg('idempotencyKey', () => String) idempotencyKey: string,
    @Ctx() ctx: RequestContext,
  ): Promise<PaymentPayload> {
    return orders.pay(ctx, orderId, payType, idempotencyKey);
  }

  @LoggedIn()
  @Mutation(() => OrderPayload, {
    description:
      'Cancel an order that is not yet paid (reserved stock comes back), or a paid chip order whose production has not started (refunded).',
  })
  cancelOrder(
    @Arg('orderId', () => ID) orderId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<OrderPayload> {
    return orders.cancel(ctx, orderId);
  }

  @LoggedIn()
  @Mutation(() => DeletePayload, {
    description: "Hide a cancelled, completed or expired order from its owner's lists (seed 002).",
  })
  deleteOrder(
    @Arg('orderId', () => ID) orderId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<DeletePayload> {
    return orders.delete(ctx, orderId);
  }

  @Staff()
  @Mutation(() => OrderPayload, {
    description:
      'OPERATOR or ADMIN: move an order along an allowed transition (seed 001 updateOrderState).',
  })
  updateOrderState(
    @Arg('orderId', () => ID) orderId: string,
    @Arg('status', () => OrderStatus) status: OrderStatus,
    @Ctx() ctx: RequestContext,
  ): Promise<OrderPayload> {
    return orders.updateState(ctx, orderId, status);
  }

  @FieldResolver(() => Consumer)
  async consumer(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<Consumer> {
    return (await loadConsumer(ctx, order.consumer.id))!;
  }

  @FieldResolver(() => [OrderEvent])
  events(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<OrderEvent[]> {
    return ctx.loaders.get('eventsByOrder', loadEventsOfOrders).load(order.id);
  }
}

/** totalCount costs a count of every matching order, so it is counted only when asked for. */
@Resolver(() => OrderConnection)
export class OrderConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() connection: OrderConnection): Promise<number> {
    return connection.countTotal();
  }
}

@Resolver(() => OrderEvent)
export class OrderEventResolver {
  @FieldResolver(() => Consumer, { nullable: true })
  actor(@Root() event: OrderEvent, @Ctx() ctx: RequestContext): Promise<Consumer | null> | null {
    return event.actorId ? loadConsumer(ctx, event.actorId) : null;
  }
}

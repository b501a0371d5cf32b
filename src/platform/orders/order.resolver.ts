import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { RequestContext } from '../../context.ts';
import { Consumer } from '../accounts/consumer.entity.ts';
import { loadConsumer } from '../accounts/consumer.loader.ts';
import { LoggedIn, Staff } from '../auth/roles.ts';
import { eventsByOrder } from '../events/order-event.mapping.ts';
import { andThen, type MaybePromise } from '../loaders.ts';
import { Order, OrderKind, OrderStatus } from './order.entity.ts';
import { PayType } from './order-kinds.ts';
import { OrderAction } from './order-state.ts';
import { orders, type OrderPage } from './order.service.ts';
import { prefetchOrderFields } from './order-prefetch.ts';
import {
  DeletePayload,
  OrderConnection,
  OrderEvent,
  OrderInterface,
  OrderPayload,
  PaymentPayload,
} from './order.types.ts';

export function toConnection(page: OrderPage): OrderConnection {
  return Object.assign(new OrderConnection(), {
    edges: page.edges,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    countTotal: page.countTotal,
  });
}

@Resolver(() => OrderInterface)
export class OrderResolver {
  @LoggedIn()
  @Query(() => OrderInterface, {
    nullable: true,
    description: 'One order of any kind: its owner, OPERATOR or ADMIN.',
  })
  async order(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Order | null> {
    const order = await orders.findVisible(ctx, id);
    if (order) await prefetchOrderFields(ctx, [order], info, []);
    return order;
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
    @Info() info: GraphQLResolveInfo,
  ): Promise<OrderConnection> {
    const page = await orders.list(ctx, { consumerId, kind, status, first, after });
    const nodes = page.edges.map((e) => e.node);
    await prefetchOrderFields(ctx, nodes, info, ['edges', 'node']);
    return toConnection(page);
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
    description:
      "The owner hides a finished order from their lists; staff still see it. Which statuses are finished is the kind's lifecycle: `Order.actions` holds DELETE when the order may be deleted.",
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
      'OPERATOR or ADMIN: move an order along a transition its kind allows by hand (offline payment, cancellation, expiry after stopAt, shop delivery).',
  })
  updateOrderState(
    @Arg('orderId', () => ID) orderId: string,
    @Arg('status', () => OrderStatus) status: OrderStatus,
    @Ctx() ctx: RequestContext,
  ): Promise<OrderPayload> {
    return orders.updateState(ctx, orderId, status);
  }

  @FieldResolver(() => Consumer)
  consumer(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<Consumer> {
    return andThen(loadConsumer(ctx, order.consumer.id), (c) => c!);
  }

  @FieldResolver(() => [OrderAction])
  actions(@Root() order: Order): OrderAction[] {
    return orders.actionsOf(order);
  }

  @FieldResolver(() => [OrderEvent])
  events(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<OrderEvent[]> {
    return ctx.loaders.now(eventsByOrder, order.id);
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

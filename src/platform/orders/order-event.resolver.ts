import type { GraphQLResolveInfo } from 'graphql';
import { Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context.ts';
import { Consumer } from '../accounts/consumer.entity.ts';
import { loadConsumer } from '../accounts/consumer.loader.ts';
import type { MaybePromise } from '../loaders.ts';
import type { Order } from './order.entity.ts';
import { prefetchOrderFields } from './order-prefetch.ts';
import { orders } from './order.service.ts';
import { OrderEvent, OrderInterface } from './order.types.ts';

@Resolver(() => OrderEvent)
export class OrderEventResolver {
  @FieldResolver(() => Consumer, { nullable: true })
  actor(@Root() event: OrderEvent, @Ctx() ctx: RequestContext): MaybePromise<Consumer | null> {
    return event.actorId ? loadConsumer(ctx, event.actorId) : null;
  }

  @FieldResolver(() => OrderInterface, {
    nullable: true,
    description:
      "The order the event is about, as it is when the event is delivered (so possibly already past this event): with `__typename` and `id`, a client's normalized cache updates the order by itself. Null when the caller may no longer see it (a consumer's deleted order).",
  })
  async order(
    @Root() event: OrderEvent,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Order | null> {
    const order = await orders.ofEvent(ctx, event.orderId);
    if (order) await prefetchOrderFields(ctx, [order], info, []);
    return order;
  }
}

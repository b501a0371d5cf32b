import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../../context.ts';
import { LoggedIn } from '../auth/roles.ts';
import { OrderKind } from '../orders/order.entity.ts';
import { OrderEvent } from '../orders/order.types.ts';
import type { LiveContext } from './live.context.ts';
import { liveEvents, type OrderStatusChangedArgs } from './live.service.ts';

@Resolver()
export class OrderStatusResolver {
  @LoggedIn()
  @Subscription(() => OrderEvent, {
    description:
      "Events of the caller's orders (every order for OPERATOR and ADMIN), optionally narrowed to one order or some kinds. With `after`, the events after that cursor are replayed first and live ones follow: none lost, none twice, in cursor order.",
    subscribe: ({ args, context, info }) =>
      liveEvents.subscribe(context as LiveContext, args as OrderStatusChangedArgs, info),
  })
  orderStatusChanged(
    @Root() event: OrderEvent | undefined,
    @Ctx() ctx: RequestContext,
    // Declared for the schema; `subscribe` above reads them.
    @Arg('orderId', () => ID, { nullable: true }) _orderId?: string | null,
    @Arg('kinds', () => [OrderKind], { nullable: true }) _kinds?: OrderKind[] | null,
    @Arg('after', () => String, { nullable: true }) _after?: string | null,
  ): OrderEvent {
    return liveEvents.prepareDelivery(ctx, event);
  }
}

import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context.ts';
import { Staff } from '../auth/roles.ts';
import { OrderKind } from './order.entity.ts';
import { prefetchOrderFields } from './order-prefetch.ts';
import { orderQueue } from './order-queue.service.ts';
import { OrderQueueConnection } from './order-queue.types.ts';

@Resolver(() => OrderQueueConnection)
export class OrderQueueResolver {
  @Staff()
  @Query(() => OrderQueueConnection, {
    description:
      'OPERATOR or ADMIN: orders waiting for a manual step by staff (a paid shop order to deliver, a paid plan order to book an inspection for), longest waiting first.',
  })
  async ordersAwaitingAction(
    @Arg('kind', () => OrderKind, { nullable: true }) kind: OrderKind | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<OrderQueueConnection> {
    const queue = await orderQueue.awaitingAction(ctx, { kind, first, after });
    const nodes = queue.edges.map((e) => e.node);
    await prefetchOrderFields(ctx, nodes, info, ['edges', 'node']);
    return queue;
  }

  @FieldResolver(() => Int)
  totalCount(@Root() connection: OrderQueueConnection): Promise<number> {
    return connection.countTotal();
  }
}

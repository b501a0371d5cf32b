import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { AdminOnly, Anyone } from '../platform/auth/roles.ts';
import { ProductionClockType } from './chip.types.ts';
import { productionClock } from './production-clock.service.ts';

@Resolver(() => ProductionClockType)
export class ProductionClockResolver {
  @Anyone()
  @Query(() => ProductionClockType)
  productionClock(@Ctx() ctx: RequestContext): Promise<ProductionClockType> {
    return productionClock.read(ctx);
  }

  @AdminOnly()
  @Mutation(() => ProductionClockType, {
    description:
      'ADMIN: move the production clock forward; chip orders move to IN_PRODUCTION and COMPLETED as their schedule says.',
  })
  advanceProductionClock(
    @Arg('ticks', () => Int) ticks: number,
    @Ctx() ctx: RequestContext,
  ): Promise<ProductionClockType> {
    return productionClock.advance(ctx, ticks);
  }
}

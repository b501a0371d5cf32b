import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { insuranceLoaders } from './insurance.loaders.ts';
import { InsurancePlan, InsurancePlanItem } from './plan.entity.ts';

/** Field resolvers of a catalog plan, batched. */

@Resolver(() => InsurancePlan)
export class InsurancePlanResolver {
  @FieldResolver(() => [InsurancePlanItem])
  items(@Root() plan: InsurancePlan, @Ctx() ctx: RequestContext) {
    return insuranceLoaders(ctx).itemsOfPlan(plan.id);
  }
}

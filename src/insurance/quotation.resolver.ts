import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { andThen, type MaybePromise } from '../platform/loaders.ts';
import { insuranceLoaders } from './insurance.loaders.ts';
import { InsurancePlan, InsurancePlanItem, Quotation, QuotedItem } from './plan.entity.ts';
import { isValidAt } from './quotation.rules.ts';
import { Vehicle } from './vehicle.entity.ts';

/** Field resolvers of a quotation and its items, all batched (reached through the vehicle). */

@Resolver(() => Quotation)
export class QuotationResolver {
  @FieldResolver(() => Vehicle)
  vehicle(@Root() quotation: Quotation, @Ctx() ctx: RequestContext): MaybePromise<Vehicle> {
    return andThen(insuranceLoaders(ctx).vehicle(quotation.vehicleId), (v) => v!);
  }

  @FieldResolver(() => [QuotedItem])
  items(@Root() quotation: Quotation, @Ctx() ctx: RequestContext) {
    return insuranceLoaders(ctx).quotedItems(quotation.id);
  }

  @FieldResolver(() => Boolean, { description: 'Whether it can be ordered and paid for now.' })
  valid(@Root() quotation: Quotation): boolean {
    return isValidAt(quotation, new Date());
  }
}

@Resolver(() => QuotedItem)
export class QuotedItemResolver {
  @FieldResolver(() => InsurancePlanItem)
  planItem(@Root() quoted: QuotedItem, @Ctx() ctx: RequestContext) {
    return andThen(insuranceLoaders(ctx).planItem(quoted.planItemId), (p) => p!);
  }

  @FieldResolver(() => InsurancePlan)
  async plan(@Root() quoted: QuotedItem, @Ctx() ctx: RequestContext) {
    const loaders = insuranceLoaders(ctx);
    const item = (await loaders.planItem(quoted.planItemId))!;
    return (await loaders.plan(item.planId))!;
  }
}

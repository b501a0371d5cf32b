import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { AdminOnly } from '../platform/auth/roles.ts';
import {
  InsurancePlanItemPayload,
  InsurancePlanPayload,
  PromotionPayload,
} from './insurance-catalog.types.ts';
import {
  AddInsurancePlanItemInput,
  CreateInsurancePlanInput,
  CreatePromotionInput,
  UpdateInsurancePlanInput,
  UpdateInsurancePlanItemInput,
  UpdatePromotionInput,
} from './plan-catalog.input.ts';
import { planCatalogEditor } from './plan-catalog.service.ts';

/** ADMIN shapes what the insurer sells: plans, their items, promotions (docs/catalog.md). */
@Resolver()
export class PlanCatalogResolver {
  @AdminOnly()
  @Mutation(() => InsurancePlanPayload, { description: 'ADMIN: a new plan with its items.' })
  createInsurancePlan(
    @Arg('input', () => CreateInsurancePlanInput) input: CreateInsurancePlanInput,
    @Ctx() ctx: RequestContext,
  ): Promise<InsurancePlanPayload> {
    return planCatalogEditor.createPlan(ctx, input);
  }

  @AdminOnly()
  @Mutation(() => InsurancePlanPayload, { description: 'ADMIN: rename or move a plan.' })
  updateInsurancePlan(
    @Arg('input', () => UpdateInsurancePlanInput) input: UpdateInsurancePlanInput,
    @Ctx() ctx: RequestContext,
  ): Promise<InsurancePlanPayload> {
    return planCatalogEditor.updatePlan(ctx, input);
  }

  @AdminOnly()
  @Mutation(() => InsurancePlanItemPayload, { description: 'ADMIN: one more item of a plan.' })
  addInsurancePlanItem(
    @Arg('input', () => AddInsurancePlanItemInput) input: AddInsurancePlanItemInput,
    @Ctx() ctx: RequestContext,
  ): Promise<InsurancePlanItemPayload> {
    return planCatalogEditor.addItem(ctx, input);
  }

  @AdminOnly()
  @Mutation(() => InsurancePlanItemPayload, {
    description: 'ADMIN: rename an item or change its list price (quotations keep theirs).',
  })
  updateInsurancePlanItem(
    @Arg('input', () => UpdateInsurancePlanItemInput) input: UpdateInsurancePlanItemInput,
    @Ctx() ctx: RequestContext,
  ): Promise<InsurancePlanItemPayload> {
    return planCatalogEditor.updateItem(ctx, input);
  }

  @AdminOnly()
  @Mutation(() => PromotionPayload, { description: 'ADMIN: start a promotion.' })
  createPromotion(
    @Arg('input', () => CreatePromotionInput) input: CreatePromotionInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PromotionPayload> {
    return planCatalogEditor.createPromotion(ctx, input);
  }

  @AdminOnly()
  @Mutation(() => PromotionPayload, {
    description:
      'ADMIN: rename, reprice or end a promotion; unpaid plan orders using it get a PROMOTION_CHANGED event and must be placed again.',
  })
  updatePromotion(
    @Arg('input', () => UpdatePromotionInput) input: UpdatePromotionInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PromotionPayload> {
    return planCatalogEditor.updatePromotion(ctx, input);
  }
}

import { Field, Int, ObjectType } from 'type-graphql';
import { UserError } from '../platform/errors.ts';
import type { Order } from '../platform/orders/order.entity.ts';
import type { Decimal } from '../platform/money.ts';
import { OrderInterface } from '../platform/orders/order.types.ts';
import { DecimalScalar } from '../platform/scalars.ts';
import { ChipPlanAnalysis, ChipPlanKpi, LotSchedule } from './chip-plan.types.ts';

/**
 * A chip order. Its runtime value is the core Order entity; budget, expectedTime,
 * kpi and lots are resolved from the chip tables by ChipOrderResolver, batched per request.
 */
@ObjectType('ChipOrder', { implements: OrderInterface })
export class ChipOrderType extends OrderInterface {
  @Field(() => DecimalScalar)
  budget!: Decimal;

  @Field(() => Int)
  expectedTime!: number;

  @Field(() => ChipPlanKpi)
  kpi!: ChipPlanKpi;

  @Field(() => [LotSchedule])
  lots!: LotSchedule[];
}

@ObjectType('ChipOrderPayload')
export class ChipOrderPayload {
  @Field(() => ChipOrderType, { nullable: true })
  order?: Order | null;

  @Field(() => ChipPlanAnalysis, {
    nullable: true,
    description: 'The analysis the confirmation was judged on.',
  })
  analysis?: ChipPlanAnalysis | null;

  @Field(() => [UserError], {
    description: 'PLAN_INFEASIBLE, INSUFFICIENT_BALANCE, IDEMPOTENCY_KEY_REUSED.',
  })
  errors!: UserError[];
}

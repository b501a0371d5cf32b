import { Field, Float, ID, InputType } from 'type-graphql';
import type { Decimal } from '../platform/money.ts';
import { DateTimeScalar, DecimalScalar } from '../platform/scalars.ts';

@InputType()
export class PlanItemPriceInput {
  @Field(() => ID)
  planItemId!: string;

  @Field(() => DecimalScalar)
  price!: Decimal;
}

@InputType()
export class PlanSelectionInput {
  @Field(() => ID)
  planId!: string;

  @Field(() => [PlanItemPriceInput])
  items!: PlanItemPriceInput[];
}

@InputType({
  description:
    "summary must equal the sum of item prices; payment must equal summary * (1 + serviceRatio) - promotion price (only when promotionId is given), else PRICE_MISMATCH with the server's figures in the message.",
})
export class PlaceAnPlanOrderInput {
  @Field(() => ID)
  vehicleId!: string;

  @Field(() => [PlanSelectionInput])
  plans!: PlanSelectionInput[];

  @Field(() => ID)
  quotationId!: string;

  @Field(() => ID, { nullable: true })
  promotionId?: string | null;

  @Field(() => Float)
  serviceRatio!: number;

  @Field(() => DecimalScalar)
  summary!: Decimal;

  @Field(() => DecimalScalar)
  payment!: Decimal;

  @Field(() => DecimalScalar)
  vehicleValue!: Decimal;

  @Field(() => DateTimeScalar)
  expectAt!: Date;
}

@InputType()
export class PlaceAnDriverOrderInput {
  @Field(() => ID)
  vehicleId!: string;

  @Field(() => [ID])
  driverIds!: string[];

  @Field(() => DecimalScalar)
  summary!: Decimal;

  @Field(() => DecimalScalar)
  payment!: Decimal;
}

@InputType()
export class PlaceAnSaleOrderInput {
  @Field(() => ID)
  vehicleId!: string;

  @Field(() => ID)
  quotationId!: string;

  @Field(() => [PlanItemPriceInput])
  items!: PlanItemPriceInput[];

  @Field(() => DecimalScalar)
  summary!: Decimal;

  @Field(() => DecimalScalar)
  payment!: Decimal;
}

import { Field, ID, InputType, Int } from 'type-graphql';
import type { Decimal } from '../platform/money.ts';
import { DecimalScalar } from '../platform/scalars.ts';

@InputType()
export class NewPlanItemInput {
  @Field(() => String, { description: '1 to 100 characters, unique in the plan.' })
  name!: string;

  @Field(() => DecimalScalar, {
    description: 'List price, 0.00 or more; quotations set their own.',
  })
  price!: Decimal;
}

@InputType()
export class CreateInsurancePlanInput {
  @Field(() => String, { description: '1 to 100 characters, unique.' })
  name!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Listing position; after the others if left out.',
  })
  position?: number | null;

  @Field(() => [NewPlanItemInput], { description: '1 to 50 items.' })
  items!: NewPlanItemInput[];
}

/** Fields left out (or null) stay as they are. */
@InputType()
export class UpdateInsurancePlanInput {
  @Field(() => ID)
  planId!: string;

  @Field(() => Int)
  expectedVersion!: number;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => Int, { nullable: true })
  position?: number | null;
}

@InputType()
export class AddInsurancePlanItemInput {
  @Field(() => ID)
  planId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => DecimalScalar)
  price!: Decimal;
}

/** Fields left out (or null) stay as they are; quotations and orders keep their prices. */
@InputType()
export class UpdateInsurancePlanItemInput {
  @Field(() => ID)
  planItemId!: string;

  @Field(() => Int)
  expectedVersion!: number;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  price?: Decimal | null;
}

@InputType()
export class CreatePromotionInput {
  @Field(() => String, { description: '1 to 100 characters, unique.' })
  name!: string;

  @Field(() => DecimalScalar, { description: 'Taken off a plan order; more than 0.00.' })
  price!: Decimal;
}

/** Fields left out (or null) stay as they are. */
@InputType()
export class UpdatePromotionInput {
  @Field(() => ID)
  promotionId!: string;

  @Field(() => Int)
  expectedVersion!: number;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Unpaid orders with the promotion must then be placed again to be paid.',
  })
  price?: Decimal | null;

  @Field(() => Boolean, { nullable: true, description: 'false ends the promotion.' })
  active?: boolean | null;
}

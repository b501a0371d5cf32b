import { Field, ID, InputType, Int } from 'type-graphql';
import type { Decimal } from '../platform/money.ts';
import { DecimalScalar } from '../platform/scalars.ts';

@InputType()
export class CreateShopInput {
  @Field(() => String, { description: '1 to 100 characters, unique.' })
  cnName!: string;

  @Field(() => String, { description: '1 to 100 characters, unique.' })
  enName!: string;
}

/** Fields left out (or null) stay as they are. */
@InputType()
export class UpdateShopInput {
  @Field(() => ID)
  shopId!: string;

  @Field(() => Int, { description: "The shop's version as read; another is STALE_UPDATE." })
  expectedVersion!: number;

  @Field(() => String, { nullable: true })
  cnName?: string | null;

  @Field(() => String, { nullable: true })
  enName?: string | null;
}

@InputType()
export class CreateProductInput {
  @Field(() => ID)
  shopId!: string;

  @Field(() => String, { description: '1 to 200 characters, unique in the shop.' })
  name!: string;

  @Field(() => DecimalScalar, { description: '0.00 or more.' })
  price!: Decimal;

  @Field(() => Int, { description: 'Opening stock, 0 to 1000000000.' })
  stock!: number;
}

/** Fields left out (or null) stay as they are. Stock moves with adjustProductStock only. */
@InputType()
export class UpdateProductInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int, { description: "The product's version as read; another is STALE_UPDATE." })
  expectedVersion!: number;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Confirmed orders keep the price they were confirmed at.',
  })
  price?: Decimal | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'false deactivates the product (no longer sold), true sells it again.',
  })
  active?: boolean | null;
}

@InputType()
export class AdjustProductStockInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int, {
    description:
      'Units to add (a delivery) or, negative, to take away (shrinkage, a count); never more than are free: units unpaid orders hold stay theirs.',
  })
  delta!: number;

  @Field(() => String, { description: 'Why, 1 to 200 characters; kept in the history.' })
  reason!: string;
}

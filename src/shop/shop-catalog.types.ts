import { Field, Int, ObjectType } from 'type-graphql';
import { UserError } from '../platform/errors.ts';
import type { Decimal } from '../platform/money.ts';
import { DecimalScalar } from '../platform/scalars.ts';
import { Product, Shop } from './shop.entity.ts';

@ObjectType('ShopPayload')
export class ShopPayload {
  @Field(() => Shop, { nullable: true })
  shop?: Shop | null;

  @Field(() => [UserError], { description: 'INVALID_INPUT, NOT_FOUND, STALE_UPDATE.' })
  errors!: UserError[];
}

@ObjectType('ProductPayload')
export class ProductPayload {
  @Field(() => Product, { nullable: true })
  product?: Product | null;

  @Field(() => [UserError], { description: 'INVALID_INPUT, NOT_FOUND, STALE_UPDATE.' })
  errors!: UserError[];
}

@ObjectType('ShopOrderLimits', {
  description:
    'What one consumer may hold in unpaid shop orders at once (confirmShopOrder refuses more with UNPAID_LIMIT_REACHED), and how long an unpaid order holds its stock.',
})
export class ShopOrderLimits {
  @Field(() => Int, { nullable: true, description: 'Unpaid orders; null: no limit.' })
  maxUnpaidOrders!: number | null;

  @Field(() => Int, { nullable: true, description: 'Items in unpaid orders; null: no limit.' })
  maxUnpaidUnits!: number | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Total payment of unpaid orders; null: no limit.',
  })
  maxUnpaidValue!: Decimal | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Minutes before an unpaid order expires and its stock comes back; null: never.',
  })
  unpaidOrderTtlMinutes!: number | null;
}

import { Field, ID, Int, ObjectType } from 'type-graphql';
import { UserError } from '../platform/errors.ts';
import type { Decimal } from '../platform/money.ts';
import type { Order } from '../platform/orders/order.entity.ts';
import { PayType } from '../platform/orders/order-kinds.ts';
import { OrderInterface } from '../platform/orders/order.types.ts';
import { DateTimeScalar, DecimalScalar } from '../platform/scalars.ts';
import { Shop } from './shop.entity.ts';

@ObjectType('CartLine')
export class CartLine {
  @Field(() => ID)
  productId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => DecimalScalar)
  price!: Decimal;

  @Field(() => Int)
  count!: number;

  @Field(() => DecimalScalar)
  totalPrice!: Decimal;
}

@ObjectType('CartQuote', {
  description: "A cart priced at today's prices (cartQuote); nothing is saved.",
})
export class CartQuote {
  @Field(() => String)
  shopCnName!: string;

  @Field(() => String, { description: 'The shop\'s English name; "" when the shop is unknown.' })
  shopEnName!: string;

  @Field(() => [CartLine])
  lines!: CartLine[];

  @Field(() => Int, { description: 'Number of items in the cart (the sum of the counts).' })
  totalAmount!: number;

  @Field(() => DecimalScalar)
  payment!: Decimal;

  @Field(() => [UserError])
  errors!: UserError[];
}

@ObjectType('Address')
export class Address {
  @Field(() => String)
  recipient!: string;

  @Field(() => String)
  address!: string;

  @Field(() => String)
  telNum!: string;
}

/**
 * A shop order. Its runtime value is the core `Order`; the fields below are resolved from
 * the shop rows by batched loaders (see shop-order.resolver.ts).
 */
@ObjectType('ShopOrder', { implements: OrderInterface })
export class ShopOrderType extends OrderInterface {
  @Field(() => Shop)
  shop!: Shop;

  @Field(() => String)
  shopCnName!: string;

  @Field(() => String)
  shopEnName!: string;

  @Field(() => Address)
  address!: Address;

  @Field(() => [CartLine], {
    description:
      'Prices as they were when the order was confirmed; later price changes do not touch them.',
  })
  lines!: CartLine[];

  @Field(() => Int, { description: 'Number of items (the sum of the line counts).' })
  totalAmount!: number;

  @Field(() => Boolean, {
    description: 'True once the order was called off: cancelled, or expired unpaid.',
  })
  isCanceled!: boolean;

  @Field(() => PayType, { nullable: true, description: 'How it was paid; null until paid.' })
  payType?: PayType | null;

  @Field(() => [ID], { description: "The ids of the order's products, in line order." })
  productIds!: string[];

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When an unpaid order expires; null once paid or called off.',
  })
  expiresAt?: Date | null;
}

@ObjectType('ShopOrderPayload')
export class ShopOrderPayload {
  @Field(() => ShopOrderType, { nullable: true })
  order?: Order | null;

  @Field(() => [UserError], {
    description: 'NOT_FOUND, INVALID_INPUT, OUT_OF_STOCK, UNPAID_LIMIT_REACHED.',
  })
  errors!: UserError[];
}

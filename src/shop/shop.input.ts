import { Field, ID, InputType, Int } from 'type-graphql';

/** One cart line. `count` is checked by the cart rules so the error names the line. */
@InputType()
export class CartLineInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int)
  count!: number;
}

/** A cart to quote: shop, products and quantities; nothing is saved. */
@InputType()
export class CartInput {
  @Field(() => ID)
  shopId!: string;

  @Field(() => [CartLineInput])
  products!: CartLineInput[];
}

/** Where a shop order is delivered. Checked by the address rules (INVALID_INPUT naming the field). */
@InputType()
export class AddressInput {
  @Field(() => String)
  recipient!: string;

  @Field(() => String)
  address!: string;

  @Field(() => String)
  telNum!: string;
}

/** A cart confirmed as an order, with its delivery address. */
@InputType()
export class ConfirmShopOrderInput {
  @Field(() => ID)
  shopId!: string;

  @Field(() => AddressInput)
  address!: AddressInput;

  @Field(() => [CartLineInput])
  products!: CartLineInput[];
}

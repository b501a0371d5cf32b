import { Field, ID, InputType, Int } from 'type-graphql';

/** One cart line. `count` is checked by the cart rules so the error names the line. */
@InputType()
export class CartLineInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int)
  count!: number;
}

/** Seed 002's cart submission (processCode 1). */
@InputType()
export class CartInput {
  @Field(() => ID)
  shopId!: string;

  @Field(() => [CartLineInput])
  products!: CartLineInput[];
}

/** Seed 002's addressInfo. Checked by the address rules (INVALID_INPUT naming the field). */
@InputType()
export class AddressInput {
  @Field(() => String)
  recipient!: string;

  @Field(() => String)
  address!: string;

  @Field(() => String)
  telNum!: string;
}

/** Seed 002's order confirmation (processCode 2). */
@InputType()
export class ConfirmShopOrderInput {
  @Field(() => ID)
  shopId!: string;

  @Field(() => AddressInput)
  address!: AddressInput;

  @Field(() => [CartLineInput])
  products!: CartLineInput[];
}

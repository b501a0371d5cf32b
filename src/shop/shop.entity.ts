import { BigIntType, type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Decimal, MoneyType } from '../platform/money.ts';
import { DecimalScalar } from '../platform/scalars.ts';

/** A shop with a Chinese and an English name (shopCnName and shopEnName). */
@Entity({ tableName: 'shops' })
@ObjectType('Shop')
export class Shop {
  @Field(() => ID)
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  cnName!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  enName!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Int, {
    description: 'Moves on with every change of the names: updateShop wants it as expectedVersion.',
  })
  @Property({ type: 'integer' })
  version: number = 1;
}

/**
 * A product a shop sells. `stock` (what is free to order) only moves through conditional
 * updates (`stock = stock - n where stock >= n`), with a CHECK behind them: it is never
 * negative. `version` covers the fields staff edit (name, price, active), never the stock.
 */
@Entity({ tableName: 'products' })
@ObjectType('Product')
export class Product {
  @Field(() => ID)
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @ManyToOne({ entity: () => Shop, ref: true })
  shop!: Ref<Shop>;

  @Field(() => String)
  @Property({ type: 'string' })
  name!: string;

  @Field(() => DecimalScalar)
  @Property({ type: MoneyType })
  price!: Decimal;

  @Field(() => Int, {
    description: 'Units free to order; units held by unpaid orders are not in it (see reserved).',
  })
  @Property({ type: 'integer' })
  stock!: number;

  @Field(() => Boolean, {
    description: 'False once deactivated: no longer sold; orders keep what they bought.',
  })
  @Property({ type: 'boolean' })
  active: boolean = true;

  @Field(() => Int, {
    description:
      'Moves on with every change of name, price or active (not with stock): updateProduct wants it as expectedVersion.',
  })
  @Property({ type: 'integer' })
  version: number = 1;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  updatedAt: Date = new Date();
}

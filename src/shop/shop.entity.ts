import { BigIntType, type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Decimal, MoneyType } from '../platform/money.ts';
import { DecimalScalar } from '../platform/scalars.ts';

/** A shop with a Chinese and an English name (seed 002's shopCnName and shop names). */
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
}

/**
 * A product a shop sells. `stock` only moves through conditional updates
 * (`stock = stock - n where stock >= n`), with a CHECK behind them: it is never negative.
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

  @Field(() => Int)
  @Property({ type: 'integer' })
  stock!: number;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  updatedAt: Date = new Date();
}

import { DecimalType } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { Decimal, MoneyType } from '../platform/money.ts';
import { DecimalScalar } from '../platform/scalars.ts';

/** What a plan order adds to its `orders` row (plan_order_ext). */
@Entity({ tableName: 'plan_order_ext' })
export class PlanOrderExt {
  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'uuid' })
  vehicleId!: string;

  @Property({ type: 'uuid' })
  quotationId!: string;

  @Property({ type: 'uuid', nullable: true })
  promotionId?: string | null;

  /** The promotion's price when the order was placed. */
  @Property({ type: MoneyType, nullable: true })
  promotionPrice?: Decimal | null;

  /** numeric(5,4) as text, exact. */
  @Property({ type: new DecimalType('string'), precision: 5, scale: 4 })
  serviceRatio!: string;

  @Property({ type: MoneyType })
  summary!: Decimal;

  @Property({ type: MoneyType })
  vehicleValue!: Decimal;

  @Property({ type: 'Date' })
  expectAt!: Date;

  @Property({ type: 'Date', nullable: true })
  startAt?: Date | null;

  @Property({ type: 'Date', nullable: true })
  stopAt?: Date | null;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date' })
  updatedAt: Date = new Date();
}

/** What a driver order adds (driver_order_ext); its drivers are in driver_order_drivers. */
@Entity({ tableName: 'driver_order_ext' })
export class DriverOrderExt {
  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'uuid' })
  vehicleId!: string;

  @Property({ type: MoneyType })
  summary!: Decimal;

  @Property({ type: 'Date', nullable: true })
  startAt?: Date | null;

  @Property({ type: 'Date', nullable: true })
  stopAt?: Date | null;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date' })
  updatedAt: Date = new Date();
}

/** What a sale order adds (sale_order_ext). */
@Entity({ tableName: 'sale_order_ext' })
export class SaleOrderExt {
  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'uuid' })
  vehicleId!: string;

  @Property({ type: 'uuid' })
  quotationId!: string;

  @Property({ type: MoneyType })
  summary!: Decimal;

  @Property({ type: 'Date', nullable: true })
  startAt?: Date | null;

  @Property({ type: 'Date', nullable: true })
  stopAt?: Date | null;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date' })
  updatedAt: Date = new Date();
}

/**
 * An insurance order's items (order_items). Its parent is a plan of a plan order (orderId + planId) or a sale
 * order (orderId, planId null); the price is the quotation's, copied when the order is placed.
 */
@Entity({ tableName: 'insurance_order_items' })
@ObjectType('OrderItem')
export class InsuranceOrderItem {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'uuid', nullable: true })
  planId?: string | null;

  @Property({ type: 'uuid' })
  planItemId!: string;

  @Property({ type: 'uuid' })
  quotationId!: string;

  @Field(() => DecimalScalar)
  @Property({ type: MoneyType })
  price!: Decimal;

  @Property({ type: 'integer' })
  position!: number;
}

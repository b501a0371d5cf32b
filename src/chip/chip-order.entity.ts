import { BigIntType } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Decimal, MoneyType } from '../platform/money.ts';

// Ticks are bigint columns read as JavaScript numbers: the unit-time cap keeps them below
// 2^53, so they stay exact.

/** The chip part of an order (keyed by the core order's id): its plan's budget and deadline. */
@Entity({ tableName: 'chip_orders' })
export class ChipOrderRow {
  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @Property({ type: MoneyType })
  budget!: Decimal;

  @Property({ type: new BigIntType('number') })
  expectedTime!: number;

  @Property({ type: MoneyType })
  totalCost!: Decimal;

  /** First start and last end of the schedule: when the clock moves the order along. */
  @Property({ type: new BigIntType('number') })
  firstStart!: number;

  @Property({ type: new BigIntType('number') })
  lastEnd!: number;
}

/** One lot of a confirmed chip order: so many chips of one kind. */
@Entity({ tableName: 'chip_lots' })
export class ChipLotRow {
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @Property({ type: 'uuid' })
  orderId!: string;

  /** 0-based, as in the plan. */
  @Property({ type: 'integer' })
  lot!: number;

  @Property({ type: 'string', nullable: true })
  packageId?: string | null;

  @Property({ type: 'integer' })
  chipId!: number;

  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: MoneyType })
  cost!: Decimal;
}

/** One scheduled operation of a lot: this step, on this plant, over [start, end). */
@Entity({ tableName: 'chip_lot_operations' })
export class ChipLotOperationRow {
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @Property({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'integer' })
  lot!: number;

  @Property({ type: 'integer' })
  step!: number;

  @Property({ type: 'integer' })
  plantId!: number;

  @Property({ type: new BigIntType('number') })
  startTick!: number;

  @Property({ type: new BigIntType('number') })
  endTick!: number;

  @Property({ type: MoneyType })
  cost!: Decimal;
}

/**
 * A plant's calendar entry for one scheduled operation of a live order; deleted when the order
 * is cancelled. The database refuses two overlapping bookings of one plant (exclusion constraint).
 */
@Entity({ tableName: 'chip_bookings' })
export class ChipBookingRow {
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @Property({ type: 'integer' })
  plantId!: number;

  @Property({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'integer' })
  lot!: number;

  @Property({ type: 'integer' })
  step!: number;

  @Property({ type: new BigIntType('number') })
  startTick!: number;

  @Property({ type: new BigIntType('number') })
  endTick!: number;
}

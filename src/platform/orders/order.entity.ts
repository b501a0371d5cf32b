import { type Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { registerEnumType } from 'type-graphql';
import { Consumer } from '../accounts/consumer.entity.ts';
import { Decimal, MoneyType } from '../money.ts';

export enum OrderKind {
  CHIP = 'CHIP',
  PLAN = 'PLAN',
  DRIVER = 'DRIVER',
  SALE = 'SALE',
  SHOP = 'SHOP',
}
registerEnumType(OrderKind, { name: 'OrderKind' });

export enum OrderStatus {
  PENDING_PAYMENT = 'PENDING_PAYMENT',
  PAID = 'PAID',
  IN_PRODUCTION = 'IN_PRODUCTION',
  UNDERWRITING = 'UNDERWRITING',
  EFFECTIVE = 'EFFECTIVE',
  REJECTED = 'REJECTED',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  description:
    'One status vocabulary for every kind of order; each kind uses some of these statuses and allows only its own transitions between them.',
});

/**
 * One row per order of any kind (the kinds' own rows hang off it).
 * Kind-specific data lives in tables beside it keyed by the same id. `status` changes
 * only through `OrderStateMachine.transition`, which writes the order event with it.
 */
@Entity({ tableName: 'orders' })
@Index({ properties: ['consumer', 'updatedAt', 'id'] })
export class Order {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id!: string;

  @Enum({ items: () => OrderKind, type: 'string' })
  kind!: OrderKind;

  @Property({ type: 'string', unique: true })
  orderNo!: string;

  @ManyToOne({ entity: () => Consumer, ref: true })
  consumer!: Ref<Consumer>;

  @Enum({ items: () => OrderStatus, type: 'string' })
  status: OrderStatus = OrderStatus.PENDING_PAYMENT;

  @Property({ type: 'integer' })
  statusCode!: number;

  @Property({ type: 'string' })
  statusLabel!: string;

  @Property({ type: MoneyType })
  payment!: Decimal;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz' })
  updatedAt: Date = new Date();

  /** Set when the owner deletes a finished order: hidden from their lists, never removed. */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  deletedAt?: Date | null;
}
